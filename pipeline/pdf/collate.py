"""PDF collate: the print file and fly-in packets, office copies sharing one copy of each base page."""

from __future__ import annotations

import io
from pathlib import Path

from pipeline.pdf import printfile
from pipeline.pdf.tagged import Merged
from pipeline.pdf.update import read_update


def print_file(entries: list[tuple[str, Path]]) -> bytes:
    """One PDF of the given (bookmark title, file) pairs, in order. Stamped copies of one tagged base are that
    base and one update (printfile); other tagged PDFs are merged with their tags (tagged), copies of a base
    sharing its page's drawing; copies of an untagged base share it as a form XObject."""
    import pikepdf

    if not entries:
        raise ValueError("a print file needs at least one entry")
    pikepdf.settings.set_flate_compression_level(9)  # the same bytes whichever process makes the file
    first = entries[0][1].read_bytes()
    updates = _updates_of_one_base(first, entries)
    if updates:
        data = printfile.print_file(updates, [title for title, _ in entries])
        if data is not None:
            return data
    if _is_tagged(first):
        merged = Merged(first)
        for _, path in entries:
            merged.add(path.read_bytes())
        merged.close()
        try:
            return with_outline(merged.pdf, [(title, number) for number, (title, _) in enumerate(entries)])
        finally:
            merged.release()
    split = read_update(first)
    bands = []
    if split:
        for _, path in entries:
            part = read_update(path.read_bytes())
            if part is None or part.base != split.base:
                split = None
                break
            bands.append(part.band)
    out = pikepdf.Pdf.new()
    if split:
        _shared(out, split.base, bands)
    else:
        for _, path in entries:
            with pikepdf.open(path) as one:
                out.pages.extend(one.pages)
    return with_outline(out, [(title, number) for number, (title, _) in enumerate(entries)])


def _updates_of_one_base(first: bytes, entries: list[tuple[str, Path]]) -> list | None:
    """The updates of the entries when every one is a stamped copy of the first's base (each holding that one
    base, not its own copy of the bytes), else None."""
    split = read_update(first)
    if split is None:
        return None
    found = []
    for _, path in entries:
        part = read_update(path.read_bytes())
        if part is None or part.base != split.base:
            return None
        found.append(part._replace(base=split.base))
    return found


def _is_tagged(data: bytes) -> bool:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return "/StructTreeRoot" in pdf.Root


def with_outline(out, marks: list) -> bytes:
    """The PDF saved, deterministically, with an outline: (title, page) or (title, page, [(title, page)])
    for each mark."""
    import pikepdf

    with out.open_outline() as outline:
        del outline.root[:]
        for mark in marks:
            item = pikepdf.OutlineItem(mark[0], mark[1])
            if len(mark) > 2 and len(mark[2]) > 1:
                item.children.extend(pikepdf.OutlineItem(t, p) for t, p in mark[2])
            outline.root.append(item)
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _shared(out, base: bytes, bands: list[bytes]) -> None:
    """Pages that draw their own band stream, then the base page as one shared form XObject."""
    shared = _base_form(out, base)
    for band in bands:
        out.pages.append(_band_page(out, band, *shared))


def _base_form(out, base: bytes):
    """The base's page as a form XObject in `out`: (the resources a band page needs, its media box, the
    stream that draws the form)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(base)) as src:
        page = src.pages[0].obj
        parts = list(page.Contents)[1:]  # the first is the (empty) band stream
        body = b"\n".join(part.read_bytes() for part in parts)
        form = pikepdf.Stream(src, body)
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox = page.MediaBox
        form.Resources = page.Resources
        form = out.copy_foreign(src.make_indirect(form))
        font = out.copy_foreign(page.Resources.Font.PressBand)
        media = pikepdf.Array([float(v) for v in page.MediaBox])
    draw = out.make_stream(b"q /PressBase Do Q\n")
    resources = out.make_indirect(
        pikepdf.Dictionary(
            Font=pikepdf.Dictionary(PressBand=font), XObject=pikepdf.Dictionary(PressBase=form)
        )
    )
    return resources, media, draw


def _band_page(out, band: bytes, resources, media, draw):
    """A page that draws an office's band, then the shared base."""
    import pikepdf

    stream = pikepdf.Stream(out, b"")
    stream.write(band, filter=pikepdf.Name.FlateDecode)
    return pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=media,
            Resources=resources,
            Contents=pikepdf.Array([out.make_indirect(stream), draw]),
        )
    )


def packet(front: bytes, front_title: str, sections: list[tuple[str, list[tuple[str, Path]]]]) -> bytes:
    """One PDF: the pages of `front` (an itinerary), then for each (title, [(part title, copy file), ...])
    section its copies' pages, with a bookmark for `front`, one per section and, when a section has more
    than one part, one per part beneath it. Copies stamped on the same base draw it once (a tagged front
    makes a tagged packet, see tagged; otherwise the base is a form XObject); any other PDF's pages are
    copied as they are."""
    import contextlib
    import hashlib

    import pikepdf

    pikepdf.settings.set_flate_compression_level(9)
    marks: list = [(front_title, 0)]
    if _is_tagged(front):
        merged = Merged(front)
        merged.add(front)
        for title, parts in sections:
            marks.append((title, len(merged.pdf.pages), []))
            for part_title, path in parts:
                marks[-1][2].append((part_title, len(merged.pdf.pages)))
                merged.add(path.read_bytes())
        merged.close()
        try:
            return with_outline(merged.pdf, marks)
        finally:
            merged.release()
    out, forms = pikepdf.Pdf.new(), {}
    with contextlib.ExitStack() as keep:  # sources stay open until the packet is saved
        first = keep.enter_context(pikepdf.open(io.BytesIO(front)))
        out.pages.extend(first.pages)
        for title, parts in sections:
            marks.append((title, len(out.pages), []))
            for part_title, path in parts:
                marks[-1][2].append((part_title, len(out.pages)))
                data = path.read_bytes()
                split = read_update(data)
                if split is None:
                    one = keep.enter_context(pikepdf.open(io.BytesIO(data)))
                    out.pages.extend(one.pages)
                    continue
                digest = hashlib.sha256(split.base).hexdigest()
                if digest not in forms:
                    forms[digest] = _base_form(out, split.base)
                out.pages.append(_band_page(out, split.band, *forms[digest]))
        return with_outline(out, marks)
