"""The whole build on the sample sources: what a reader finds in every PDF, and what the build refuses."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from pipeline.build.run import build
from pipeline.errors import Report, SourceErrors
from pipeline.sources.references import load_library
from pipeline.sources.text import scan, smart

TOPICS = ["aid-diversion", "captagon", "normalization", "over-compliance", "refugee-return", "sanctions"]
FAMILIES = ("Source-Serif-4", "Source-Serif-4-Display", "Source-Sans-3")


def squash(text: str) -> str:
    """Letters and digits only: compares text across line breaks, hyphenation and typographic quotes."""
    return re.sub(r"[\W_]+", "", text.lower())


def plain(markdown: str) -> str:
    """Markdown without citations and marks, as a reader sees it."""
    return re.sub(r"[*_]", "", re.sub(r"\[[^\[\]]*@[^\[\]]*\]", "", markdown))


def topic(root: Path, name: str):
    import yaml

    return yaml.safe_load((root / "sources/topics" / f"{name}.yaml").read_text())


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page number) for every bookmark."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def test_every_topic_has_a_briefing_and_a_one_pager_with_their_html(sample):
    root, outputs, _ = sample
    assert sorted(outputs) == sorted((t, k) for t in TOPICS for k in ("briefing", "one-pager"))
    for name in TOPICS:
        for kind in ("briefing", "one-pager"):
            assert (root / f"out/{name}/{name}-{kind}.pdf").read_bytes() == outputs[name, kind].pdf
            assert (root / f"out/{name}/{name}-{kind}.html").read_text().startswith("<!DOCTYPE html>")
    assert not list((root / "out").rglob("*.tmp"))


def test_the_only_warnings_are_the_honest_staleness_ones(sample):
    _, _, report = sample
    assert report.errors == []
    assert [d.code for d in report.warnings] == ["topic.stale"] * 6
    assert str(report.warnings[0]) == (
        "sources/topics/aid-diversion.yaml:8:12: warning: topic 'aid-diversion' was due for review on "
        "2025-05-15; "
        "check the facts and move review_by forward [topic.stale]"
    )


def test_the_samples_twelve_pdfs_audit_clean_and_each_says_what_its_audit_took(sample):
    from pipeline.pdf.audit import audit_file

    root, outputs, _ = sample
    assert len(outputs) == 12
    for (name, kind), output in sorted(outputs.items()):
        assert audit_file(root / f"out/{name}/{name}-{kind}.pdf") == [], name
        assert 0 < output.audit_seconds < output.seconds


@pytest.mark.parametrize("name", TOPICS)
def test_one_pager_is_one_page_with_all_of_its_content(sample, name):
    root, _outputs, _ = sample
    data = topic(root, name)
    reader = PdfReader(root / f"out/{name}/{name}-one-pager.pdf")
    assert len(reader.pages) == 1
    text = squash(reader.pages[0].extract_text())
    for ask in data["asks"]:
        assert squash(plain(ask["ask"])) in text
        if ask.get("bill"):
            assert squash(ask["bill"]["number"]) in text
    shown = [data["key_facts"][i - 1] for i in data["one_pager"].get("facts", [1, 2, 3])]
    for fact in shown:
        assert squash(fact["value"]) in text and squash(plain(fact["label"])) in text
    for point in data["one_pager"]["points"]:
        assert squash(plain(point)) in text
    for question in data["questions"]:
        if question.get("short"):
            assert squash(question["q"]) in text and squash(plain(question["short"])) in text
    assert (
        squash("Syrian Emergency Task Force") in text and squash("Position as of November 15, 2024") in text
    )
    # Every reference the asks and points cite is among the page's source notes, after the Sources heading.
    cited = sorted(
        {
            item.key
            for field in [a["ask"] for a in data["asks"]] + data["one_pager"]["points"]
            for cluster in scan(field).clusters
            for item in cluster.items
        }
    )
    library = load_library(root / "sources/references", "sources/references", Report()).items
    assert squash("Sources") in text and cited
    notes = text[text.index(squash("Sources")) :]
    missing = [key for key in cited if squash(html.unescape(library[key]["title"])) not in notes]
    assert missing == [], f"cited on the one-pager but not in its source notes: {missing}"


@pytest.mark.parametrize("name", TOPICS)
def test_one_pager_last_block_is_visible_and_the_band_is_reserved_empty(sample, name):
    root, _, _ = sample
    page = pypdfium2.PdfDocument(root / f"out/{name}/{name}-one-pager.pdf")[0]
    image = page.render(scale=1).to_pil().convert("L")  # 612 x 792 pixels, 1 px = 1 pt
    width, height = image.size

    def ink(top: float, bottom: float) -> int:
        return sum(image.crop((0, int(top), width, int(bottom))).histogram()[:160])

    assert ink(height - 36 - 40, height - 36) > 100  # the contact block sits at the foot of the page
    assert ink(height - 36, height) == 0  # and nothing runs into the bottom margin
    assert ink(0, 36) == 0  # top margin
    assert ink(37, 47) == 0  # the personalization band: reserved, empty
    assert ink(60, 300) > 5000  # masthead, ask and facts are drawn


@pytest.mark.parametrize("name", TOPICS)
def test_briefing_has_contents_bookmarks_notes_and_bibliography(sample, name):
    root, _, _ = sample
    data = topic(root, name)
    reader = PdfReader(root / f"out/{name}/{name}-briefing.pdf")
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 5
    marks = outline(reader)
    titles = [title for _, title, _ in marks]
    assert titles[:4] == [smart(data["title"]), "The bottom line", "What we ask", "Contents"]
    for section in data["sections"]:
        assert smart(section["heading"]) in " ".join(titles)
    assert "Questions and answers" in titles and titles[-1] == "Sources"
    assert [d for d, t, _ in marks if t in [smart(q["q"]) for q in data["questions"]]] == [1] * len(
        data["questions"]
    )
    # The table of contents: every entry's page number is the page its bookmark points to; none is 0.
    contents = next(
        page.extract_text(extraction_mode="layout")
        for page in reader.pages
        if "Contents" in page.extract_text()
    )
    entries = re.findall(r"^\s*(\S.*?)\s+(\d+)\s*$", contents.split("Contents", 1)[1], re.M)
    by_title = {squash(t): p for _, t, p in marks}
    checked = 0
    for title, number in entries:
        assert number != "0"
        pages_of = [
            p for t, p in by_title.items() if t.endswith(squash(title))
        ]  # bookmarks keep section numbers
        if pages_of:
            assert int(number) == pages_of[0], title
            checked += 1
    assert checked >= len(data["sections"]) + 2
    # Notes: one footnote per citation, numbered from 1 without gaps, and a bibliography at the end.
    full = "\n".join(pages)
    assert "1. " in full and re.search(r"\bSources\b", pages[-1] + pages[-2])
    assert "https://" in full


@pytest.mark.parametrize("name", TOPICS)
def test_metadata_fonts_and_language_come_from_the_sources(sample, name):
    root, _, _ = sample
    data = topic(root, name)
    reader = PdfReader(root / f"out/{name}/{name}-briefing.pdf")
    info = reader.metadata
    assert info.title == smart(f"{data['title']}: {data['subtitle']}")
    assert info.author == "SETF Policy Team (Syrian Emergency Task Force)"
    assert info["/Keywords"] == ", ".join(data["keywords"])
    assert info.subject and info.subject.split()[0] in plain(data["summary"])
    assert info["/CreationDate"].startswith("D:20241115")
    assert reader.trailer["/Root"]["/Lang"] == "en-US"
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name_ = str(font["/BaseFont"]).split("+", 1)[1]
            assert name_.startswith(FAMILIES), name_
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))  # embedded


def test_a_second_build_in_another_process_gives_identical_bytes(sample, tmp_path):
    from tests.conftest import copy_project

    _root, outputs, _ = sample
    again = copy_project(tmp_path / "again")
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--quiet", "--root", str(again)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    for (name, kind), output in outputs.items():
        assert (again / f"out/{name}/{name}-{kind}.pdf").read_bytes() == output.pdf, (name, kind)


def test_a_failed_build_leaves_the_previous_outputs_untouched(project):
    root = project("minimal")
    build(root, Report())
    before = {
        p: p.read_bytes() for p in (root / "out").rglob("*.*") if p.is_file() and ".press" not in p.parts
    }
    path = root / "sources/topics/mini.yaml"
    path.write_text(path.read_text().replace("[@hrw-2021-returns, p. 12]", "[@nobody-2020]"))
    report = Report()
    with pytest.raises(SourceErrors):
        build(root, report)
    assert report.lines() == [
        "sources/topics/mini.yaml:13:56: error: unknown citation 'nobody-2020' [citation.unknown]"
    ]
    assert {
        p: p.read_bytes() for p in (root / "out").rglob("*.*") if p.is_file() and ".press" not in p.parts
    } == before
