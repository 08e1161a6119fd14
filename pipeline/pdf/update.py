"""PDF incremental update: an office's band appended to the shared base as a small update, and its reader."""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from pipeline.colour import rgb
from pipeline.pdf.bandtags import QrTags, figure_object, link_object
from pipeline.pdf.fonts import BandFont, postscript_name, subset_program, w_gids

PX = 0.75  # pt per CSS px
MARK = "PressBand"  # the name of the band font in the page's resources


@dataclass
class Base:
    """The shared one-pager with an empty band stream, and what an incremental update needs to replace it."""

    data: bytes
    band_object: int  # the number of the empty content stream each copy replaces
    size: int  # the trailer's /Size: the next free object number
    root: str  # "n g R" of the catalog
    info: str  # "n g R" of the Info dictionary, or ""
    startxref: int
    mcid: int  # marked-content id of the band text in the structure tree
    text_box: tuple[float, float, float, float]  # x0, y0 (top), x1, y1 (bottom) in PDF pt, y upwards
    qr_box: tuple[float, float, float, float]
    page_height: float  # the trim's top edge (the page's height when it has no bleed)
    colour: tuple[float, float, float]
    font: BandFont
    ids: list[bytes] = field(default_factory=list)  # the base's file identifiers, if it has them
    qr: QrTags | None = None  # the QR code's Figure and link annotation (a tagged page only)
    media: tuple[float, float] = (0.0, 0.0)  # the MediaBox's lower left corner (below 0 with a bleed)

    @property
    def page_qr_box(self) -> tuple[float, float, float, float]:
        """The QR code's box from the MediaBox's lower left corner, as a reader rendering the page sees it."""
        x0, top, x1, bottom = self.qr_box
        dx, dy = self.media
        return (x0 - dx, top - dy, x1 - dx, bottom - dy)


def prepare(pdf: bytes, anchors: dict, font: BandFont, colour: str) -> Base:
    """Add the band font, an empty first content stream, a tagged paragraph for the band text and the QR code
    as a Figure in a Link (bandtags) to a one-pager."""
    import pikepdf

    from pipeline.pdf.bandtags import find_qr, tag_band, tag_qr
    from pipeline.pdf.fonts import slim_fonts

    pikepdf.settings.set_flate_compression_level(9)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        left, top = trim_origin(page.obj)
        media = (float(page.MediaBox[0]), float(page.MediaBox[1]))

        def box(name):  # the anchors are CSS px from the trim's top left corner
            x1, y1, x2, y2 = anchors[name]
            return (left + x1 * PX, top - y1 * PX, left + x2 * PX, top - y2 * PX)

        band = doc.make_stream(b"")
        contents = page.obj.Contents
        parts = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        page.obj.Contents = pikepdf.Array([band] + parts)
        resources = page.obj.Resources
        if "/Font" not in resources:
            resources.Font = pikepdf.Dictionary()
        aliases: dict = {}
        shared = _same_face(doc, resources.Font, font, aliases)
        if shared is not None:
            resources.Font[f"/{MARK}"], font = shared
        else:
            resources.Font[f"/{MARK}"] = _font_objects(doc, font)
        mcid = tag_band(doc, page)
        if mcid >= 0:
            tag_qr(doc, page, box("band-qr"))
        slim_fonts(doc, aliases)
        out = io.BytesIO()
        doc.save(
            out,
            compress_streams=True,
            recompress_flate=True,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
    data = out.getvalue()
    with pikepdf.open(io.BytesIO(data)) as saved:
        trailer = saved.trailer
        root = "{} {} R".format(*trailer.Root.objgen)
        info = "{} {} R".format(*trailer.Info.objgen) if "/Info" in trailer else ""
        size = int(trailer.Size)
        ids = [bytes(x) for x in trailer.ID] if "/ID" in trailer else []
        band_object = saved.pages[0].obj.Contents[0].objgen[0]  # saving renumbers objects
        qr = find_qr(saved) if mcid >= 0 else None
    startxref = int(re.findall(rb"startxref\s+(\d+)", data[-1024:])[-1])
    return Base(
        data,
        band_object,
        size,
        root,
        info,
        startxref,
        mcid,
        box("band-text"),
        box("band-qr"),
        top,
        tuple(round(c, 4) for c in rgb(colour) or (0.0, 0.0, 0.0)),
        font,
        ids,
        qr,
        media,
    )


def trim_origin(page) -> tuple[float, float]:
    """The trim's left and top edges in PDF pt (the MediaBox's when the page has no TrimBox): a print-shop
    page's MediaBox is larger by its bleed and slug, and its laid-out boxes are placed from the trim."""
    trim = page.get("/TrimBox", page.MediaBox)
    return float(trim[0]), float(trim[3])


def _same_face(doc, fonts, font: BandFont, aliases: dict):
    """The page's own font of the band's face grown by the band's glyphs, and the band font as it is then
    drawn; None when the page does not use that face. Glyph ids stay as they are, so the page's text is
    untouched. A glyph the page already uses for another character (one glyph serves '-' and U+2010, say) gets
    a second CID of its own, recorded in `aliases` (font object -> {cid: glyph id}), so that each extracts as
    its own character."""
    import pikepdf
    from fontTools.ttLib import TTFont

    for key in sorted(fonts.keys()):
        found = fonts[key]
        if found.get("/Subtype") != "/Type0" or "/ToUnicode" not in found:
            continue
        descendant = found.DescendantFonts[0]
        program = descendant.FontDescriptor.get("/FontFile3")
        if program is None or program.get("/Subtype") != "/OpenType":
            continue
        if postscript_name(TTFont(io.BytesIO(program.read_bytes()), lazy=True)) != font.postscript:
            continue
        cmap = found.ToUnicode.read_bytes()
        mapped = _mapped(cmap)
        used = w_gids(descendant.get("/W", pikepdf.Array()))
        program.write(subset_program(font.source, used | set(font.widths)))
        gids, widths, new, spare = (
            dict(font.gids),
            dict(font.widths),
            [],
            max(max(font.widths), max(used, default=0)),
        )
        own = aliases.setdefault(descendant.objgen, {})
        for char, gid in sorted(font.gids.items()):
            if mapped.get(gid, char) != char:
                spare += 1
                own[spare], gids[char], widths[spare] = gid, spare, font.widths[gid]
                new.append((spare, char))
            elif gid not in used and gid not in mapped:
                new.append((gid, char))
        table = descendant.get("/W", pikepdf.Array())
        for cid, _ in new:
            table.extend([cid, pikepdf.Array([widths[cid]])])
        descendant.W = table
        at = cmap.rindex(b"endcmap")
        found.ToUnicode.write(cmap[:at] + _bfchar(sorted(set(new))).encode("ascii") + b"\n" + cmap[at:])
        return found, replace(font, gids=gids, widths=widths)
    return None


def _mapped(cmap: bytes) -> dict[int, str]:
    """Glyph id -> text of a ToUnicode CMap's bfchar entries and bfrange entries with a start value."""
    text = cmap.decode("latin-1")
    found = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            found[int(code, 16)] = bytes.fromhex(value).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for first, last, value in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(value, 16)
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                found[code] = chr(start + offset)
    return found


def _font_objects(doc, font: BandFont):
    import pikepdf

    program = doc.make_stream(font.program)
    program.Subtype = pikepdf.Name("/OpenType")
    descriptor = doc.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name("/FontDescriptor"),
            FontName=pikepdf.Name("/" + font.name),
            Flags=32,
            FontBBox=pikepdf.Array(font.bbox),
            ItalicAngle=0,
            Ascent=font.ascent,
            Descent=font.descent,
            CapHeight=font.cap_height,
            StemV=80,
            FontFile3=program,
        )
    )
    widths = pikepdf.Array()
    for gid in sorted(font.widths):
        widths.extend([gid, pikepdf.Array([font.widths[gid]])])
    cid = doc.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name("/Font"),
            Subtype=pikepdf.Name("/CIDFontType0"),
            BaseFont=pikepdf.Name("/" + font.name),
            CIDSystemInfo=pikepdf.Dictionary(
                Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
            ),
            FontDescriptor=descriptor,
            W=widths,
        )
    )
    return doc.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name("/Font"),
            Subtype=pikepdf.Name("/Type0"),
            BaseFont=pikepdf.Name("/" + font.name),
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=pikepdf.Array([cid]),
            ToUnicode=doc.make_stream(_to_unicode(font)),
        )
    )


def _to_unicode(font: BandFont) -> bytes:
    pairs = sorted((gid, char) for char, gid in font.gids.items())
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    lines.append(_bfchar(pairs))
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _bfchar(pairs: list[tuple[int, str]]) -> str:
    """ToUnicode CMap entries for (glyph id, character) pairs, in blocks of at most 100."""
    lines = []
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>" for gid, char in chunk]
        lines.append("endbfchar")
    return "\n".join(lines)


def band_content(base: Base, lines: list[tuple[str, float]], matrix: list[list[bool]]) -> bytes:
    """The band's drawing: the text lines (tagged, in reading order before the page) and the QR code as
    rectangles (tagged as the Figure of its link; an artifact on an untagged page)."""
    font = base.font
    x0, top, _, _ = base.text_box
    out = ["q"]
    out.append(f"/P <</MCID {base.mcid}>> BDC" if base.mcid >= 0 else "/Span BMC")
    out.append("BT {:g} {:g} {:g} rg".format(*base.colour))
    y = top
    for text, size in lines:
        leading = size * 1.3
        baseline = y - (leading - (font.ascent - font.descent) * size / 1000) / 2 - font.ascent * size / 1000
        out.append(f"/{MARK} {size:g} Tf 1 0 0 1 {x0:.2f} {baseline:.2f} Tm <{font.encode(text)}> Tj")
        y -= leading
    out.append("ET EMC")
    out.append(f"/Figure <</MCID {base.qr.mcid}>> BDC 0 0 0 rg" if base.qr else "/Artifact BMC 0 0 0 rg")
    out.append(qr_path(matrix, base.qr_box))
    out.append("f EMC Q")
    return ("\n".join(out) + "\n").encode("ascii")


def qr_path(matrix: list[list[bool]], box: tuple[float, float, float, float]) -> str:
    """The dark modules of a QR matrix (quiet zone included) as rectangles filling `box`, one per horizontal
    run."""
    x0, top, x1, _ = box
    module = (x1 - x0) / len(matrix)
    rects = []
    for row, cells in enumerate(matrix):
        col = 0
        while col < len(cells):
            if cells[col]:
                start = col
                while col < len(cells) and cells[col]:
                    col += 1
                rects.append(
                    f"{x0 + start * module:.3f} {top - (row + 1) * module:.3f} "
                    f"{(col - start) * module:.3f} {module:.3f} re"
                )
            else:
                col += 1
    return "\n".join(rects)


def stamp(base: Base, content: bytes, url: str = "") -> bytes:
    """The base followed by an incremental update that replaces the empty band stream with `content` and,
    given the copy's `url` and a base with a tagged QR code, its Figure and link annotation with ones that
    give that address."""
    body = zlib.compress(content, 9)
    at = len(base.data)
    update = (
        f"{base.band_object} 0 obj\n<</Length {len(body)}/Filter/FlateDecode>>\nstream\n".encode()
        + body
        + b"\nendstream\nendobj\n"
    )
    offsets = {base.band_object: at}
    if url and base.qr:
        for number, text in (
            (base.qr.figure, figure_object(base.qr, url)),
            (base.qr.annotation, link_object(base.qr, url)),
        ):
            offsets[number] = at + len(update)
            update += f"{number} 0 obj\n{text}\nendobj\n".encode("ascii")
    xref_at = at + len(update)
    xref_number = base.size
    offsets[xref_number] = xref_at
    numbers = sorted(offsets)
    rows = b"".join(bytes([1]) + offsets[n].to_bytes(4, "big") + bytes([0]) for n in numbers)
    index = " ".join(f"{n} 1" for n in numbers)
    ident = ""
    if base.ids:
        digest = hashlib.md5(content + url.encode()).hexdigest()
        ident = f"/ID[<{base.ids[0].hex()}><{digest}>]"
    info = f"/Info {base.info}" if base.info else ""
    update += (
        (
            f"{xref_number} 0 obj\n<</Type/XRef/Size {xref_number + 1}/Root {base.root}{info}{ident}"
            f"/Prev {base.startxref}/Index[{index}]/W[1 4 1]/Length "
            f"{len(rows)}>>\n"
            "stream\n"
        ).encode()
        + rows
        + f"\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n".encode()
    )
    return base.data + update


class Update(NamedTuple):
    """A stamped copy read back: the base, the band stream (compressed), and the other objects the update
    replaces (number -> the text of its dictionary: the QR code's Figure and link annotation)."""

    base: bytes
    band: bytes
    objects: dict[int, bytes]


UPDATE = re.compile(rb"(\d+) 0 obj\n<</Length (\d+)/Filter/FlateDecode>>\nstream\n")
# What follows the band stream in a copy, to its last byte: the objects it replaces besides (one line each),
# the update's xref stream, and startxref naming it.
UPDATE_END = re.compile(
    rb"\nendstream\nendobj\n((?:\d+ 0 obj\n<<[^\n]*>>\nendobj\n)*)"
    rb"(\d+ 0 obj\n<</Type/XRef[^\n]*>>\nstream\n.*\nendstream\nendobj\n)"
    rb"startxref\n(\d+)\n%%EOF\n",
    re.S,
)
OBJECT = re.compile(rb"(\d+) 0 obj\n(<<[^\n]*>>)\nendobj\n")


def read_update(data: bytes) -> Update | None:
    """The parts of a stamped copy, or None for a file made otherwise (a full render)."""
    end = data.rfind(
        b"%%EOF", 0, len(data) - 8
    )  # the base's end: the copy's own update ends with the last one
    if end < 0:
        return None
    end = data.index(b"\n", end) + 1
    found = UPDATE.match(data, end)
    if not found:
        return None
    start = found.end()
    stream_end = start + int(found.group(2))
    tail = UPDATE_END.fullmatch(data, stream_end)
    if not tail or int(tail.group(3)) != tail.start(2):  # a copy cut short, or changed after it was stamped
        return None
    objects = {int(n): text for n, text in OBJECT.findall(tail.group(1))}
    return Update(data[:end], data[start:stream_end], objects)


def copy_address(update: Update) -> str | None:
    """The address a stamped copy's QR code gives (its link annotation's URI), or None."""
    for text in update.objects.values():
        found = re.search(rb"/S/URI/URI \(((?:[^()\\]|\\.)*)\)", text)
        if found:
            return re.sub(rb"\\(.)", rb"\1", found.group(1)).decode("ascii")
    return None
