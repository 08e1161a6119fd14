"""Project files: every source is read or listed through one helper that refuses links out of the project."""

import os
from pathlib import Path

from pipeline.errors import Report
from pipeline.sources.files import (
    SHIPPED,
    SHIPPED_NOTE,
    base_files,
    escape,
    layout_files,
    listing,
    locate,
    read_text,
    shown,
    shown_file,
    tree,
)


def project(tmp_path: Path) -> Path:
    """A project with sources/a.yaml, sources/.hidden/b.yaml and, beside it, elsewhere/x.yaml."""
    root = tmp_path / "project"
    (root / "sources" / ".hidden").mkdir(parents=True)
    (root / "sources" / "a.yaml").write_text("a: 1\n")
    (root / "sources" / ".hidden" / "b.yaml").write_text("b: 2\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.yaml").write_text("secret: 1\n")
    return root


def test_a_link_out_is_refused_at_the_link_naming_its_target(tmp_path: Path):
    root = project(tmp_path)
    (root / "sources" / "x.yaml").symlink_to("../../elsewhere/x.yaml")
    report = Report()
    assert read_text(root / "sources" / "x.yaml", "sources/x.yaml", report, root) is None
    assert report.lines() == [
        "sources/x.yaml: error: symbolic link to '../../elsewhere/x.yaml' leads outside the project; sources "
        "may only link to files inside it (copy the file in instead) [file.outside]"
    ]


def test_a_link_inside_the_project_is_read(tmp_path: Path):
    root = project(tmp_path)
    (root / "sources" / "copy.yaml").symlink_to("a.yaml")
    report = Report()
    assert read_text(root / "sources" / "copy.yaml", "sources/copy.yaml", report, root) == "a: 1\n"
    assert report.lines() == []


def test_a_folder_linked_out_is_named_for_every_file_under_it(tmp_path: Path):
    root = project(tmp_path)
    (root / "sources" / "more").symlink_to(tmp_path / "elsewhere")
    assert escape(root / "sources" / "more" / "x.yaml", root) == (
        root / "sources" / "more",
        str(tmp_path / "elsewhere"),
    )
    report = Report()
    assert listing(root / "sources" / "more", "*.yaml", root, report) == []
    assert [d.path for d in report.items] == ["sources/more"]


def test_a_link_that_loops_is_refused(tmp_path: Path):
    root = project(tmp_path)
    (root / "sources" / "loop.yaml").symlink_to("loop.yaml")
    report = Report()
    assert read_text(root / "sources" / "loop.yaml", "sources/loop.yaml", report, root) is None
    assert [(d.path, d.code) for d in report.items] == [("sources/loop.yaml", "file.outside")]


def test_tree_skips_hidden_files_but_not_their_links_out(tmp_path: Path):
    root = project(tmp_path)
    (root / "sources" / ".hidden" / "x.yaml").symlink_to(tmp_path / "elsewhere" / "x.yaml")
    (root / "sources" / "dangling.yaml").symlink_to("nowhere.yaml")
    report = Report()
    assert tree(root / "sources", root, report) == [root / "sources" / "a.yaml"]
    assert [d.path for d in report.items] == ["sources/.hidden/x.yaml"]


def test_a_pipe_is_not_read(tmp_path: Path):
    root = project(tmp_path)
    os.mkfifo(root / "sources" / "pipe.yaml")
    report = Report()
    assert read_text(root / "sources" / "pipe.yaml", "sources/pipe.yaml", report, root) is None
    assert report.lines() == [
        "sources/pipe.yaml: error: not a regular file (a folder, pipe or device); give a file [file.read]"
    ]


def test_without_a_project_only_the_file_itself_is_checked(tmp_path: Path):
    root = project(tmp_path)
    (root / "sources" / "x.yaml").symlink_to("../../elsewhere/x.yaml")
    report = Report()
    assert read_text(root / "sources" / "x.yaml", "x.yaml", report, None) == "secret: 1\n"
    assert report.lines() == []


def test_bytes_that_are_not_utf8_are_located_at_their_line_and_column(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_bytes("a: 1\ntitle: Caf\u00e9\n".encode("latin-1"))
    report = Report()
    assert read_text(path, "t.yaml", report) is None
    assert report.lines() == [
        "t.yaml:2:11: error: file is not UTF-8 text (invalid continuation byte at byte 15); save it as UTF-8 "
        "[file.encoding]"
    ]


# --- the base layout shipped with the package, and a project's own copies of its files ---------------------


def test_a_base_file_is_the_projects_copy_or_else_the_shipped_one(tmp_path: Path):
    root = project(tmp_path)
    assert locate(root, "layouts/base/css/base.css") == SHIPPED / "css/base.css"
    (root / "layouts/base/css").mkdir(parents=True)
    (root / "layouts/base/css/base.css").write_text("p {}\n")
    assert locate(root, "layouts/base/css/base.css") == root / "layouts/base/css/base.css"
    font = "fonts/SourceSans3-Bold.otf"
    assert locate(root, f"layouts/base/css/../{font}") == SHIPPED / font
    assert locate(root, "layouts/child/css/x.css") == root / "layouts/child/css/x.css"  # only base is shipped


def test_a_shipped_file_is_named_as_the_project_would_name_its_copy_with_a_note(tmp_path: Path):
    root = project(tmp_path)
    assert shown(SHIPPED / "layout.yaml", root) == "layouts/base/layout.yaml"
    assert shown_file(root, "layouts/base/layout.yaml").note == SHIPPED_NOTE
    report = Report()
    report.error((shown_file(root, "layouts/base/layout.yaml"), 38, 5), "a pair ...", "layout.contrast")
    assert report.lines() == [
        "layouts/base/layout.yaml:38:5: error: a pair ... (the file is from the base layout shipped with "
        "Position Press) [layout.contrast]"
    ]
    (root / "layouts/base").mkdir(parents=True)
    (root / "layouts/base/layout.yaml").write_text("tokens: {}\n")
    assert not hasattr(shown_file(root, "layouts/base/layout.yaml"), "note")  # the project's own file


def test_the_base_files_are_the_shipped_ones_with_the_projects_own_over_and_beside_them(tmp_path: Path):
    root = project(tmp_path)
    shipped = base_files(root, Report())
    assert shipped["layouts/base/layout.yaml"] == SHIPPED / "layout.yaml"
    assert len(shipped) == sum(1 for p in SHIPPED.rglob("*") if p.is_file())
    (root / "layouts/base/css/briefing").mkdir(parents=True)
    (root / "layouts/base/css/base.css").write_text("p {}\n")
    (root / "layouts/base/css/briefing/extra.css").write_text("h2 {}\n")
    mine = base_files(root, Report())
    assert mine["layouts/base/css/base.css"] == root / "layouts/base/css/base.css"
    assert mine["layouts/base/css/briefing/extra.css"] == root / "layouts/base/css/briefing/extra.css"
    assert len(mine) == len(shipped) + 1
    assert layout_files(root, "base", "css/briefing/*.css", Report()) == [
        "layouts/base/css/briefing/briefing.css",
        "layouts/base/css/briefing/extra.css",
    ]


def test_a_link_into_the_shipped_base_is_trusted_as_a_link_inside_the_project(tmp_path: Path):
    root = project(tmp_path)
    (root / "layouts/base/css").mkdir(parents=True)
    (root / "layouts/base/css/base.css").symlink_to(SHIPPED / "css/base.css")
    (root / "layouts/base/css/near.css").symlink_to(SHIPPED.parent.parent / "cli.py")  # the package, not base
    report = Report()
    assert read_text(root / "layouts/base/css/base.css", "layouts/base/css/base.css", report, root)
    assert read_text(root / "layouts/base/css/near.css", "layouts/base/css/near.css", report, root) is None
    assert [line.split(": error: ")[0] for line in report.lines()] == ["layouts/base/css/near.css"]
