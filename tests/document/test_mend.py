"""citeproc-py's departures from CSL 1.0.2, mended: each test shows the formatted note or entry a reader
gets, on the citations fixture's references (CSL-JSON and BibTeX)."""

import re
from pathlib import Path

import pytest

from pipeline.document.cite import Citer
from pipeline.errors import Report
from pipeline.sources.references import load_library, style_path
from pipeline.sources.text import parse_cluster
from tests.conftest import ROOTS

SOURCES = ROOTS / "citations" / "sources"


@pytest.fixture(scope="module")
def library():
    report = Report()
    found = load_library(SOURCES / "references", "sources/references", report)
    assert report.lines() == []
    return found


def citer(library, style: str, mode: str) -> Citer:
    return Citer(library, style_path(style, SOURCES), "en-US", mode)


def read(markup: str) -> str:
    """Markup as a reader sees it: tags and the zero-width break marks dropped."""
    return re.sub("<[^>]*>|[\u200b\u2060]", "", markup).replace("&amp;", "&")


def notes(library, *raws: str) -> list[str]:
    c = citer(library, "chicago-notes-bibliography", "footnote")
    for raw in raws:
        c.cite(parse_cluster(raw))
    return [read(n) for n in c.notes]


def bibliography(library, style: str, *keys: str) -> list[str]:
    c = citer(library, style, "in-text" if style == "apa" else "footnote")
    for key in keys:
        c.cite(parse_cluster(f"[@{key}, p. 415]"))
    return [read(entry) for _, entry in c.bibliography()]


def test_short_notes_use_title_short_from_csl_json_and_bibtex(library):
    assert notes(
        library, "[@own-short-2024]", "[@own-short-2024, p. 5]", "[@relief-act-2023]", "[@relief-act-2023]"
    )[1::2] == ["Aid Access Network, Humanitarian Exemptions, 5.", "“Relief Access Act.”"]


def test_a_short_note_without_title_short_takes_the_head_of_the_title(library):
    first, second = notes(library, "[@long-2022]", "[@long-2022, p. 9]")
    assert "Thirty Word Report Title About Aid, Sanctions, Refugees" in first  # the first note: in full
    assert second == "Mediterranean Research Group, Long and Winding Account, 9."


def test_a_title_standing_in_for_the_author_is_printed_once(library):
    # Substitute: "Substituted variables are suppressed in the rest of the output"
    assert notes(library, "[@plain-act-2019]", "[@plain-act-2019, p. 2]") == [
        "“Civilian Protection Act of 2019,” Pub. L. 116-92, U.S. Congress, 2019.",
        "“Civilian Protection Act,” 2.",
    ]
    assert bibliography(library, "chicago-notes-bibliography", "plain-act-2019") == [
        "“Civilian Protection Act of 2019.” Pub. L. 116-92. U.S. Congress, 2019."
    ]


def test_a_news_article_short_note_has_no_edition_term(library):
    # Label: "The term is only rendered if the selected variable is non-empty"
    assert notes(library, "[@arab-2023]", "[@arab-2023, p. 2]")[1] == (
        "The New Arab, “Arab League ‘Suspends Meetings,’” 2."
    )


def test_titles_are_in_title_case_as_csl_defines_it(library):
    first = notes(library, "[@arab-2023]")[0]
    assert first.startswith(
        "“Arab League ‘Suspends Meetings’ with Regime amid Disputes over Trade,” The New Arab"
    )


@pytest.mark.parametrize("style", ["chicago-notes-bibliography", "apa"])
def test_the_bibliography_sorts_as_a_reader_reads(library, style: str):
    entries = bibliography(library, style, *library.items)
    firsts = [re.split(r"[.(]", entry.lstrip("“"))[0].strip() for entry in entries]
    if style == "apa":  # a reference without an author is listed by its title
        assert firsts[:2] == [
            "Aid Access Network",
            "Arab League ‘suspends meetings’ with regime amid disputes over trade",
        ]
    else:  # a newspaper stands for a missing author, and sorts without its article: "The New Arab" under N
        assert firsts.index("The New Arab") == firsts.index("Mediterranean Research Group") + 1
    assert firsts.index("Civilian Protection Act of 2019") < firsts.index("Kaya, D")
    assert firsts[-2:] == ["Öztürk, A", "Zhang, W"]


def test_a_bibtex_article_gives_its_issue_and_page_range(library):
    # a BibTeX @article's number is its issue; the entry gives the page range, not a cite's locator (415)
    assert bibliography(library, "apa", "kaya-2019") == [
        "Kaya, D. (2019). Logistics of relief at the border. Antipode, 51(2), 412–430."
    ]
    assert bibliography(library, "chicago-notes-bibliography", "kaya-2019") == [
        "Kaya, D. “Logistics of Relief at the Border.” Antipode 51, no. 2 (2019): 412–30."
    ]
    assert notes(library, "[@kaya-2019, p. 415]")[0] == (
        "D. Kaya, “Logistics of Relief at the Border,” Antipode 51, no. 2 (2019): 415."
    )


def test_mends_are_installed_once(library):
    from citeproc import model

    citer(library, "apa", "in-text")
    patched = model.Label.process
    citer(library, "chicago-notes-bibliography", "footnote")
    assert model.Label.process is patched


def test_the_fixture_cites_real_looking_but_example_addresses_only():
    text = (SOURCES / "references" / "library.json").read_text(encoding="utf-8")
    assert set(re.findall(r"https://([^/]+)/", text)) == {"www.example.org"}


def test_sample_short_titles_are_heads_of_the_real_titles():
    """A sample reference's title-short is words of its own title (the sample stays checkable)."""
    import json

    items = json.loads(
        Path(ROOTS.parent.parent / "sources/references/library.json").read_text(encoding="utf-8")
    )
    shorts = [(i["title"], i["title-short"]) for i in items if "title-short" in i]
    assert shorts and all(short.lower() in title.lower() for title, short in shorts)
