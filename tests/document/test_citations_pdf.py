"""Notes, bibliography and URLs as a reader gets them from the PDF (pdfium's text and character boxes): the
citations fixture built once in Chicago notes and once in APA."""

from __future__ import annotations

import json
import re

import pypdfium2
import pytest

from pipeline.build.run import build
from pipeline.document.urls import break_points
from pipeline.errors import Report
from tests.conftest import ROOTS, copy_project, edit

LIBRARY = json.loads((ROOTS / "citations/sources/references/library.json").read_text(encoding="utf-8"))
URLS = {item["id"]: item["URL"] for item in LIBRARY if "URL" in item}
LONG_SEGMENT = max(URLS["long-2022"].split("/"), key=len)  # 120 characters: wider than any column


def built(tmp_path_factory, style: str):
    root = copy_project(tmp_path_factory.mktemp(style), "citations")
    if style != "chicago-notes-bibliography":
        edit(
            root,
            "citation_style: chicago-notes-bibliography",
            f"citation_style: {style}",
            "sources/organization.yaml",
        )
    report = Report()
    build(root, report)
    # This fixture's few sections leave its APA bibliography alone on a thin last page: the typographic check
    # says so (typography.last-page, tested in test_typography.py); every other warning is a failure here.
    assert [line for line in report.lines() if "[typography.last-page]" not in line] == []
    return pypdfium2.PdfDocument(root / "out/cites/cites-briefing.pdf")


@pytest.fixture(scope="module")
def chicago(tmp_path_factory):
    return built(tmp_path_factory, "chicago-notes-bibliography")


@pytest.fixture(scope="module")
def apa(tmp_path_factory):
    return built(tmp_path_factory, "apa")


def lines(pdf) -> list[str]:
    """Every laid-out line, page after page, as pdfium extracts it. pdfium reads the hyphen glyph as U+2010
    when the page also has hyphenated words (one glyph, one ToUnicode entry): read it as "-"."""
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    return text.replace("\r\n", "\n").replace("\u2010", "-").split("\n")


def flowing(pdf) -> str:
    return re.sub(r"\s+", " ", " ".join(lines(pdf)))


def url_breaks(pdf, url: str) -> list[list[int]]:
    """For each printing of `url`, the offsets in it where its lines end."""
    joined, ends = "", []
    for line in lines(pdf):
        joined += line
        ends.append(len(joined))
    return [
        [e - m.start() for e in ends if m.start() < e < m.end()] for m in re.finditer(re.escape(url), joined)
    ]


def test_short_notes_are_short_and_never_doubled(chicago):
    text = flowing(chicago)
    assert (
        "10. Mediterranean Research Group, Long and Winding Account, 9." in text
    )  # made from the title's head
    assert "12. Aid Access Network, Humanitarian Exemptions, 5." in text  # its CSL title-short
    assert "14. “Relief Access Act.”" in text  # its BibTeX shorttitle
    assert "13. “Civilian Protection Act.”" in text  # a title in place of an author, printed once
    assert "9. The New Arab, “Arab League ‘Suspends Meetings,’” 2." in text
    assert text.count("Thirty Word Report Title") == 2  # the first note and the bibliography
    assert "edition" not in text.lower()


def test_the_bibliography_is_sorted_as_read(chicago):
    text = flowing(chicago)
    entries = text[text.rindex("Aid Access Network. Assessing") :]
    firsts = [
        "Aid Access",
        "“Civilian",
        "“Cross-Border",
        "Kaya, D.",
        "Mediterranean",
        "The New Arab.",
        "Öztürk",
        "Zhang",
    ]
    assert [entries.index(f) for f in firsts] == sorted(entries.index(f) for f in firsts)


def test_a_bibtex_article_prints_its_issue_and_pages(chicago, apa):
    assert "Kaya, D. “Logistics of Relief at the Border.” Antipode 51, no. 2 (2019): 412–30." in flowing(
        chicago
    )
    assert "Kaya, D. (2019). Logistics of relief at the border. Antipode, 51(2), 412–430." in flowing(apa)


def test_apa_citations_keep_the_space_before_them(apa):
    text = flowing(apa)
    assert "meetings suspended in 2023 (“Arab League ‘Suspends Meetings,’” 2023)" in text  # a key fact's cite
    assert "years of licensing reviewed (Aid Access Network, 2024)" in text


@pytest.mark.parametrize("key", ["arab-2023", "long-2022"])
def test_url_lines_end_only_where_chicago_allows(chicago, key):
    url, allowed = URLS[key], set(break_points(URLS[key]))
    last_resort = range(url.find(LONG_SEGMENT) + 1, url.find(LONG_SEGMENT) + len(LONG_SEGMENT))
    printings = url_breaks(chicago, url)
    assert len(printings) == 2 and all(printings)  # in a note and in the bibliography, on two lines or more
    for ends in printings:
        # anywhere but at a Chicago break only inside the 120-character segment, when nothing else fits
        assert [
            e for e in ends if e not in allowed and (LONG_SEGMENT not in url or e not in last_resort)
        ] == []


def test_a_long_url_stays_in_its_column(chicago):
    for page in chicago:
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        if LONG_SEGMENT[:20] not in text:
            continue
        footer = text.rindex("Page ")  # the folio is set flush with the column's right edge
        right = max(textpage.get_charbox(i)[2] for i in range(footer, footer + len("Page 3 of 4")))
        start = text.index(LONG_SEGMENT[:20])
        drawn = [i for i in range(start, start + len(LONG_SEGMENT) + 2) if text[i] not in "\r\n"]
        assert max(textpage.get_charbox(i)[2] for i in drawn) <= right + 0.5
