"""What the build does when out/ cannot be written, when the lock is held, and with --topic."""

from __future__ import annotations

import fcntl

import pytest

from pipeline.build import run as build_run
from pipeline.build.finish import write_atomic
from pipeline.build.graph import Lock
from pipeline.build.run import build
from pipeline.cli import main
from pipeline.errors import PressError, Report, SourceErrors
from tests.build.test_incremental import ALL, two_topics
from tests.conftest import edit


def test_an_output_that_cannot_be_written_fails_that_document_only(project, monkeypatch):
    root = two_topics(project("minimal"))
    build(root, Report())
    before = (root / "out/other/other-briefing.pdf").read_bytes()
    edit(root, "A Minimal Position", "A Smaller Position", "sources/topics/other.yaml")

    def refuse(path, data, sync=True):
        if path.name == "other-briefing.pdf":
            raise PermissionError(1, "Operation not permitted", str(path))
        write_atomic(path, data, sync)

    monkeypatch.setattr("pipeline.build.finish.write_atomic", refuse)
    report = Report()
    with pytest.raises(SourceErrors) as raised:
        build(root, report)
    assert report.lines() == [
        "out/other/other-briefing.pdf: error: cannot write out/other/other-briefing.pdf: Operation not "
        "permitted; the previous file is kept [build.write]"
    ]
    assert [o.path for o in raised.value.summary.built] == ["out/other/other-one-pager"]
    assert (root / "out/other/other-briefing.pdf").read_bytes() == before
    monkeypatch.setattr("pipeline.build.finish.write_atomic", write_atomic)
    assert sorted(o.path for o in build(root, Report()).built) == [ALL[2]]  # the next build makes only it


def test_an_out_folder_that_cannot_be_made_is_a_message_not_a_traceback(project, capsys):
    root = project("minimal")
    (root / "out").write_text("a file where the output folder should be")
    assert main(["build", "--root", str(root)]) == 1
    assert capsys.readouterr().err == "press: error: cannot write into out/: Not a directory\n"


def test_a_held_lock_names_its_holder_and_a_lock_without_one_says_so(project, capsys, monkeypatch):
    root = project("minimal")
    with Lock(root / "out/.press", "out/"), pytest.raises(PressError) as raised:
        build(root, Report())
    assert str(raised.value).startswith("another build is writing into out/ (process ")
    # A holder that has locked the file but not yet written its process id: the message does not guess.
    monkeypatch.setattr(Lock, "WAIT", 0.1)
    with open(root / "out/.press/lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert main(["build", "--root", str(root)]) == 1
    assert capsys.readouterr().err == (
        "press: error: another build is writing into out/; wait for it to finish and run this again\n"
    )
    assert (root / "out/.press/lock").read_text() == ""  # nobody holds it now, and it says nobody


def test_building_one_topic_warns_about_that_topic_only(project):
    root = two_topics(project("minimal"))
    for name in ("mini", "other"):
        edit(root, "review_by: 2099-01-01", "review_by: 2024-12-01", f"sources/topics/{name}.yaml")
    report = Report()
    build(root, report, only=["other"])
    assert report.lines() == [
        "sources/topics/other.yaml:7:12: warning: topic 'other' was due for review on 2024-12-01; check the "
        "facts and move review_by forward [topic.stale]"
    ]


def test_building_one_topic_still_stops_on_another_topics_error(project):
    root = two_topics(project("minimal"))
    edit(root, "layout: base", "layout: nowhere", "sources/topics/mini.yaml")
    report = Report()
    with pytest.raises(SourceErrors):
        build(root, report, only=["other"])
    assert [line.split(": error: ")[0] for line in report.lines()] == ["sources/topics/mini.yaml:4:9"]


def test_build_options_travel_as_one_object():
    options = build_run.Options(strict=True, only=("mini",))
    assert (options.strict, options.only, options.jobs, options.timeout) == (True, ("mini",), None, 300.0)
