"""Organization settings that change the documents: citation style, page size, endnotes."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
from pypdf import PdfReader

from pipeline.build.run import build
from pipeline.errors import Report
from tests.conftest import edit, eject


def text_of(path: Path) -> str:
    """The text a reader selects, page by page, in reading order (pdfium's extraction)."""
    pages = pypdfium2.PdfDocument(path)
    return re.sub(r"\s+", " ", " ".join(page.get_textpage().get_text_range() for page in pages))


def test_apa_is_one_setting_away(project):
    root = project("minimal")
    edit(
        root, "citation_style: chicago-notes-bibliography", "citation_style: apa", "sources/organization.yaml"
    )
    build(root, Report())
    briefing = text_of(root / "out/mini/mini-briefing.pdf")
    assert "(Human Rights Watch, 2021, p. 12)" in briefing
    assert "Human Rights Watch. (2021). “Our Lives Are Like Death”: Syrian Refugee Returns" in briefing
    one_pager = text_of(root / "out/mini/mini-one-pager.pdf")
    assert "1 Human Rights Watch. (2021)." in one_pager  # numbered source notes, formatted in APA
    assert "(Human Rights Watch" not in one_pager  # the one-pager keeps its compact numbered marks


def test_a4_paper(project):
    root = project("minimal")
    edit(root, "page_size: letter", "page_size: a4", "sources/organization.yaml")
    build(root, Report())
    for kind in ("briefing", "one-pager"):
        box = PdfReader(root / f"out/mini/mini-{kind}.pdf").pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_a_layout_may_set_endnotes(project):
    root = project("minimal")
    edit(eject(root, "layout.yaml"), "  notes: footnotes", "  notes: endnotes", "layouts/base/layout.yaml")
    build(root, Report())
    markup = (root / "out/mini/mini-briefing.html").read_text()
    assert markup.count('class="note-call"') == 7 and 'class="footnote"' not in markup
    assert '<li id="note-1">Human Rights Watch, <i>“Our Lives Are like Death”: Syrian' in markup
    text = text_of(root / "out/mini/mini-briefing.pdf")
    assert "Notes 1. 2. 3. 4. 5. 6. 7." in text  # the list numbers (pdfium reads them before the items)
    assert "Human Rights Watch, “Our Lives Are like Death,” 12." in text  # a short note, with a short title
