"""The web twins as HTML: landmarks, headings, linked endnotes, the PDFs' citations, and the build that
writes them (only what changed, the same bytes every time, one topic with --topic, templates per file)."""

from __future__ import annotations

import itertools
import re
import shutil

import pytest

from pipeline.build.run import build
from pipeline.errors import Report
from tests.conftest import edit
from tests.site.html import Element, parse

PAGES = ["index.html", "mini/index.html", "mini/one-pager/index.html"]


def page(root, path: str) -> Element:
    return parse((root / "out" / "site" / path).read_text())


def plain(text: str) -> str:
    """Text as a reader sees it: without the invisible break hints, spaces collapsed."""
    return " ".join(text.replace("\u200b", "").replace("\u2060", "").split())


def without(element: Element, classes: set[str]) -> str:
    """An element's text, leaving out its children of these classes (back links, printed numbers)."""
    parts = []
    for child in element.children:
        if isinstance(child, str):
            parts.append(child)
        elif not classes & set(child.attrs.get("class", "").split()):
            parts.append(without(child, classes))
    return "".join(parts)


def test_the_build_writes_the_index_and_both_twins_with_their_assets(minimal_site):
    site = minimal_site / "out" / "site"
    written = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert [p for p in written if not p.startswith("assets/layouts/base/fonts/")] == [
        "assets/layouts/base/css/site/site.css",
        "assets/sources/assets/logo.svg",
        "index.html",
        "mini/index.html",
        "mini/one-pager/index.html",
    ]
    fonts = [p for p in written if p.startswith("assets/layouts/base/fonts/")]
    assert "assets/layouts/base/fonts/LICENSE-SourceSerif4.md" in fonts and len(fonts) == 20


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_its_landmarks_a_skip_link_and_its_language(minimal_site, path):
    doc = page(minimal_site, path)
    assert doc.one("html").attrs["lang"] == "en-US"
    body = doc.one("body")
    tops = [c.tag for c in body.children if isinstance(c, Element)]
    assert tops == ["a", "header", "main", "footer"]
    skip = next(c for c in body.children if isinstance(c, Element))
    assert (skip.attrs["href"], skip.text()) == ("#main", "Skip to the content")
    assert doc.one("main").attrs["id"] == "main"
    assert doc.one("header", **{"class": "site-header"}).all("img")[0].attrs["alt"] == "Example Advocates"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_one_h1_and_no_heading_level_skipped(minimal_site, path):
    levels = [int(e.tag[1]) for e in page(minimal_site, path).all() if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


def test_the_briefing_twin_holds_every_block_in_the_pdfs_reading_order(minimal_site):
    doc = page(minimal_site, "mini/index.html")
    headings = [plain(e.text()) for e in doc.one("main").all() if e.tag in ("h1", "h2", "h3")]
    assert headings == [
        "A Minimal Position",
        "The bottom line",
        "What we ask",
        "Contents",
        "1 First section",
        "2 Second section",
        "Questions and answers",
        "Is it safe to return?",
        "Key facts",
        "Notes",
        "Sources",
    ]
    lists = doc.one("section", **{"aria-labelledby": "s2-second-section"}).all("li")
    assert [plain(li.text()) for li in lists] == ["A list item.", "Another one, with a link."]
    table = doc.one("table")
    assert plain(table.one("caption").text()) == "Key facts"
    assert [th.attrs["scope"] for th in table.all("th")] == ["col", "col", "row", "row"]


def test_the_briefing_notes_are_the_pdfs_footnotes_as_endnotes_linked_both_ways(minimal_site):
    pdf_html = parse((minimal_site / "out" / "mini" / "mini-briefing.html").read_text())
    footnotes = [plain(e.text()) for e in pdf_html.all("span", **{"class": "footnote"})]
    doc = page(minimal_site, "mini/index.html")
    notes = doc.one("ol", **{"class": "note-list"}).all("li")
    assert [plain(without(li, {"back"})) for li in notes] == footnotes
    assert len(footnotes) == 7 and footnotes[1] == "Human Rights Watch, “Our Lives Are like Death,” 12."
    calls = doc.all("a", **{"class": "note-call"})
    for n, (call, note) in enumerate(zip(calls, notes, strict=True), 1):
        assert (call.attrs["href"], call.attrs["id"], plain(call.text())) == (
            f"#note-{n}",
            f"call-{n}",
            f"Note {n}",
        )
        back = note.one("a", **{"class": "back"})
        assert (back.attrs["href"], plain(back.text())) == (f"#call-{n}", f"↩Back to the text at note {n}")


def test_each_note_of_the_briefing_twin_is_in_the_pdfs_text(minimal_site):
    """As pdfium extracts the PDF's text (line breaks and spaces left out on both sides)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(minimal_site / "out" / "mini" / "mini-briefing.pdf")
    text = "".join(re.sub(r"\s+", "", sheet.get_textpage().get_text_range()) for sheet in pdf)
    notes = page(minimal_site, "mini/index.html").one("ol", **{"class": "note-list"}).all("li")
    flat = [re.sub(r"\s+", "", plain(without(li, {"back"}))) for li in notes]
    assert len(flat) == 7 and [note for note in flat if note not in text] == []


def test_the_one_pager_sources_are_the_pdfs_with_a_way_back_to_every_mark(minimal_site):
    pdf_html = parse((minimal_site / "out" / "mini" / "mini-one-pager.html").read_text())
    printed = [
        plain(without(li, {"n"}))
        for ol in pdf_html.all("ol", **{"class": "source-list"})
        for li in ol.all("li")
    ]
    doc = page(minimal_site, "mini/one-pager/index.html")
    sources = doc.one("ol", **{"class": "source-list"}).all("li")
    assert [plain(without(li, {"back"})) for li in sources] == printed and len(printed) == 2
    marks = [a for sup in doc.all("sup", **{"class": "src"}) for a in sup.all("a")]
    for mark in marks:
        number = mark.attrs["href"].removeprefix("#source-")
        assert plain(mark.text()) == f"Source {number}"
        source = doc.one("li", id=f"source-{number}")
        assert f"#{mark.attrs['id']}" in [a.attrs["href"] for a in source.all("a", **{"class": "back"})]
    backs = [a.attrs["href"] for li in sources for a in li.all("a", **{"class": "back"})]
    assert sorted(backs) == sorted(f"#{m.attrs['id']}" for m in marks) and len(backs) == len(marks) > 2


def test_the_twins_link_to_each_other_the_pdfs_and_the_index(minimal_site):
    briefing, one = page(minimal_site, "mini/index.html"), page(minimal_site, "mini/one-pager/index.html")
    nav = [(a.attrs["href"], plain(a.text())) for a in briefing.one("nav", **{"class": "site-nav"}).all("a")]
    assert nav == [
        ("../mini/index.html", "Full briefing"),
        ("../mini/one-pager/index.html", "One-page summary"),
        ("../../mini/mini-briefing.pdf", "Policy briefing, PDF (3 pages)"),
        ("../../mini/mini-one-pager.pdf", "Leave-behind, PDF (1 page)"),
    ]
    links = {a.attrs["href"]: plain(a.text()) for a in one.all("a")}
    home = one.one("a", **{"class": "site-home"})
    assert (home.attrs["href"], home.one("img").attrs["alt"], plain(home.text())) == (
        "../../index.html",
        "Example Advocates",
        ": all positions",
    )
    assert links["../../mini/index.html"] == "Full briefing"
    front = page(minimal_site, "index.html")
    topic = front.one("li", **{"class": "topic topic-approved"})
    assert [(a.attrs["href"], plain(a.text())) for a in topic.all("a")] == [
        ("mini/index.html", "A Minimal Position"),
        ("mini/index.html", "Full briefing: A Minimal Position"),
        ("mini/one-pager/index.html", "One-page summary: A Minimal Position"),
        ("../mini/mini-briefing.pdf", "Policy briefing: A Minimal Position, PDF (3 pages)"),
        ("../mini/mini-one-pager.pdf", "Leave-behind: A Minimal Position, PDF (1 page)"),
    ]
    assert (
        plain(topic.one("p", **{"class": "topic-meta"}).text())
        == "Approved · Position as of November 15, 2024"
    )


def test_printed_urls_break_for_a_browser_without_characters_a_copy_would_carry(minimal_site):
    markup = (minimal_site / "out" / "site" / "mini" / "index.html").read_text()
    url = re.search(r'<a class="url" href="([^"]*)">(.*?)</a>', markup)
    assert "\u200b" not in url[2] and "\u2060" not in url[2] and "<wbr>" in url[2]
    assert url[2].replace("<wbr>", "") == url[1]


def test_a_rebuild_gives_the_same_bytes_and_writes_nothing(minimal_site, tmp_path):
    site = minimal_site / "out" / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    again = build(minimal_site, Report(), jobs=1)
    assert again.site is None  # nothing changed: the fast path, which found the site intact
    shutil.rmtree(site)
    remade = build(minimal_site, Report(), jobs=1)
    assert len(remade.site) == len(before) and remade.built == []
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_a_changed_topic_rewrites_its_twins_and_the_index_only(project):
    root = project("minimal")
    shutil.copy(root / "sources/topics/mini.yaml", root / "sources/topics/other.yaml")
    edit(root, "id: mini", "id: other", "sources/topics/other.yaml")
    build(root, Report(), jobs=1)
    edit(root, "title: A Minimal Position", "title: A Smaller Position", "sources/topics/other.yaml")
    result = build(root, Report(), jobs=1)
    assert sorted(result.site) == [
        "out/site/index.html",
        "out/site/other/index.html",
        "out/site/other/one-pager/index.html",
    ]
    assert "A Smaller Position" in (root / "out/site/index.html").read_text()
    (root / "sources/topics/other.yaml").unlink()
    build(root, Report(), jobs=1)
    assert not (root / "out/site/other").exists() or not any((root / "out/site/other").rglob("*.*"))
    assert "A Smaller Position" not in (root / "out/site/index.html").read_text()


def test_a_topic_option_makes_only_that_twin(project):
    root = project("minimal")
    shutil.copy(root / "sources/topics/mini.yaml", root / "sources/topics/other.yaml")
    edit(root, "id: mini", "id: other", "sources/topics/other.yaml")
    build(root, Report(), jobs=1, only=("other",))
    site = root / "out" / "site"
    assert (site / "other" / "index.html").is_file() and not (site / "mini").exists()


def test_a_project_replaces_one_site_template_and_its_errors_are_located(project):
    root = project("minimal")
    own = root / "layouts/base/templates/site/blocks/briefing/summary.html.j2"
    own.parent.mkdir(parents=True)
    own.write_text(
        '<section aria-labelledby="summary"><h2 id="summary">In short</h2>{{ md(topic.summary) }}</section>\n'
    )
    build(root, Report(), jobs=1)
    assert '<h2 id="summary">In short</h2>' in (root / "out/site/mini/index.html").read_text()
    own.write_text("{{ topic.nothing }}\n")
    report = Report()
    with pytest.raises(Exception):  # noqa: B017 - the build's own SourceErrors
        build(root, report, jobs=1)
    assert [line.split(": error: ")[0] for line in report.lines() if "error" in line] == [
        "layouts/base/templates/site/blocks/briefing/summary.html.j2:1:1"
    ]
