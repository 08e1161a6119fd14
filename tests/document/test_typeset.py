"""Step 6: rendering reads only the project, every WeasyPrint complaint fails, fonts and lines checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.build.run import build
from pipeline.document.typeset import ProjectFetcher, Refused, layout_html
from pipeline.errors import Report, SourceErrors
from pipeline.pdf.inspect import check_fonts
from pipeline.sources.files import SHIPPED
from tests.conftest import edit, written


def failing_build(root: Path, kept: tuple[str, ...] = ()) -> list[str]:
    """The build's messages; only the documents named in `kept` (those without the problem) were written."""
    report = Report()
    with pytest.raises(SourceErrors):
        build(root, report)
    assert written(root) == [f"mini/mini-{kind}.{ext}" for kind in kept for ext in ("html", "pdf")]
    return report.lines()


def test_fetcher_reads_project_files_and_data_urls_only(project, tmp_path):
    root = project("minimal")
    fetcher = ProjectFetcher(root)
    logo = (root / "sources/assets/logo.svg").resolve().as_uri()
    assert fetcher.fetch(logo).read().startswith(b"<svg")
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    with pytest.raises(
        Refused, match="refused to read 'file:///etc/passwd': documents may only use files under"
    ):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(Refused, match="rendering never uses the network"):
        fetcher.fetch("https://example.org/tracker.png")
    os.symlink("/etc/passwd", root / "sources/assets/passwd.svg")  # a link inside sources/ to a file outside
    with pytest.raises(Refused, match="refused to read"):
        fetcher.fetch((root / "sources/assets/passwd.svg").as_uri())
    with pytest.raises(Refused, match=r"'sources/assets/missing\.png' does not exist"):
        fetcher.fetch((root / "sources/assets/missing.png").as_uri())


def test_fetcher_reads_base_files_from_the_project_else_from_the_shipped_base_and_no_other(project):
    root = project("minimal")
    fetcher = ProjectFetcher(root)
    url = (root / "layouts/base/css/base.css").resolve().as_uri()  # what WeasyPrint asks for
    assert fetcher.fetch(url).read() == (SHIPPED / "css/base.css").read_bytes()
    (root / "layouts/base/css").mkdir(parents=True)
    (root / "layouts/base/css/base.css").write_text("p { color: inherit; }\n")
    assert fetcher.fetch(url).read() == b"p { color: inherit; }\n"
    with pytest.raises(Refused, match=r"'layouts/base/css/gone\.css' does not exist"):
        fetcher.fetch((root / "layouts/base/css/gone.css").resolve().as_uri())
    package = SHIPPED.parent.parent  # the shipped base's folder is readable, the rest of the package is not
    assert fetcher.fetch((SHIPPED / "css/base.css").as_uri()).read().startswith(b"/*")
    with pytest.raises(Refused, match="documents may only use files under sources/ and layouts/"):
        fetcher.fetch((package / "cli.py").as_uri())


def test_a_stylesheet_url_outside_the_project_stops_the_build(project):
    root = project("minimal")
    (root / "layouts/base/css").mkdir(parents=True)
    (root / "layouts/base/css/evil.css").write_text('body { background: url("file:///etc/passwd"); }\n')
    lines = failing_build(root)
    assert lines == [
        f"layouts/base/css/evil.css:1:25: error: {kind}: refused to read 'file:///etc/passwd': documents may "
        "only use files under sources/ and layouts/ [render.url]"
        for kind in ("briefing", "one-pager")
    ]


def test_a_relative_url_that_climbs_out_is_refused_too(project):
    root = project("minimal")
    (root / "layouts/base/css").mkdir(parents=True)
    (root / "layouts/base/css/evil.css").write_text(
        'body { background: url("' + "../" * 30 + 'etc/hostname"); }\n'
    )
    lines = failing_build(root)
    assert [line.split(": error: ")[0] for line in lines] == ["layouts/base/css/evil.css:1:25"] * 2
    assert all("refused to read 'file:///etc/hostname'" in line for line in lines)


def test_a_markdown_image_outside_the_project_is_an_error_at_its_line(project):
    root = project("minimal")
    edit(root, "A paragraph with *emphasis*", "A paragraph with ![x](file:///etc/passwd) *emphasis*")
    assert failing_build(root) == [
        "sources/topics/mini.yaml:24:29: error: image 'file:///etc/passwd' is outside the project: images "
        "must be "
        "files under sources/, given relative to it (for example assets/map.svg) [markdown.image]"
    ]


def test_raw_html_shows_as_text_in_the_pdf(project):
    root = project("minimal")
    edit(root, "A paragraph with *emphasis*", 'A paragraph with <img src="file:///etc/passwd"> *emphasis*')
    build(root, Report())
    text = " ".join(p.extract_text() for p in PdfReader(root / "out/mini/mini-briefing.pdf").pages)
    assert "<img src=“file:///etc/passwd”>" in text.replace("\n", " ")


def test_a_weasyprint_warning_fails_the_build(project):
    root = project("minimal")
    (root / "layouts/base/css").mkdir(parents=True)
    (root / "layouts/base/css/typo.css").write_text("p { colr: red; }\n")
    lines = failing_build(root)
    assert lines[0] == (
        "layouts/base/css/typo.css:1:5: error: briefing: WeasyPrint: Ignored `colr: red`, unknown property. "
        "[render.css]"
    )


def test_a_missing_image_in_a_template_is_not_quietly_alt_text(project):
    root = project("minimal")
    edit(root, "  file: assets/logo.svg", "  file: assets/logo.svg", "sources/organization.yaml")
    (root / "layouts/base/templates/blocks/one-pager").mkdir(parents=True)
    (root / "layouts/base/templates/blocks/one-pager/band.html.j2").write_text(
        '<img src="sources/assets/gone.png" alt="gone">\n'
    )
    lines = failing_build(root, kept=("briefing",))
    assert lines == [
        "layouts/base/templates/blocks/one-pager/band.html.j2:1:11: error: one-pager: "
        "'sources/assets/gone.png' does not exist [render.url]"
    ]


def test_a_character_no_layout_font_has_is_caught(project):
    root = project("minimal")
    edit(root, "summary: Returns are not safe", "summary: Returns (عودة) are not safe")
    lines = failing_build(root, kept=("one-pager",))
    assert lines[0] == (
        "sources/topics/mini.yaml:11:19: error: briefing: 'ع' (U+0639 ARABIC LETTER AIN) is in none of the "
        "layout's fonts (Source Code Pro, Source Sans 3, Source Serif 4, Source Serif 4 Display), so the PDF "
        "would embed the fallback font 'DejaVu-Sans'; use another character, or add a font that has it to "
        "the layout [render.font]"
    )
    assert [line.split(": error: ")[0] for line in lines] == [
        "sources/topics/mini.yaml:11:19",  # ع
        "sources/topics/mini.yaml:11:20",  # و
        "sources/topics/mini.yaml:11:21",  # د
        "sources/topics/mini.yaml:11:22",  # ة
    ]


def test_font_names_match_their_declared_families():
    families = ["Source Serif 4", "Source Sans 3"]
    assert (
        check_fonts(["Source-Serif-4,", "Source-Serif-4-Italic", "Source-Sans-3-Semi-Bold"], families) == []
    )
    assert len(check_fonts(["Source-Serif-4-Display-Bold", "DejaVu-Serif"], families)) == 2


def test_an_overfull_line_is_reported(project):
    root = project("minimal")
    edit(root, "    - Protection saves lives.", '    - "Protection saves lives: ' + "x" * 140 + '"')
    report = Report()
    build(root, report)
    [line] = [line for line in report.lines() if "typeset.overfull" in line]
    assert line.startswith("sources/topics/mini.yaml:1:1: warning: one-pager: page 1: line overruns by ")
    assert ": 'xxxxxxxxxxxxxxxx" in line


def test_the_sample_layouts_set_no_overfull_line_and_clip_nothing(sample):
    _, _, report = sample
    assert not [d for d in report.items if d.code in ("typeset.overfull", "render.clipped")]


def test_layout_html_turns_a_refused_fetch_into_a_typeset_error(project):
    from pipeline.document.typeset import TypesetError

    root = project("minimal")
    with pytest.raises(TypesetError) as caught:
        layout_html('<img src="https://example.org/x.png" alt="x">', root, "t", "t")
    assert caught.value.problems == [
        "refused to fetch 'https://example.org/x.png': rendering never uses the network"
    ]
