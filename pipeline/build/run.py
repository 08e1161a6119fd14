"""The build: check every source, decide what is out of date, make it in workers, write each result."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import astuple, dataclass, field
from pathlib import Path

from pipeline import KINDS
from pipeline.build.graph import build_date
from pipeline.document.make import Output, make_document
from pipeline.errors import Report, SourceErrors


@dataclass
class Summary:
    """What a build did: documents made now, those already up to date, and those that failed."""

    built: list[Output] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (output path, why)
    seconds: float = 0.0
    release: Path | None = None


def _expected(root: Path, folder: str, only: list[str] | None, packets: bool) -> list[str]:
    """Every output path a build must leave up to date, known from file names alone (a topic id is its file
    name)."""
    ids = sorted(p.stem for p in (root / "sources" / "topics").glob("*.yaml"))
    paths = [f"{folder}/{t}/{t}-{kind}" for t in ids if not only or t in only for kind in KINDS]
    return paths + ([f"{folder}/packet-{kind}s" for kind in KINDS] if packets else [])


def _fresh(root: Path, state, paths: list[str]) -> bool:
    """Whether every one of these outputs is recorded in the cache and on disk exactly as recorded."""
    from pipeline.build.graph import intact

    for path in paths:
        entry = state.outputs.get(path)
        if (
            entry is None
            or not intact(root, f"{path}.pdf", entry["sha256"])
            or (entry.get("html") and not intact(root, f"{path}.html", entry["html"]))
        ):
            return False
    return True


def build(
    root: Path,
    report: Report,
    strict: bool = False,
    only: list[str] | None = None,
    today: dt.date | None = None,
    progress=None,
    jobs: int | None = None,
    release: bool = False,
    allow_stale: bool = False,
    packets: bool = False,
    timeout: float = 300.0,
    memory_mb: int = 2048,
) -> Summary:
    """Bring every output up to date: check the sources, make what changed in worker processes, write each
    result."""
    from pipeline.build import graph
    from pipeline.build.workers import cpu_jobs

    started = time.perf_counter()
    today = today or dt.date.today()
    strict, packets = strict or release, packets or release
    folder = "out/.press/release" if release else "out"
    date = build_date(root if release else None)
    state_path = root / "out" / ".press" / ("release.json" if release else "state.json")
    summary = Summary()
    with graph.Lock(root / "out" / ".press", "out/"):
        state, damaged = graph.load_state(state_path)
        if damaged:
            report.warning((state_path.relative_to(root).as_posix(), 0, 0), damaged, "cache.damaged")
        files, tools = graph.file_hashes(root), graph.versions()
        env = {
            "tools": tools,
            "date": date.isoformat() if date else None,
            "today": today.isoformat(),
            "strict": strict,
            "allow_stale": allow_stale,
            "only": sorted(only or []),
        }
        expected = _expected(root, folder, only, packets)
        if not damaged and state.files == files and state.env == env and _fresh(root, state, expected):
            for fields in state.warnings:
                report.add(*fields)
            summary.skipped = expected
        else:
            _make_all(
                root,
                report,
                state,
                state_path,
                files,
                tools,
                env,
                date,
                folder,
                expected,
                summary,
                strict=strict,
                only=only,
                today=today,
                progress=progress,
                jobs=jobs or cpu_jobs(),
                release=release,
                allow_stale=allow_stale,
                packets=packets,
                timeout=timeout,
                memory_mb=memory_mb,
            )
        if report.errors or (strict and _strict_warnings(report, allow_stale)):
            raise SourceErrors(report, summary)
        if release:
            from pipeline.build.release import publish

            summary.release = publish(root, folder, state, env, expected, report.lines())
    summary.seconds = time.perf_counter() - started
    return summary


def _strict_warnings(report: Report, allow_stale: bool) -> list:
    return [
        w
        for w in report.warnings
        if not (allow_stale and w.code == "topic.stale") and w.code != "cache.damaged"
    ]


def _make_all(
    root,
    report,
    state,
    state_path,
    files,
    tools,
    env,
    date,
    folder,
    expected,
    summary,
    *,
    strict,
    only,
    today,
    progress,
    jobs,
    release,
    allow_stale,
    packets,
    timeout,
    memory_mb,
) -> None:
    """The slow path: gather everything, then make each out-of-date output in a worker and record it."""
    from pipeline.build import graph
    from pipeline.build.finish import write_atomic
    from pipeline.build.workers import Failure, run
    from pipeline.sources.gather import gather

    gathered = Report()
    project = gather(root, gathered, today, only)
    if project is not None and release:
        _release_checks(project, gathered, allow_stale)
    report.extend(gathered)
    if project is None or gathered.errors or (strict and _strict_warnings(gathered, allow_stale)):
        return
    keys = graph.output_keys(project, files, tools, date, folder)
    todo = [
        path
        for path in expected
        if state.outputs.get(path, {}).get("key") != keys[path] or not _fresh(root, state, [path])
    ]
    summary.skipped = [path for path in expected if path not in todo]
    sources = {topic.id: (topic, source) for topic, source in project.topics}
    tasks = _tasks(todo, sources, state, folder)
    if tasks:
        from pipeline.document import fit, render, typeset  # noqa: F401 - imported once here, shared by every forked worker

        typeset.require_environment()

    def work(task):
        mine = Report()
        made = _run_task(project, sources, task, date, mine, folder)
        return made, mine.items

    def done(task, result):
        names = [p for p in _task_paths(task, folder, sources) if p in todo]
        if isinstance(result, Failure):
            for path in names:
                topic = path.split("/")[-2] if "/packet-" not in path else None
                where = (sources[topic][1].path, 0, 0) if topic in sources else ("layouts/base", 0, 0)
                report.error(where, f"{path}.pdf: {result.message}", "build.worker")
                summary.failed.append((path, result.message))
            return
        made, items = result
        for item in items:
            report.add(*astuple(item))
        for output in made:
            if output.path not in todo:
                continue
            if strict and output.warnings:  # a document's own warnings (staleness is the topic's, not its)
                summary.failed.append((output.path, "warnings in strict mode"))
                continue
            if output.html:
                write_atomic(root / f"{output.path}.html", output.html.encode("utf-8"))
            write_atomic(root / f"{output.path}.pdf", output.pdf)
            state.outputs[output.path] = {
                "key": keys[output.path],
                "sha256": graph.digest(output.pdf),
                "html": graph.digest(output.html.encode()) if output.html else None,
                "pages": output.pages,
                "topic": output.topic,
                "kind": output.kind,
                "seconds": round(output.seconds, 3),
                "warnings": output.warnings,
            }
            graph.save_state(state_path, state)
            summary.built.append(output)
            if progress:
                progress(output)
        for path in names:
            if path not in {o.path for o in made} and path not in dict(summary.failed):
                summary.failed.append((path, "see the errors above"))

    if tasks:
        if hasattr(progress, "start"):
            progress.start(len(todo))
        try:
            run(tasks, work, done, jobs=jobs, timeout=timeout, memory_mb=memory_mb)
        finally:
            if hasattr(progress, "close"):
                progress.close()
    complete = not summary.failed and not report.errors
    state.files = files if complete else {}
    state.env = env
    state.warnings = [astuple(w) for w in gathered.warnings] + [
        tuple(w) for path in expected for w in state.outputs.get(path, {}).get("warnings", [])
    ]
    for fields in state.warnings[len(gathered.warnings) :]:
        report.add(*fields)
    graph.save_state(state_path, state)


def _release_checks(project, report: Report, allow_stale: bool) -> None:
    """A release takes approved topics only, and stale ones only when allowed."""
    for topic, source in project.topics:
        if topic.status == "draft":
            report.error(
                source.where(("status",)),
                f"topic '{topic.id}' is a draft; a release takes approved topics only",
                "release.draft",
            )
    if not allow_stale:
        for warning in [w for w in report.warnings if w.code == "topic.stale"]:
            report.items.remove(warning)
            report.error(
                (warning.path, warning.line, warning.col),
                warning.message + "; a release refuses it unless you pass --allow-stale",
                "release.stale",
            )


def _tasks(todo: list[str], sources: dict, state, folder: str) -> list[tuple]:
    """Work for the workers, longest first: a packet's task also makes its parts; other documents one by
    one."""
    tasks, covered = [], set()
    for kind in KINDS:
        packet = f"{folder}/packet-{kind}s"
        if packet in todo:
            tasks.append(("packet", kind))
            covered |= {f"{folder}/{t}/{t}-{kind}" for t in sources}
    singles = [p for p in todo if p not in covered and "/packet-" not in p]
    singles.sort(
        key=lambda p: (-state.outputs.get(p, {}).get("seconds", 2.0 if p.endswith("briefing") else 1.0), p)
    )
    return tasks + [
        ("document", p.split("/")[-2], p.rsplit("-", 1)[-1] if p.endswith("briefing") else "one-pager")
        for p in singles
    ]


def _task_paths(task: tuple, folder: str, sources: dict) -> list[str]:
    if task[0] == "document":
        return [f"{folder}/{task[1]}/{task[1]}-{task[2]}"]
    return [f"{folder}/packet-{task[1]}s"] + [f"{folder}/{t}/{t}-{task[1]}" for t in sources]


def _run_task(project, sources: dict, task: tuple, date, report: Report, folder: str):
    """In a worker: make one document, or every part of a packet and the packet itself."""
    if task[0] == "document":
        topic, source = sources[task[1]]
        output, _ = make_document(project, topic, source, task[2], date, report, folder)
        return [output] if output else []
    import jinja2

    from pipeline.document.packet import assemble
    from pipeline.document.typeset import TypesetError, write_pdf
    from pipeline.sources.layouts import template_error

    kind, made, parts = task[1], [], []
    for topic, source in project.topics:
        output, document = make_document(project, topic, source, kind, date, report, folder)
        if output is not None:
            made.append(output)
            parts.append((topic, document))
    if len(parts) < len(project.topics):
        return made  # the failed parts are reported; a packet without them would mislead
    started = time.perf_counter()
    try:
        packet = assemble(kind, parts, project.org, project.base, project.root, date)
        data = write_pdf(packet)
    except jinja2.TemplateError as exc:
        template_error(exc, project.root, report)
        return made
    except TypesetError as exc:
        for problem in exc.problems:
            report.error(
                ("layouts/base/layout.yaml", 0, 0), f"{folder}/packet-{kind}s.pdf: {problem}", "packet"
            )
        return made
    made.append(
        Output(
            "",
            kind,
            f"{folder}/packet-{kind}s",
            "",
            data,
            len(packet.pages),
            None,
            time.perf_counter() - started,
        )
    )
    return made
