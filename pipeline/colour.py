"""Colours: a #rrggbb (or #rgb) value read once, as sRGB fractions, relative luminance and WCAG contrast."""

from __future__ import annotations

import re

HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# Two fills side by side must differ at least this much (WCAG's contrast ratio, on areas) to print as two
# greys on a black-and-white printer: below it, two dark fills are less than about 13 L* (CIELAB lightness,
# 0 to 100) apart, and in grayscale the sample's accent and deep accent (1.31:1 to 1.57:1) read as one slab.
GRAYSCALE_MIN = 1.6


def rgb(value: str, short: bool = True) -> tuple[float, float, float] | None:
    """The red, green and blue of a #rrggbb (or, if `short`, #rgb) colour as fractions of 1, else None."""
    found = HEX.fullmatch(value.strip())
    if not found or (not short and len(found.group(1)) == 3):
        return None
    digits = found.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))


def luminance(value: str) -> float | None:
    """The WCAG 2 relative luminance of a #rrggbb colour (0 black, 1 white), or None when it is not one."""
    channels = rgb(value, short=False)
    if channels is None:
        return None
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float | None:
    """WCAG 2 contrast ratio of two #rrggbb colours, or None when either is not one."""
    a, b = luminance(foreground), luminance(background)
    if a is None or b is None:
        return None
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)
