"""Personalize, QR codes: an office's address as a module matrix (stamped band) or as SVG (full render)."""

from __future__ import annotations

import segno

QUIET = 2  # modules of white around the symbol, inside the band's QR square (the page around it is white too)


def matrix(url: str) -> list[list[bool]]:
    """The QR code of `url` (error correction M), quiet zone included, as rows of dark/light modules."""
    code = segno.make_qr(url, error="m", boost_error=False)
    return [[bool(cell) for cell in row] for row in code.matrix_iter(scale=1, border=QUIET)]


def svg_data_url(url: str) -> str:
    """The same symbol as an SVG data: URL, drawn as vector paths by WeasyPrint."""
    code = segno.make_qr(url, error="m", boost_error=False)
    return code.svg_data_uri(border=QUIET, scale=1, omitsize=True)
