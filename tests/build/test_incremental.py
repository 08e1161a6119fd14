"""The build graph: only what changed is made again, by content hashes; the cache is never trusted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.build.graph import Lock
from pipeline.build.run import build
from pipeline.errors import PressError, Report
from tests.conftest import REPO, copy_project, edit, eject, written


def two_topics(root: Path) -> Path:
    """The minimal project with a second topic, 'other', that cites only one of the two references."""
    text = (root / "sources/topics/mini.yaml").read_text()
    other = text.replace("id: mini", "id: other").replace("@amnesty-2021-returns", "@hrw-2021-returns")
    (root / "sources/topics/other.yaml").write_text(other)
    return root


def made(root: Path, **options) -> list[str]:
    return sorted(o.path for o in build(root, Report(), **options).built)


def press(root: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=REPO,
        **kw,
    )


ALL = [
    "out/mini/mini-briefing",
    "out/mini/mini-one-pager",
    "out/other/other-briefing",
    "out/other/other-one-pager",
]
MINI = ALL[:2]


@pytest.fixture
def built(project):
    root = two_topics(project("minimal"))
    assert made(root) == ALL
    return root


def test_a_rebuild_with_nothing_changed_makes_nothing_and_never_imports_weasyprint(built):
    code = (
        "import sys; from pipeline.cli import main; status = main(['build', '--root', sys.argv[1]]); "
        "print('weasyprint' in sys.modules, 'pipeline.sources.model' in sys.modules, status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(built)], capture_output=True, text=True, cwd=REPO
    )
    assert result.stdout.splitlines()[-1] == "False False 0"
    assert result.stdout.splitlines()[0].startswith("press: built 0, 4 up to date in out/ (")


def test_editing_one_topic_remakes_that_topic_only(built):
    edit(built, "Returns are not safe", "Returns are still not safe", "sources/topics/other.yaml")
    assert made(built) == ALL[2:]


def test_a_reference_change_remakes_only_the_topics_that_cite_it(built):
    edit(
        built,
        "Violations against Syrian Refugees",
        "Violations Against Syrian Refugees",
        "sources/references/library.json",
    )
    assert made(built) == MINI


def test_the_base_layout_remakes_everything_and_a_one_pager_css_change_only_one_pagers(built):
    eject(built, "css/one-pager/one-pager.css", "css/base.css")
    assert made(built) == []  # a copy of the shipped file is the same input
    css = built / "layouts/base/css/one-pager/one-pager.css"
    css.write_text(css.read_text() + "\n/* a comment */\n")
    assert made(built) == [ALL[1], ALL[3]]
    edit(built, "h1 { bookmark-level: 1; }", "h1 { bookmark-level: 1; }\n", "layouts/base/css/base.css")
    assert made(built) == ALL


def test_a_new_version_of_the_shipped_base_remakes_what_uses_it(built, tmp_path, monkeypatch):
    """Upgrading Position Press with another base layout makes the documents again, as editing it would."""
    import shutil

    from pipeline.sources import files

    shutil.copytree(files.SHIPPED, tmp_path / "upgraded")
    monkeypatch.setattr(files, "SHIPPED", tmp_path / "upgraded")
    assert made(built) == []
    css = tmp_path / "upgraded/css/briefing/briefing.css"
    css.write_text(css.read_text() + "\n/* a new version */\n")
    assert made(built) == [ALL[0], ALL[2]]


def test_a_project_copy_of_a_base_file_overrides_the_shipped_one(built):
    eject(built, "css/base.css")
    css = built / "layouts/base/css/base.css"
    css.write_text(css.read_text() + "h1 { color: #123; }\n")
    assert made(built) == ALL
    css.unlink()  # back to the shipped file
    assert made(built) == ALL


def test_new_modification_times_alone_change_nothing(built):
    """What a fresh clone or a git checkout of the same commit looks like: same bytes, new times."""
    later = time.time() + 3600
    for path in built.rglob("*"):
        os.utime(path, (later, later))
    assert made(built) == []


def test_a_deleted_or_altered_output_is_made_again(built):
    (built / "out/mini/mini-briefing.pdf").unlink()
    pdf = built / "out/other/other-one-pager.pdf"
    pdf.write_bytes(pdf.read_bytes().replace(b"%%EOF", b"%%EOX"))
    assert made(built) == [ALL[0], ALL[3]]


@pytest.mark.parametrize("damage", ["garbage", "edited", "deleted"])
def test_a_damaged_or_deleted_cache_is_detected_and_everything_rebuilt_the_same(built, damage):
    before = {p: (built / "out" / p).read_bytes() for p in written(built)}
    state = built / "out/.press/state.json"
    if damage == "garbage":
        state.write_bytes(state.read_bytes()[:100])
    elif damage == "edited":  # valid JSON, but a key no longer matches its checksum
        data = json.loads(state.read_text())
        next(iter(data["body"]["outputs"].values()))["key"] = "0" * 64
        state.write_text(json.dumps(data))
    else:
        state.unlink()
    report = Report()
    assert sorted(o.path for o in build(built, report).built) == ALL
    expected = (
        []
        if damage == "deleted"
        else [
            "out/.press/state.json: warning: the build cache state.json is damaged; rebuilding everything "
            "[cache.damaged]"
        ]
    )
    assert report.lines() == expected
    assert {p: (built / "out" / p).read_bytes() for p in written(built)} == before


def test_a_second_build_on_the_same_out_folder_is_refused_clearly(built):
    with Lock(built / "out/.press", "out/"):
        result = press(built, "build")
    assert result.returncode == 1
    assert result.stderr == (
        f"press: error: another build is writing into out/ (process {os.getpid()}); "
        "wait for it to finish and run this again\n"
    )
    with Lock(built / "out/.press", "out/"):
        with pytest.raises(PressError, match="another build is writing into out/"):
            build(built, Report())


def test_a_build_for_a_caller_that_holds_the_lock_runs_inside_it_and_only_there(built):
    edit(built, "Protection saves lives.", "Protection saves more lives.")
    with Lock(built / "out/.press", "out/", purpose="serve"):
        assert made(built, locked=True) == MINI  # press serve's own builds
        result = press(built, "build")
    assert result.returncode == 1
    assert result.stderr == (
        f"press: error: press serve (process {os.getpid()}) is previewing out/ and rebuilds it whenever a "
        "source is saved; stop it (Ctrl-C where it runs) to run this\n"
    )
    with pytest.raises(ValueError, match="holds the lock"):
        build(built, Report(), locked=True)  # a caller that does not hold it may not skip it


def test_the_cache_keeps_how_each_one_pager_was_fitted(built):
    state = json.loads((built / "out/.press/state.json").read_text())["body"]["outputs"]
    assert state["out/mini/mini-briefing"]["fitting"] is None
    fitting = state["out/mini/mini-one-pager"]["fitting"]
    assert fitting["body"] == 11 and fitting["space"] == 1 and fitting["dropped"] == []
    assert fitting["renders"] == 1  # one render that fits; CSS sets the sources at the foot of the page
    assert 0 < fitting["used_mm"] < fitting["used_mm"] + fitting["spare_mm"] < 280  # a letter page's height
    assert 0.3 < fitting["words_per_mm"] < 5  # its densest block, at 11 pt
    assert fitting["floor_room_mm"] is None  # it fit at once: the floor was never measured


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_an_interrupted_build_keeps_every_output_whole_and_the_next_build_finishes_the_work(
    project, tmp_path, how
):
    clean = two_topics(project("minimal"))
    made(clean, jobs=1)
    root = two_topics(copy_project(tmp_path / "interrupted", "minimal"))
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--jobs", "1", "--root", str(root)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    state = root / "out/.press/state.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (state.exists() and "mini" in state.read_text()):
        time.sleep(0.02)
    process.send_signal(how)
    _, err = process.communicate(timeout=60)
    if how == signal.SIGINT:
        assert process.returncode == 130
        assert err.endswith("press: interrupted; earlier outputs are unchanged\n")
    done = written(root)
    assert 0 < len(done) < 8 and not list((root / "out").rglob("*.tmp"))
    for name in done:
        assert (root / "out" / name).read_bytes() == (clean / "out" / name).read_bytes()
    again = build(root, Report())
    assert 0 < len(again.built) < 4
    assert written(root) == written(clean)
    for name in written(clean):
        assert (root / "out" / name).read_bytes() == (clean / "out" / name).read_bytes(), name


def test_on_a_terminal_progress_is_a_bar_and_in_ci_one_line_per_document(capsys):
    import io

    from pipeline.build.progress import Progress, summary
    from pipeline.build.run import Summary
    from pipeline.document.make import Fitting, Output
    from pipeline.document.page import FitSettings

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    bar = Progress(stream=terminal)
    bar.start(2)
    bar(Output("t", "briefing", "out/t/t-briefing", "", b"", 6, None, 1.25))
    bar.close()
    assert "50%" in terminal.getvalue() and "1/2" in terminal.getvalue() and capsys.readouterr().out == ""
    plain = Progress(stream=io.StringIO())
    plain.start(1)
    plain(Output("t", "one-pager", "out/t/t-one-pager", "", b"", 1, Fitting(FitSettings(10.5), 2), 0.84))
    assert capsys.readouterr().out == "  out/t/t-one-pager.pdf  1 page, body 10.5pt  (0.8 s, audit 0.00 s)\n"
    result = Summary(skipped=["a", "b"], failed=[("c", "crashed")], seconds=3.04)
    assert summary(result, "out/") == "press: built 0, 2 up to date, 1 failed in out/ (3.0 s)"


@pytest.mark.parametrize(
    "fault, message",
    [
        ("crash", "the worker crashed (SIGSEGV)"),
        ("hog", "ran out of memory (the limit is 1024 MB per worker)"),
    ],
)
def test_a_document_whose_worker_fails_is_named_and_the_others_are_written(
    project, monkeypatch, fault, message
):
    import pipeline.build.tasks as build_module
    from pipeline.errors import SourceErrors

    root = two_topics(project("minimal"))
    real = build_module.make_document

    def faulty(project, topic, source, kind, *args, **kwargs):
        if topic.id == "other" and kind == "briefing":
            if fault == "crash":
                os.kill(os.getpid(), signal.SIGSEGV)
            bytearray(1 << 32)
        return real(project, topic, source, kind, *args, **kwargs)

    monkeypatch.setattr(build_module, "make_document", faulty)
    report = Report()
    with pytest.raises(SourceErrors) as raised:
        build(root, report, jobs=2, memory_mb=1024)  # the default timeout: real renders never race a clock
    assert report.lines() == [
        f"sources/topics/other.yaml: error: out/other/other-briefing.pdf: {message} [build.worker]"
    ]
    assert sorted(o.path for o in raised.value.summary.built) == [ALL[0], ALL[1], ALL[3]]
    assert raised.value.summary.failed == [("out/other/other-briefing", message)]
    assert "other/other-briefing.pdf" not in written(root)
    monkeypatch.setattr(build_module, "make_document", real)
    assert made(root) == [ALL[2]]  # the next build makes only what failed


def test_a_document_whose_worker_hangs_is_stopped_at_the_timeout_and_named(built, monkeypatch):
    """Only the hanging document is dispatched under the short timeout (the others are up to date), so no real
    render races the clock."""
    import pipeline.build.tasks as build_module
    from pipeline.errors import SourceErrors

    (built / "out/other/other-briefing.pdf").unlink()
    real = build_module.make_document

    def hangs(*args, **kwargs):
        time.sleep(60)

    monkeypatch.setattr(build_module, "make_document", hangs)
    report = Report()
    with pytest.raises(SourceErrors) as raised:
        build(built, report, jobs=2, timeout=1)
    assert report.lines() == [
        "sources/topics/other.yaml: error: out/other/other-briefing.pdf: took longer than 1 s and was "
        "stopped [build.worker]"
    ]
    assert raised.value.summary.built == [] and sorted(raised.value.summary.skipped) == [
        ALL[0],
        ALL[1],
        ALL[3],
    ]
    assert raised.value.summary.failed == [
        ("out/other/other-briefing", "took longer than 1 s and was stopped")
    ]
    monkeypatch.setattr(build_module, "make_document", real)
    assert made(built) == [ALL[2]]
