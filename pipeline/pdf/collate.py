"""PDF collate: the print file, every office's page in walking order, sharing one copy of the base page."""

from __future__ import annotations

import io
from pathlib import Path

from pipeline.pdf.update import read_update


def print_file(entries: list[tuple[str, Path]]) -> bytes:
    """One PDF of the given (bookmark title, file) pairs, in order."""
    import pikepdf

    if not entries:
        raise ValueError("a print file needs at least one entry")
    pikepdf.settings.set_flate_compression_level(9)  # the same bytes whichever process makes the file
    first = entries[0][1].read_bytes()
    split = read_update(first)
    bands = []
    if split:
        for _, path in entries:
            part = read_update(path.read_bytes())
            if part is None or part[0] != split[0]:
                split = None
                break
            bands.append(part[1])
    out = pikepdf.Pdf.new()
    if split:
        _shared(out, split[0], bands)
    else:
        for _, path in entries:
            with pikepdf.open(path) as one:
                out.pages.extend(one.pages)
    with out.open_outline() as outline:
        for number, (title, _) in enumerate(entries):
            outline.root.append(pikepdf.OutlineItem(title, number))
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _shared(out, base: bytes, bands: list[bytes]) -> None:
    """Pages that draw their own band stream, then the base page as one shared form XObject."""
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
    for band in bands:
        stream = pikepdf.Stream(out, b"")
        stream.write(band, filter=pikepdf.Name.FlateDecode)
        out.pages.append(
            pikepdf.Page(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Page,
                    MediaBox=media,
                    Resources=resources,
                    Contents=pikepdf.Array([out.make_indirect(stream), draw]),
                )
            )
        )
