"""press serve: hold the lock on out/, build, rebuild what each save affects, and serve the page meanwhile."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.build.graph import Lock
from pipeline.build.progress import plural
from pipeline.build.progress import summary as summary_line
from pipeline.build.run import Options as BuildOptions
from pipeline.build.run import build
from pipeline.errors import PressError, Report, SourceErrors
from pipeline.serve.pages import Pages
from pipeline.serve.server import listen
from pipeline.serve.studio import Studio
from pipeline.serve.watch import INTERVAL, Signature, Watcher


@dataclass(frozen=True)
class Options:
    """The choices of `press serve`."""

    host: str = "127.0.0.1"  # this machine only, unless told otherwise
    port: int = 8000
    interval: float = INTERVAL  # seconds between two looks at the sources
    jobs: int | None = None  # the build's worker processes (default: the CPUs)


def serve(root: Path, options: Options, say: Callable[[str], None]) -> None:
    """Preview a project until Ctrl-C (or SIGTERM): the lock on out/ is held throughout, so no other build
    writes there meanwhile; an interrupted build leaves every file whole, as `press build` does."""
    with Lock(root / "out" / ".press", "out/", purpose="serve"):
        pages = Pages()
        studio = Studio(root, pages)
        watcher = Watcher(root, options.interval)
        studio.inputs = watcher.seen
        studio.publish()
        server = listen(options.host, options.port, root, studio, pages)
        threading.Thread(target=server.serve_forever, name="press-serve-http", daemon=True).start()
        host = f"[{options.host}]" if ":" in options.host else options.host
        say(f"press: previewing {root} at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)")
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            inputs, shown, warm = watcher.seen, set(), False
            while True:
                shown = _rebuild(root, studio, inputs, options, say, shown)
                warm = warm or _warm(root)
                inputs = watcher.changed()
        except KeyboardInterrupt:
            say("press: stopped; every file in out/ is whole")
        finally:
            signal.signal(signal.SIGTERM, previous)
            studio.close()
            server.shutdown()
            server.server_close()


def _warm(root: Path) -> bool:
    """Typeset one one-pager in this process, once, and throw it away: the build's workers are forked from
    this process, so they then start with the fonts, hyphenation patterns and WeasyPrint's caches loaded
    (a third less time for each document made after a save). False while the sources have errors."""
    from pipeline.document.make import make_document
    from pipeline.sources.gather import gather

    report = Report()
    project = gather(root, report)
    if project is None or not project.topics:
        return False
    topic, source = project.topics[0]
    try:
        make_document(project, topic, source, "one-pager", None, report)
    except Exception:  # noqa: BLE001 - warming up is optional; the build reports what is wrong with a document
        pass
    return True


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _rebuild(root: Path, studio: Studio, inputs: Signature, options: Options, say, shown: set) -> set:
    """One build with the lock already held: documents shown as each is written, then the whole state.
    Prints the problems not printed after the last build, and a summary; returns the problems now."""
    report, summary, message = Report(), None, ""
    studio.building(inputs)
    started = time.perf_counter()
    try:
        summary = build(
            root,
            report,
            BuildOptions(locked=True, jobs=options.jobs),
            lambda output: studio.made(output.path),
        )
    except SourceErrors as exc:
        summary = exc.summary
    except PressError as exc:
        message = str(exc)
    seconds = time.perf_counter() - started
    studio.built(report, summary, seconds, message)
    lines = report.lines()
    for line in lines:
        if line not in shown:
            say(line)
    if message:
        say(f"press: error: {message}")
    elif summary.built or summary.skipped or not report.errors:
        summary.seconds = seconds
        say(summary_line(summary, "out/") + _problems(report))
    else:
        errors = plural(len(report.errors), "error")
        say(f"press: {errors}; nothing was made (the page keeps the last good pages)")
    return set(lines)


def _problems(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    return (
        f"; {plural(errors, 'error')}" if errors else (f"; {plural(warnings, 'warning')}" if warnings else "")
    )
