"""PDF inspection: what a finished PDF embeds, read back as a reader would."""

from __future__ import annotations

import io
import re


def embedded_fonts(data: bytes) -> list[str]:
    """The BaseFont names embedded in a PDF, without subset tags. Read with qpdf (pikepdf): pypdf parses the
    whole object stream that holds the catalog, every tag of a tagged PDF with it (0.8 s for a briefing)."""
    import pikepdf

    names = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            fonts = page.obj.get("/Resources", {}).get("/Font", {})
            for _, font in fonts.items():
                names.add(str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1])
    return sorted(names)


def stray(names: list[str], families: list[str]) -> list[str]:
    """The font names in `names` that none of the declared `families` accounts for."""
    allowed = [family.replace(" ", "-") for family in families]
    style = (
        r"(?:-(?:Thin|Ultra|Extra|Semi|Demi|Light|Book|Regular|Medium|Bold|Heavy|Black|Italic|Oblique|Small|Caps"
        r"|Condensed|Expanded|Semi-Condensed))*"
    )
    return [
        n for n in names if not any(re.fullmatch(re.escape(a) + r",?" + style + r",?", n) for a in allowed)
    ]


def check_fonts(names: list[str], families: list[str]) -> list[str]:
    """Fonts in the PDF that none of the layout's declared families accounts for."""
    return [
        f"the PDF embeds font '{n}', which the layout does not declare (a character none of its fonts has, "
        f"or a font-family it does not define); declared: {', '.join(families)}"
        for n in stray(names, families)
    ]


def font_characters(data: bytes) -> dict[str, str]:
    """The characters each embedded font draws, by BaseFont name without subset tag, read from its ToUnicode
    map (the text a reader copies out of the PDF)."""
    from pypdf import PdfReader

    found: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]
            cmap = font.get("/ToUnicode")
            if cmap is not None:
                found.setdefault(name, set()).update(cmap_characters(cmap.get_object().get_data()))
    return {name: "".join(sorted(chars)) for name, chars in found.items()}


def cmap_characters(cmap: bytes) -> set[str]:
    """The characters a ToUnicode CMap maps to (bfchar and bfrange entries; UTF-16BE targets)."""
    text, chars = cmap.decode("latin-1"), set()
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for target in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", block):
            chars.update(_utf16(target))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = _utf16(target)
            if len(first) == 1:
                chars.update(chr(ord(first) + i) for i in range(int(high, 16) - int(low, 16) + 1))
    return chars


def _utf16(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be", "replace")
