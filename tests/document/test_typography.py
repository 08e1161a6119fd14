"""The typographic check: fixture topics that break each rule, and the warning each gets, at its field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.sources import files
from tests.conftest import edit


def typography(root: Path, kind: str) -> list[str]:
    """The typography warnings of one document of the topic 'mini', as the build prints them."""
    from pipeline.document.make import make_document
    from pipeline.errors import Report
    from pipeline.sources.gather import gather

    report = Report()
    project = gather(root, report)
    topic, source = project.topics[0]
    mine = Report()
    output, _ = make_document(project, topic, source, kind, None, mine)
    assert output is not None, mine.lines()
    return [line for line in mine.lines() if "[typography." in line]


def stylesheet(root: Path, css: str) -> None:
    """A stylesheet added to the project's base layout, read after the shipped ones for both kinds."""
    for kind in ("briefing", "one-pager"):
        folder = root / "layouts" / "base" / "css" / kind
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "zz-fixture.css").write_text(css)


def test_the_minimal_topic_passes_the_check(project):
    root = project("minimal")
    assert typography(root, "briefing") == []
    assert typography(root, "one-pager") == []


def test_a_long_line_of_running_text_on_a_one_pager_is_a_warning_at_its_point(project):
    root = project("minimal")
    stylesheet(root, ".points li { max-width: none !important; }\n")  # a layout with no measure of its own
    edit(root, "    - Protection saves lives.", "    - " + "Protection saves lives where people are. " * 6)
    assert typography(root, "one-pager") == [
        "sources/topics/mini.yaml:37:7: warning: one-pager: a line of 104 characters (running text holds at "
        "most 80): 'Protection saves lives where people are…' [typography.measure]"
    ]


def test_text_under_the_size_floor_is_a_warning_at_its_field(project):
    root = project("minimal")
    stylesheet(root, ".masthead .subtitle { font-size: 6pt !important; }\n")
    assert typography(root, "one-pager") == [
        "sources/topics/mini.yaml:3:11: warning: one-pager: page 1: text set at 6.0pt, under the 6.5pt "
        "floor: 'The smallest topic that exercises every…' [typography.small-text]"
    ]


def test_a_lone_word_on_a_headings_last_line_is_a_warning_at_the_heading(project):
    root = project("minimal")
    shipped = files.SHIPPED / "templates/blocks/briefing/sections.html.j2"
    own = root / "layouts/base/templates/blocks/briefing/sections.html.j2"  # a layout without keep()
    own.parent.mkdir(parents=True)
    own.write_text(shipped.read_text().replace("keep(s.heading)", "s.heading"))
    stylesheet(root, ".position h2 { width: 1.3in !important; }\n")
    edit(root, "  - heading: Second section", "  - heading: Second section, revisited")
    assert typography(root, "briefing") == [
        "sources/topics/mini.yaml:27:14: warning: briefing: page 3: 'revisited' is alone on the last line "
        "of a heading; break it in balanced lines [typography.lone-word]"
    ]


def test_the_shipped_templates_keep_a_headings_last_two_words_together(project):
    root = project("minimal")
    stylesheet(root, ".position h2 { width: 1.3in !important; }\n")
    edit(root, "  - heading: Second section", "  - heading: Second section, revisited")
    assert typography(root, "briefing") == []


def test_facts_pushed_to_a_page_foot_split_strand_their_heading_and_leave_a_thin_last_page(project):
    root = project("minimal")
    stylesheet(
        root,
        ".fact-list, .fact-list .fact { break-inside: auto !important; }\n"
        ".block-facts { padding-top: 7.9in; }\n",
    )
    assert typography(root, "briefing") == [
        "sources/topics/mini.yaml:1:1: warning: briefing: the last page (page 5) is 27% full; a last page "
        "must be at least a third full: tighten the pages before it, or set the bibliography more compactly "
        "[typography.last-page]",
        "sources/topics/mini.yaml:15:3: warning: briefing: a table splits across pages 4 to 5; keep it whole "
        "on one page [typography.table-split]",
        "sources/topics/mini.yaml:18:12: warning: briefing: page 4: 'Key facts' is at the foot of the page "
        "with 2 lines of its text (keep at least 3 with it) [typography.stranded]",
    ]


def test_a_nearly_empty_last_page_is_a_warning_at_the_topic(project):
    root = project("minimal")
    stylesheet(root, ".block-bibliography { break-before: page; }\n")
    assert typography(root, "briefing") == [
        "sources/topics/mini.yaml:1:1: warning: briefing: the last page (page 4) is 17% full; a last page "
        "must be at least a third full: tighten the pages before it, or set the bibliography more compactly "
        "[typography.last-page]"
    ]


def test_a_url_broken_inside_a_word_is_found_and_a_break_chicago_allows_is_not():
    """No shipped layout breaks a URL inside a word but as the last resort the rule allows, so the lines are
    given as the pages would hold them: 'congress.gov/bill' broken after 'bi', then before '/bill'."""
    from pipeline.document.pagelines import Line, Pages
    from pipeline.document.typography import broken_urls

    url = "https://www.congress.gov/bill/118th-congress/house-bill/3202"
    line = "Assad Regime Anti-Normalization Act of 2023. https://www.congress.gov/bi"
    pages = Pages(lines=[Line(1, 0, 10, line, 1, ("asks", 0), "text", "")])
    pages.urls[1] = (url, [(1, url[:27], line), (2, url[27:], url[27:])])
    pages.urls[2] = (url, [(3, url[:24], line), (4, url[24:], url[24:])])
    assert [f.message for f in broken_urls(pages, "briefing")] == [
        "briefing: URL broken inside a word ('gress.gov/bi' / 'll/118th-con'); break it only where the "
        "Chicago Manual allows"
    ]


def test_a_strict_build_fails_on_a_typography_warning_and_writes_no_pdf(project):
    from pipeline.build.run import build
    from pipeline.errors import Report, SourceErrors

    root = project("minimal")
    stylesheet(root, ".masthead .subtitle { font-size: 6pt !important; }\n")
    report = Report()
    with pytest.raises(SourceErrors):
        build(root, report, strict=True)
    assert any("[typography.small-text]" in line for line in report.lines())
    assert not (root / "out/mini/mini-one-pager.pdf").exists()


def test_a_cover_title_too_long_for_its_cover_is_an_error_at_the_title_and_no_pdf(project):
    from pipeline.build.run import build
    from pipeline.errors import Report, SourceErrors

    root = project("minimal")
    edit(root, "title: A Minimal Position", "title: " + "A Very Long Title " * 16)
    report = Report()
    with pytest.raises(SourceErrors):
        build(root, report)
    assert [line for line in report.lines() if "[typography.overlap]" in line] == [
        "sources/topics/mini.yaml:2:8: error: briefing: page 1: 'Long Title A Very Long' runs into 'POSITION "
        "AS OF', which the layout places at a fixed spot (they print over each other); shorten it "
        "[typography.overlap]"
    ]
    assert not (root / "out/mini/mini-briefing.pdf").exists()
