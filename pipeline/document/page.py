"""Page geometry: paper sizes, the @page rule and a one-pager's fit settings, as CSS made in one place."""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SIZES = {"letter": ("8.5in", "11in"), "a4": ("210mm", "297mm")}
TALL = "200in"  # a page long enough to measure a one-pager's content without a page break


def page_rule(page_size: str, tall: bool = False) -> str:
    """The @page rule that sets the paper size (or a very tall page of the same width, for measuring)."""
    width, height = PAGE_SIZES[page_size]
    return f"@page {{ size: {width} {TALL if tall else height}; }}"


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
