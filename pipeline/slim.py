"""Personalize, slim: a smaller shared base: every embedded OpenType CFF font becomes a bare CID-keyed CFF with the same glyphs and ids."""
from __future__ import annotations

import io


def cid_keyed(program: bytes) -> bytes:
    """The CFF table of an OpenType font as a CID-keyed CFF whose CID of every glyph is its glyph id.

    WeasyPrint keeps glyph ids when it subsets (so its text uses them as CIDs); the font then carries a name for
    every glyph of the full font and tables a PDF reader never uses. Identity CIDs need no names at all."""
    from fontTools.cffLib import FDArrayIndex, FDSelect, FontDict
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(program), recalcTimestamp=False)
    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    if hasattr(top, "ROS"):
        return cff_bytes(font)
    names = list(top.charset)
    renamed = [".notdef"] + [f"cid{i:05d}" for i in range(1, len(names))]
    rename = dict(zip(names, renamed))
    top.CharStrings.charStrings = {rename[k]: v for k, v in top.CharStrings.charStrings.items()}
    top.charset = renamed
    top.ROS = ("Adobe", "Identity", 0)
    top.CIDCount = len(names)
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
    select.gidArray = [0] * len(names)
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


def slim_fonts(doc) -> None:
    """Replace every /FontFile3 /OpenType program of a pikepdf document by its CID-keyed CFF."""
    import pikepdf

    for obj in doc.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor" and "/FontFile3" in obj:
            stream = obj.FontFile3
            if stream.get("/Subtype") == "/OpenType":
                stream.write(cid_keyed(stream.read_bytes()))
                stream.Subtype = pikepdf.Name("/CIDFontType0C")
