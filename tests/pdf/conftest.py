"""Fixtures of the pdf tests: the band font and shared bases, made once per session (each takes under a
second)."""

from __future__ import annotations

import pytest

from tests.pdf.pages import ANCHORS, BAND_CHARS, SANS, SERIF, one_page


@pytest.fixture(scope="session")
def band_font():
    """Source Sans 3 Regular cut to the band's characters, as `press personalize` makes it."""
    from pipeline.pdf.fonts import BandFont

    return BandFont.subset(SANS, "Source Sans 3", BAND_CHARS)


@pytest.fixture(scope="session")
def sans_page() -> bytes:
    """A tagged page set in the band's own face (the band's glyphs join the page's font)."""
    return one_page(SANS)


@pytest.fixture(scope="session")
def sans_base(band_font, sans_page):
    from pipeline.pdf.update import prepare

    return prepare(sans_page, ANCHORS, band_font, "#1a2b3c")


@pytest.fixture(scope="session")
def serif_base(band_font):
    """A base whose page has no Source Sans 3: the band font is added as a font of its own."""
    from pipeline.pdf.update import prepare

    return prepare(one_page(SERIF, "Serif text."), ANCHORS, band_font, "#000000")
