"""press new: skeletons of a topic, a layout and a whole project that pass `press check` and build at once,
and never overwrite anything."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.build.run import Options, build
from pipeline.cli import main
from pipeline.errors import Report
from pipeline.sources.load import load_yaml
from pipeline.sources.model import Topic, validate
from pipeline.sources.skeleton import new_layout, new_project, new_topic
from tests.conftest import written

TODAY = dt.date(2026, 3, 2)


def press(*args: str) -> tuple[int, str, str]:
    """`press ARGS` in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exc:
            status = exc.code
    return status, out.getvalue(), err.getvalue()


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def minimal(project) -> Path:
    return project("minimal")


# --- a topic ------------------------------------------------------------------------------------------------


def test_a_new_topic_is_a_commented_draft_with_todays_dates(minimal):
    assert new_topic(minimal, "water-rights", "base", Report(), TODAY) == ["sources/topics/water-rights.yaml"]
    text = (minimal / "sources/topics/water-rights.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/topic.schema.json\n")
    for line in (
        "id: water-rights  # a slug; must match the file name",
        "title: Water Rights",
        "layout: base  # a folder under layouts/ (base ships with Position Press)",
        "status: draft  # draft (a DRAFT mark on every page) or approved",
        "as_of: 2026-03-02  # the date the position speaks for; printed on the documents",
        "review_by: 2026-09-01  # a warning names this date once it has passed",
    ):
        assert line in text.splitlines()


def test_new_topic_and_layout_pass_check_and_build_at_once(minimal):
    status, out, err = press("new", "layout", "green", "--root", str(minimal))
    assert (status, err) == (0, "")
    assert out == (
        "press: wrote layouts/green/layout.yaml; use it with `layout: green` in a topic "
        "(`press new topic ID --layout green`)\n"
    )
    status, out, err = press("new", "topic", "water-rights", "--layout", "green", "--root", str(minimal))
    assert (status, err) == (0, "")
    assert out == (
        f"press: wrote sources/topics/water-rights.yaml; build it with `press build --topic water-rights "
        f"--root {minimal}`\n"
    )
    assert press("check", "--root", str(minimal)) == (
        0,
        "press: 2 topics, 2 references and 2 layouts are fine\n",
        "",
    )
    report = Report()
    build(minimal, report, Options(only=("water-rights",)))
    assert report.lines() == []
    assert [name for name in written(minimal) if name.startswith("water-rights/")] == [
        "water-rights/water-rights-briefing.html",
        "water-rights/water-rights-briefing.pdf",
        "water-rights/water-rights-one-pager.html",
        "water-rights/water-rights-one-pager.pdf",
    ]
    html = (minimal / "out/water-rights/water-rights-one-pager.html").read_text()
    assert '<meta name="press.layout" content="green &gt; base">' in html


def test_a_new_topic_never_overwrites_one(minimal):
    before = files(minimal)
    status, out, err = press("new", "topic", "mini", "--root", str(minimal))
    assert (status, out) == (1, "")
    assert err == (
        "sources/topics/mini.yaml: error: a topic with this id already exists; press new never overwrites a "
        "file (choose another id) [new.exists]\n"
        "press: 1 error; nothing was written\n"
    )
    assert files(minimal) == before


def test_a_bad_id_gets_the_message_a_topic_file_gets(minimal, tmp_path):
    report = Report()
    assert new_topic(minimal, "Water_Rights", "base", report) == []
    assert report.lines() == [
        "sources/topics/Water_Rights.yaml: error: id: 'Water_Rights' is not a safe slug: use only lowercase "
        "letters, digits and single hyphens, like 'refugee-return' [schema.slug]"
    ]
    in_a_file = Report()
    (tmp_path / "t.yaml").write_text("id: Water_Rights\n")
    validate(Topic, load_yaml(tmp_path / "t.yaml", "t.yaml", Report()), in_a_file, "the topic file")
    [slug] = [d for d in in_a_file.items if d.code == "schema.slug"]
    assert (slug.message, slug.code) == (report.items[0].message, report.items[0].code)
    assert not (minimal / "sources/topics/Water_Rights.yaml").exists()


def test_an_unknown_layout_gets_the_did_you_mean_message(minimal):
    before = files(minimal)
    status, out, err = press("new", "topic", "water", "--layout", "sanction", "--root", str(minimal))
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == (
        "--layout: error: unknown layout 'sanction' (did you mean 'sanctions'?); known layouts: "
        "'aid-diversion', 'base', 'captagon', 'normalization', 'over-compliance', 'refugee-return', "
        "'sanctions' [layout.unknown]"
    )
    assert files(minimal) == before


def test_a_wrong_command_line_is_exit_status_2(minimal):
    assert press("new", "topic", "--root", str(minimal))[0] == 2  # no id
    assert press("new", "chapter", "x")[0] == 2
    assert press("new")[0] == 2


# --- a layout -----------------------------------------------------------------------------------------------


def test_a_new_layout_extends_base_by_default_and_changes_nothing_yet(minimal):
    assert new_layout(minimal, "green", "base", Report()) == ["layouts/green/layout.yaml"]
    text = (minimal / "layouts/green/layout.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../sources/schemas/layout.schema.json\n")
    assert "\nextends: base\n" in text


def test_a_new_layout_refuses_an_unknown_parent_an_existing_name_and_base(minimal):
    report = Report()
    assert new_layout(minimal, "captagon", "bsae", report) == []
    assert new_layout(minimal, "base", "base", report) == []
    assert report.lines() == [
        "--extends: error: layout 'captagon' extends unknown layout 'bsae' (did you mean 'base'?) "
        "[layout.extends]",
        "layouts/base: error: the layout 'base' ships with Position Press; to change it, write only what you "
        "change: layouts/base/layout.yaml with the keys to set, or a copy of one of its files [new.exists]",
        "layouts/captagon: error: a layout with this name already exists; press new never overwrites a file "
        "(choose another name) [new.exists]",
    ]


def test_a_new_layout_may_go_into_an_empty_folder(minimal):
    (minimal / "layouts/green").mkdir()
    assert new_layout(minimal, "green", "captagon", Report()) == ["layouts/green/layout.yaml"]
    assert "\nextends: captagon\n" in (minimal / "layouts/green/layout.yaml").read_text()


# --- a project ----------------------------------------------------------------------------------------------


def test_a_new_project_builds_at_once_with_the_shipped_base_and_no_warning(tmp_path):
    root = tmp_path / "alliance"
    status, out, err = press("new", "project", str(root))
    assert (status, err) == (0, "")
    assert out == (
        f"press: wrote a new project into {root}/ (9 files)\n"
        f"press: check it with `press check --root {root}`; build it with `press build --root {root}`\n"
    )
    assert sorted(files(root)) == [
        "README.md",
        "layouts/brand/layout.yaml",
        "sources/assets/logo.svg",
        "sources/organization.yaml",
        "sources/references/library.yaml",
        "sources/schemas/layout.schema.json",
        "sources/schemas/organization.schema.json",
        "sources/schemas/topic.schema.json",
        "sources/topics/right-to-information.yaml",
    ]
    assert not (root / "layouts/base").exists()
    assert press("check", "--root", str(root)) == (
        0,
        "press: 1 topic, 1 reference and 1 layout are fine\n",
        "",
    )
    report = Report()
    built = {output.kind: output for output in build(root, report).built}
    assert report.lines() == []
    assert sorted(built) == ["briefing", "one-pager"] and built["one-pager"].pages == 1
    text = (
        PdfReader(root / "out/right-to-information/right-to-information-one-pager.pdf")
        .pages[0]
        .extract_text()
    )
    assert "Example Civic Alliance" in text and "Universal Declaration of Human Rights" in text
    html = (root / "out/right-to-information/right-to-information-one-pager.html").read_text()
    assert '<meta name="press.layout" content="brand &gt; base">' in html
    assert '<meta name="press.template" content="layouts/base/templates/one-pager.html.j2">' in html


def size_of(pdf: Path, words: str) -> float:
    """The font size (pt) of the first character of `words` on a PDF's first page."""
    import pypdfium2

    text = pypdfium2.PdfDocument(pdf)[0].get_textpage()
    index = text.get_text_range().index(words)
    return pypdfium2.raw.FPDFText_GetFontSize(text.raw, index)


def test_the_one_pager_names_its_contact_at_9pt_and_a_topic_may_name_its_own(tmp_path):
    root = tmp_path / "p"
    new_project(root, Report(), TODAY)
    topic = root / "sources/topics/right-to-information.yaml"
    report = Report()
    build(root, report)
    pdf = root / "out/right-to-information/right-to-information-one-pager.pdf"
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Alex Example, Policy Director · (202) 555-0144 · alex@example.org" in text
    assert size_of(pdf, "Alex Example") >= 9 and size_of(pdf, "alex@example.org") >= 9
    assert size_of(pdf, "Example Civic Alliance") >= 9
    topic.write_text(
        topic.read_text().replace(
            "one_pager:\n",
            "one_pager:\n  contact: {name: Sam Sample, title: Counsel, email: sam@example.org}\n",
        )
    )
    build(root, Report())
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Sam Sample, Counsel · sam@example.org" in text and "Alex Example" not in text


def test_the_new_projects_files_are_marked_as_placeholders_and_carry_the_schema_comments(tmp_path):
    new_project(tmp_path / "p", Report(), TODAY)
    organization = (tmp_path / "p/sources/organization.yaml").read_text()
    assert organization.startswith(
        "# yaml-language-server: $schema=schemas/organization.schema.json\n# PLACEHOLDER"
    )
    topic = (tmp_path / "p/sources/topics/right-to-information.yaml").read_text()
    assert topic.startswith("# yaml-language-server: $schema=../schemas/topic.schema.json\n# PLACEHOLDER")
    assert "as_of: 2026-03-02 " in topic and "review_by: 2026-09-01 " in topic
    layout = (tmp_path / "p/layouts/brand/layout.yaml").read_text()
    assert layout.startswith("# yaml-language-server: $schema=../../sources/schemas/layout.schema.json\n")
    assert (tmp_path / "p/sources/schemas/topic.schema.json").read_text() == (
        Path(__file__).resolve().parents[2] / "sources/schemas/topic.schema.json"
    ).read_text()


def test_a_new_project_goes_only_into_a_new_or_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    assert new_project(tmp_path / "empty", Report(), TODAY)  # an empty folder is fine
    (tmp_path / "full").mkdir()
    (tmp_path / "full/notes.txt").write_text("mine\n")
    report = Report()
    assert new_project(tmp_path / "full", report, TODAY) == []
    assert report.lines() == [
        f"{tmp_path}/full: error: this folder is not empty; press new project writes only into a new or "
        "empty folder [new.exists]"
    ]
    assert files(tmp_path / "full") == {"notes.txt": b"mine\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "full"]  # no staging folder left
