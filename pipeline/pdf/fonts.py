"""PDF fonts: the band font subset with glyph ids kept, and embedded CFF rewritten as bare CID-keyed CFF."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path


def cid_keyed(program: bytes, keep: set[int], aliases: dict[int, int] | None = None) -> bytes:
    """The CFF table of an OpenType font as a CID-keyed CFF with only the glyphs `keep` (and .notdef), the CID
    of each being its glyph id in `program`; `aliases` ({cid: glyph id}) adds a copy of a glyph under another
    CID.

    WeasyPrint keeps glyph ids when it subsets (its text uses them as CIDs), so its fonts carry an empty slot
    and a name for every glyph of the full font, and tables a PDF reader never uses. A CID-keyed CFF maps CIDs
    to glyphs through its charset, so the slots and the names can go while the text stays as it is."""
    from fontTools.cffLib import FDArrayIndex, FDSelect, FontDict
    from fontTools.ttLib import TTFont

    # not recalculated: the full font's bounding box bounds the subset too (drawing every glyph takes 0.2 s)
    font = TTFont(io.BytesIO(program), recalcTimestamp=False, recalcBBoxes=False)
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
    """Replace every /FontFile3 /OpenType program of a pikepdf document's CIDFonts by its CID-keyed CFF,
    keeping the glyphs the font's /W array gives widths for (every glyph its text draws); `aliases` maps a
    CIDFont's object id to the {cid: glyph id} copies it needs."""
    import pikepdf

    for obj in doc.objects:
        if not (
            isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/CIDFontType0" and "/W" in obj
        ):
            continue
        stream = obj.FontDescriptor.get("/FontFile3")
        if stream is not None and stream.get("/Subtype") == "/OpenType":
            own = (aliases or {}).get(obj.objgen, {})
            stream.write(cid_keyed(stream.read_bytes(), w_gids(obj.W) - set(own), own))
            stream.Subtype = pikepdf.Name("/CIDFontType0C")


@dataclass
class BandFont:
    """The band's font cut down to every character of the run, glyph ids kept: its program and what drawing
    needs."""

    name: str  # BaseFont, with a subset tag derived from the program
    program: bytes  # OpenType (CFF) file; glyph ids are those of the full font
    gids: dict[str, int]  # character -> glyph id (= CID under Identity-H)
    widths: dict[int, int]  # glyph id -> advance in 1/1000 em
    ascent: int
    descent: int
    bbox: tuple[int, int, int, int]
    cap_height: int
    source: str = ""  # the full font file
    postscript: str = ""  # its PostScript name, to find the same face among a page's fonts

    @classmethod
    def subset(cls, path: Path, family: str, chars: set[str]) -> BandFont:
        """Subset `path` to `chars` (those it has) deterministically: no timestamps, no layout tables."""
        from fontTools.ttLib import TTFont

        font = TTFont(path, recalcTimestamp=False)
        cmap = font.getBestCmap()
        scale = 1000 / font["head"].unitsPerEm
        gids = {
            chr(code): font.getGlyphID(cmap[code])
            for code in sorted({ord(c) for c in chars} | {0x20})
            if code in cmap
        }
        metrics = font["hmtx"].metrics
        order = font.getGlyphOrder()
        widths = {gid: round(metrics[order[gid]][0] * scale) for gid in sorted(set(gids.values()))}
        program = subset_program(path, set(gids.values()))
        head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])
        return cls(
            f"{tag}+{family.replace(' ', '-')}",
            program,
            gids,
            widths,
            round(hhea.ascent * scale),
            round(hhea.descent * scale),
            tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
            round(getattr(os2, "sCapHeight", 700) * scale),
            str(path),
            postscript_name(font),
        )

    def missing(self, text: str) -> str:
        """The characters of `text` the font has no glyph for."""
        return "".join(sorted({c for c in text if c not in self.gids}))

    def width(self, text: str, size: float) -> float:
        """The advance width of `text` at `size` pt, in pt."""
        return sum(self.widths.get(self.gids.get(c, 0), 0) for c in text) * size / 1000

    def encode(self, text: str) -> str:
        """`text` as a hex string of 2-byte glyph ids (Identity-H)."""
        return "".join(f"{self.gids.get(c, 0):04X}" for c in text)


def subset_program(path, gids: set[int]) -> bytes:
    """An OpenType CFF font with only the glyphs `gids` (and .notdef), each keeping its glyph id."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, recalcTimestamp=False, recalcBBoxes=False)  # bboxes: the full font's, as above
    unused = ["GSUB", "GPOS", "GDEF", "BASE", "DSIG", "meta"]
    for tag in unused:  # gone before subsetting, which would otherwise read the layout tables whole (0.3 s)
        if tag in font:
            del font[tag]
    options = subset.Options()
    options.retain_gids = True
    options.layout_features = []
    options.drop_tables += unused
    options.name_IDs = [1, 2, 4, 6]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=sorted(gids | {0}))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def postscript_name(font) -> str:
    """A TTFont's PostScript name (name id 6), or ''."""
    return str(font["name"].getDebugName(6) or "") if "name" in font else ""


def w_gids(widths) -> set[int]:
    """The glyph ids a CIDFont's /W array gives widths for."""
    import pikepdf

    gids, i = set(), 0
    items = list(widths)
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            gids.update(range(first, first + len(items[i + 1])))
            i += 2
        else:
            gids.update(range(first, int(items[i + 1]) + 1))
            i += 3
    return gids
