"""Audit, fonts: the dictionary and ToUnicode map of every font that shows text.

Matterhorn 31-004, 31-005 and 31-009 (dictionaries, embedding), 31-027..31-029 (Unicode mapping), and
pdf.font for a CIDFont without its required CIDSystemInfo.
"""

from __future__ import annotations

import re

import pikepdf

from pipeline.pdf.audit_common import Found, name
from pipeline.pdf.audit_content import Fonts

STANDARD_ENCODINGS = {"WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding"}
CJK_ORDERINGS = {"Japan1", "CNS1", "GB1", "Korea1"}  # Adobe collections that map to Unicode by themselves
SYMBOLIC, NONSYMBOLIC = 4, 32  # FontDescriptor /Flags bits 3 and 6


def check_fonts(fonts: Fonts, found: Found) -> None:
    """One line per problem of each font that shows text, on the first page where it does."""
    for font, page in fonts.used.values():
        label = name(font.get("/BaseFont")) or "(unnamed)"
        for code, message in _problems(font):
            found.add(page, code, f"font {label}: {message}")


def _problems(font: pikepdf.Dictionary):
    subtype = name(font.get("/Subtype"))
    if subtype == "Type0":
        yield from _composite(font)
    elif subtype in {"Type1", "MMType1", "TrueType"}:
        descriptor = font.get("/FontDescriptor")
        if not _embedded(descriptor):
            yield "ua.31-009", "the font program is not embedded"
    unicode_map = font.get("/ToUnicode")
    if isinstance(unicode_map, pikepdf.Stream):
        yield from _unicode_values(unicode_map)
    elif not _maps_by_itself(font, subtype):
        yield "ua.31-027", "it has no ToUnicode map, and nothing else maps its codes to Unicode"


def _embedded(descriptor) -> bool:
    return isinstance(descriptor, pikepdf.Dictionary) and any(
        isinstance(descriptor.get(key), pikepdf.Stream) for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _cidfont(font: pikepdf.Dictionary) -> pikepdf.Dictionary | None:
    kids = font.get("/DescendantFonts")
    cidfont = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) else None
    return cidfont if isinstance(cidfont, pikepdf.Dictionary) else None


def _composite(font: pikepdf.Dictionary):
    cidfont = _cidfont(font)
    if cidfont is None:
        yield "pdf.font", "the Type0 font has no CIDFont (DescendantFonts)"
        return
    if not _embedded(cidfont.get("/FontDescriptor")):
        yield "ua.31-009", "the font program is not embedded"
    if not isinstance(cidfont.get("/CIDSystemInfo"), pikepdf.Dictionary):
        yield "pdf.font", "the CIDFont has no CIDSystemInfo (a required entry)"
    if name(cidfont.get("/Subtype")) == "CIDFontType2":
        mapping = cidfont.get("/CIDToGIDMap")
        if mapping is None:
            yield "ua.31-005", "the Type 2 CIDFont has no CIDToGIDMap"
        elif not (isinstance(mapping, pikepdf.Stream) or name(mapping) == "Identity"):
            yield "ua.31-004", "the Type 2 CIDFont's CIDToGIDMap is neither a stream nor /Identity"


def _maps_by_itself(font: pikepdf.Dictionary, subtype: str) -> bool:
    """Whether a font without ToUnicode still maps to Unicode in one of the ways PDF/UA-1 (7.21.7) allows."""
    if subtype == "Type0":
        cidfont = _cidfont(font)
        info = cidfont.get("/CIDSystemInfo") if cidfont is not None else None
        if not isinstance(info, pikepdf.Dictionary):
            return False
        return str(info.get("/Registry", "")) == "Adobe" and str(info.get("/Ordering", "")) in CJK_ORDERINGS
    descriptor = font.get("/FontDescriptor")
    flags = descriptor.get("/Flags", 0) if isinstance(descriptor, pikepdf.Dictionary) else 0
    flags = flags if isinstance(flags, int) else 0
    if subtype == "TrueType" and flags & NONSYMBOLIC and not flags & SYMBOLIC:
        return True
    encoding = font.get("/Encoding")
    if isinstance(encoding, pikepdf.Name):
        return name(encoding) in STANDARD_ENCODINGS
    if isinstance(encoding, pikepdf.Dictionary):
        base = encoding.get("/BaseEncoding")
        if base is not None and name(base) not in STANDARD_ENCODINGS:
            return False
        differences = encoding.get("/Differences")
        names = [name(v) for v in differences if isinstance(v, pikepdf.Name)] if differences else []
        return _all_known_glyph_names(names)
    return False


def _all_known_glyph_names(names: list[str]) -> bool:
    from fontTools import agl

    return all(n != ".notdef" and agl.toUnicode(n) for n in names)


_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>|\[|\]")


def _unicode_values(stream: pikepdf.Stream):
    """31-028 and 31-029: no code maps to U+0000, U+FEFF or U+FFFE."""
    try:
        data = stream.read_bytes()
    except pikepdf.PdfError:
        yield "ua.31-027", "its ToUnicode map cannot be read"
        return
    zero = bom = False
    for kind, body in _BLOCK.findall(data):
        tokens = [t.group(1) for t in _HEX.finditer(body)]
        values = _destinations(kind, tokens)
        for value in values:
            zero = zero or "\0" in value
            bom = bom or "\ufeff" in value or "\ufffe" in value
    if zero:
        yield "ua.31-028", "its ToUnicode map maps a code to U+0000"
    if bom:
        yield "ua.31-029", "its ToUnicode map maps a code to U+FEFF or U+FFFE"


def _destinations(kind: bytes, tokens: list[bytes | None]) -> list[str]:
    """The Unicode strings a bfchar or bfrange block maps to (a range: its first and its every value)."""
    values: list[str] = []
    if kind == b"bfchar":
        values = [_utf16(t) for t in tokens[1::2] if t is not None]
        return values
    i = 0
    while i + 2 < len(tokens):
        low, high, dst = tokens[i], tokens[i + 1], tokens[i + 2]
        if low is None or high is None:
            i += 1
            continue
        if dst is None:  # an array of destinations: '[' <d> <d> ... ']'
            j = i + 3
            while j < len(tokens) and tokens[j] is not None:
                values.append(_utf16(tokens[j]))
                j += 1
            i = j + 1
            continue
        count = max(0, _int(high) - _int(low))
        first = _utf16(dst)
        values.append(first)
        if len(first) == 1 and count:  # a one-character range runs through first .. first + count
            start = ord(first)
            for special in (0xFEFF, 0xFFFE):
                if start < special <= start + count:
                    values.append(chr(special))
        i += 3
    return values


def _int(token: bytes) -> int:
    digits = re.sub(rb"\s", b"", token)
    return int(digits, 16) if digits else 0


def _utf16(token: bytes) -> str:
    digits = re.sub(rb"\s", b"", token)
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode()).decode("utf-16-be", errors="replace")
