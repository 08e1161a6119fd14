"""PDF inspection: what a finished PDF embeds, read back as a reader would."""

from __future__ import annotations

import io
import re


def embedded_fonts(data: bytes) -> list[str]:
    """The BaseFont names embedded in a PDF, without subset tags."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont", "")).lstrip("/").split("+", 1)[-1])
    return sorted(names)


def check_fonts(names: list[str], families: list[str]) -> list[str]:
    """Fonts in the PDF that none of the layout's declared families accounts for."""
    allowed = [family.replace(" ", "-") for family in families]
    style = (
        r"(?:-(?:Thin|Ultra|Extra|Semi|Demi|Light|Book|Regular|Medium|Bold|Heavy|Black|Italic|Oblique|Small|Caps"
        r"|Condensed|Expanded|Semi-Condensed))*"
    )
    stray = [
        n for n in names if not any(re.fullmatch(re.escape(a) + r",?" + style + r",?", n) for a in allowed)
    ]
    return [
        f"the PDF embeds font '{n}', which the layout does not declare (a character none of its fonts has, "
        f"or a font-family it does not define); declared: {', '.join(families)}"
        for n in stray
    ]
