"""Personalize, slim: a smaller shared base: every embedded OpenType CFF font becomes a bare CID-keyed CFF holding only the glyphs the page uses, under the same ids."""
from __future__ import annotations

import io


def cid_keyed(program: bytes, keep: set[int], aliases: dict[int, int] | None = None) -> bytes:
    """The CFF table of an OpenType font as a CID-keyed CFF with only the glyphs `keep` (and .notdef), the CID of
    each being its glyph id in `program`; `aliases` ({cid: glyph id}) adds a copy of a glyph under another CID.

    WeasyPrint keeps glyph ids when it subsets (its text uses them as CIDs), so its fonts carry an empty slot and a
    name for every glyph of the full font, and tables a PDF reader never uses. A CID-keyed CFF maps CIDs to glyphs
    through its charset, so the slots and the names can go while the text stays as it is."""
    from fontTools.cffLib import FDArrayIndex, FDSelect, FontDict
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(program), recalcTimestamp=False)
    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    if hasattr(top, "ROS"):
        return cff_bytes(font)
    names = list(top.charset)
    kept = [0] + sorted(g for g in keep if 0 < g < len(names))
    renamed = {names[g]: (".notdef" if g == 0 else f"cid{g:05d}") for g in kept}
    strings = top.CharStrings.charStrings
    extra = sorted((aliases or {}).items())
    top.CharStrings.charStrings = {renamed[k]: strings[k] for k in renamed}
    top.CharStrings.charStrings.update({f"cid{cid:05d}": strings[names[gid]] for cid, gid in extra})
    top.charset = [renamed[names[g]] for g in kept] + [f"cid{cid:05d}" for cid, _ in extra]
    top.ROS = ("Adobe", "Identity", 0)
    top.CIDCount = max([len(names)] + [cid + 1 for cid, _ in extra])
    face = FontDict()
    face.Private = top.Private
    face.FontMatrix = getattr(top, "FontMatrix", [0.001, 0, 0, 0.001, 0, 0])
    face.FontName = cff.fontNames[0]
    faces = FDArrayIndex()
    faces.append(face)
    faces.strings = cff.strings
    top.FDArray = faces
    select = FDSelect()
    select.format = 3
    select.gidArray = [0] * len(top.charset)
    top.FDSelect = select
    for key in ("Private", "Encoding"):
        top.rawDict.pop(key, None)
        if hasattr(top, key):
            delattr(top, key)
    return cff_bytes(font)


def cff_bytes(font) -> bytes:
    out = io.BytesIO()
    font["CFF "].cff.compile(out, font)
    return out.getvalue()


def slim_fonts(doc, aliases: dict | None = None) -> None:
    """Replace every /FontFile3 /OpenType program of a pikepdf document's CIDFonts by its CID-keyed CFF, keeping
    the glyphs the font's /W array gives widths for (every glyph its text draws); `aliases` maps a CIDFont's
    object id to the {cid: glyph id} copies it needs."""
    import pikepdf

    from pipeline.pdf.update import _w_gids

    for obj in doc.objects:
        if not (isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/CIDFontType0" and "/W" in obj):
            continue
        stream = obj.FontDescriptor.get("/FontFile3")
        if stream is not None and stream.get("/Subtype") == "/OpenType":
            own = (aliases or {}).get(obj.objgen, {})
            stream.write(cid_keyed(stream.read_bytes(), _w_gids(obj.W) - set(own), own))
            stream.Subtype = pikepdf.Name("/CIDFontType0C")
