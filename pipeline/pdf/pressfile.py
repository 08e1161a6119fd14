"""Press file: print-shop variants (PDF/X-4, untagged) of the print file and fly-in packets, boxes kept.

The screen print file and packets are tagged and built for readers (printfile, tagged). Their print-shop
variants hold pages made by prepress: no tags, no annotations, a TrimBox and BleedBox on every page, and the
output intent and PDF/X XMP in the catalog. So the file starts from the first PDF's catalog (its intent, XMP
and version: every print-shop PDF of a project has the same intent), and each page keeps its boxes. Copies
stamped on one base share that base page's content streams and resources; each adds a page dictionary and
its band stream.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from pathlib import Path

from pipeline.pdf.update import read_update


def press_file(
    front: bytes | None, front_title: str, sections: list[tuple[str, list[tuple[str, Path]]]]
) -> bytes:
    """One print-shop PDF: the pages of `front` (an itinerary's variant; None for none), then each section's
    copies (their .print.pdf files), with a bookmark for the front, one per section and, when a section has
    several parts, one per part beneath it."""
    import pikepdf

    from pipeline.pdf.collate import with_outline

    pikepdf.settings.set_flate_compression_level(9)  # the same bytes whichever process makes the file
    first = front if front is not None else sections[0][1][0][1].read_bytes()
    out = pikepdf.open(io.BytesIO(first))
    marks: list = []
    if front is None:
        del out.pages[:]  # its page comes back as the first copy's, below
    else:
        marks.append((front_title, 0))
    shared: dict[str, object] = {}  # a base's sha256 -> its page in `out`, as its first copy brought it
    with contextlib.ExitStack() as keep:  # sources stay open until the file is saved
        for title, parts in sections:
            marks.append((title, len(out.pages), []))
            for part_title, path in parts:
                marks[-1][2].append((part_title, len(out.pages)))
                data = path.read_bytes()
                split = read_update(data)
                digest = hashlib.sha256(split.base).hexdigest() if split else ""
                if digest in shared:
                    out.pages.append(_sharing(out, shared[digest], split.band))
                    continue
                one = keep.enter_context(pikepdf.open(io.BytesIO(data)))
                out.pages.extend(one.pages)
                if split:
                    shared[digest] = out.pages[-1]
        return with_outline(out, marks)


def _sharing(out, template, band: bytes):
    """A page like `template` (boxes, resources, the base's content streams) that draws its own band."""
    import pikepdf

    stream = pikepdf.Stream(out, b"")
    stream.write(band, filter=pikepdf.Name.FlateDecode)
    page = pikepdf.Dictionary({key: template.obj[key] for key in template.obj.keys() if key != "/Parent"})
    page.Contents = pikepdf.Array([out.make_indirect(stream), *list(template.obj.Contents)[1:]])
    return pikepdf.Page(out.make_indirect(page))
