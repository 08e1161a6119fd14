"""Page geometry: paper sizes, the @page rule and a one-pager's fit settings, as CSS made in one place."""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SIZES = {"letter": ("8.5in", "11in"), "a4": ("210mm", "297mm")}
TALL = "200in"  # a page long enough to measure a one-pager's content without a page break
# The print shop's bleed: an eighth of an inch on US paper, 3 mm on ISO paper (each trade's custom).
BLEED = {"letter": "0.125in", "a4": "3mm"}
SLUG = 18.0  # pt beyond the bleed, white, that holds the crop marks
POINTS = {"in": 72.0, "mm": 72 / 25.4, "pt": 1.0}


def points(length: str) -> float:
    """A CSS length in in, mm or pt, in points."""
    return float(length[:-2]) * POINTS[length[-2:]]


def page_rule(page_size: str, tall: bool = False) -> str:
    """The @page rule that sets the paper size (or a very tall page of the same width, for measuring)."""
    width, height = PAGE_SIZES[page_size]
    return f"@page {{ size: {width} {TALL if tall else height}; }}"


def bleed_rule(page_size: str) -> str:
    """The @page rule of a print-shop PDF: the bleed and, beyond it, the slug for the crop marks."""
    return f"@page {{ bleed: {points(BLEED[page_size]) + SLUG:g}pt; }}"


def height_ratio(page_size: str, default: str) -> float:
    """How much taller this paper is than the organization's own (whose size the layouts' limits were set
    for); 1 when it is not taller."""
    return max(1.0, points(PAGE_SIZES[page_size][1]) / points(PAGE_SIZES[default][1]))


def variant_suffix(page_size: str, default: str, printed: bool = False) -> str:
    """What goes between a document's name and `.pdf`: '' for the organization's paper, '.a4' for another,
    then '.print' for the print-shop variant (sanctions-one-pager.a4.print.pdf)."""
    return ("" if page_size == default else f".{page_size}") + (".print" if printed else "")


@dataclass(frozen=True)
class FitSettings:
    """How a one-pager is set: body size in pt, spacing as a fraction of the normal, and whether the page is
    tall (for measuring content that runs past the foot of the page)."""

    body: float
    space: float = 1.0
    tall: bool = False

    def css(self, page_size: str) -> str:
        """The CSS variables the layouts' one-pager styles read, and the page size."""
        variables = f"--fit-body: {self.body:g}pt; --fit-space: {self.space:g};"
        return f":root {{ {variables} }} " + page_rule(page_size, self.tall)

    def style(self, page_size: str) -> str:
        """The `<style>` element a one-pager's template puts last in its head."""
        return f'<style id="press-fit">{self.css(page_size)}</style>'
