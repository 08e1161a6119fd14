"""The build: check every source, decide what is out of date, make it in workers, write each result."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from dataclasses import astuple, dataclass, field, replace
from pathlib import Path

from pipeline import KINDS
from pipeline.build import graph, site
from pipeline.build.graph import build_date
from pipeline.build.tasks import Task, perform, plan
from pipeline.document.make import Output
from pipeline.document.page import variant_suffix
from pipeline.errors import PressError, Report, SourceErrors
from pipeline.sources.files import listing


@dataclass(frozen=True)
class Options:
    """What a build makes and how: the choices of `press build`."""

    strict: bool = False  # warnings fail the build
    only: tuple[str, ...] = ()  # topic ids; empty for every topic
    today: dt.date | None = None  # for review dates (default: the clock's date)
    jobs: int | None = None  # worker processes (default: the CPUs this process may use)
    release: bool = False  # strict, packets, staged and published into out/release/ with a manifest
    allow_stale: bool = False  # a release may include topics past their review date
    packets: bool = False  # also the packets of all one-pagers and all briefings
    timeout: float = 300.0  # seconds a document may take
    memory_mb: int = 2048  # each worker's address-space limit
    locked: bool = False  # the caller already holds the lock on out/.press (press serve holds it throughout)
    papers: tuple[str, ...] = ()  # paper sizes to make (default: the organization's defaults.papers)
    print_pdf: bool = False  # also each document's print-shop PDF, <name>.print.pdf (PDF/X-4, bleed, marks)


@dataclass
class Summary:
    """What a build did: documents made now, those already up to date, and those that failed."""

    built: list[Output] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (output path, why)
    seconds: float = 0.0
    release: Path | None = None
    site: list[str] | None = None  # the files the site step wrote (None when it did not run)


def build(root: Path, report: Report, options: Options | None = None, progress=None, **choices) -> Summary:
    """Bring every output up to date: check the sources, make what changed in workers, write each result.
    `choices` override fields of `options` (build(root, report, strict=True))."""
    options = replace(options or Options(), **choices)
    if options.release:
        options = replace(options, strict=True, packets=True)
    if isinstance(options.only, list):
        options = replace(options, only=tuple(options.only))
    if isinstance(options.papers, list):
        options = replace(options, papers=tuple(options.papers))
    return _Run(root, report, options, progress).run()


def expected(
    root: Path, folder: str, only: tuple[str, ...], packets: bool, variants: list[str] | tuple = ("",)
) -> list[str]:
    """Every output a build must leave up to date, known from file names alone (a topic id is its name) and
    the variants made of each document (`variants`)."""
    ids = sorted(p.stem for p in listing(root / "sources" / "topics", "*.yaml", root, Report()))
    chosen = [t for t in ids if not only or t in only]
    paths = [f"{folder}/{t}/{t}-{kind}{v}" for t in chosen for kind in KINDS for v in variants]
    return paths + ([f"{folder}/packet-{kind}s" for kind in KINDS] if packets else [])


def variants(defaults, papers: tuple[str, ...], printed: bool) -> list[str]:
    """What goes between each document's name and .pdf, for every file a build makes of it: one per paper
    (`papers`, else the organization's defaults.papers, else its page_size) and, with `printed`, each one's
    print-shop variant ('', '.print', '.a4', '.a4.print')."""
    chosen = papers or tuple(defaults.papers or [defaults.page_size])
    kinds = (False, True) if printed else (False,)
    return [variant_suffix(paper, defaults.page_size, one) for paper in chosen for one in kinds]


def fresh(root: Path, state, paths: list[str]) -> bool:
    """Whether every one of these outputs is recorded in the cache and on disk exactly as recorded."""
    for path in paths:
        entry = state.outputs.get(path)
        if (
            entry is None
            or not graph.intact(root, f"{path}.pdf", entry["sha256"])
            or (entry.get("html") and not graph.intact(root, f"{path}.html", entry["html"]))
        ):
            return False
    return True


def strict_warnings(report: Report, allow_stale: bool) -> list:
    """The warnings a strict build fails on (not an allowed stale topic, not a damaged cache)."""
    return [
        w
        for w in report.warnings
        if not (allow_stale and w.code == "topic.stale") and w.code != "cache.damaged"
    ]


class _Run:
    """One build: the lock, the cache, the check of every source, the workers, and what they return."""

    def __init__(self, root: Path, report: Report, options: Options, progress):
        self.root, self.report, self.options, self.progress = root, report, options, progress
        self.folder = "out/.press/release" if options.release else "out"
        self.date = build_date(root if options.release else None)
        self.state_path = root / "out" / ".press" / ("release.json" if options.release else "state.json")
        self.summary = Summary()
        self.today = options.today or dt.date.today()

    def run(self) -> Summary:
        started = time.perf_counter()
        folder = self.root / "out" / ".press"
        if self.options.locked and not graph.held_here(folder):
            raise ValueError("Options(locked=True) is for a caller that holds the lock on out/.press")
        lock = contextlib.nullcontext() if self.options.locked else graph.Lock(folder, "out/")
        with lock:
            self.state, damaged = graph.load_state(self.state_path)
            if damaged:
                self.report.warning((self._shown(self.state_path), 0, 0), damaged, "cache.damaged")
            refused = Report()  # links out of the project: never read, and never "up to date"
            self.files, self.tools = graph.file_hashes(self.root, report=refused), graph.versions()
            self.env = self._environment()
            self.expected: list[str] = []  # known once the organization's papers are (see _up_to_date)
            if not damaged and not refused.errors and self._up_to_date():
                for fields in self.state.warnings:
                    self.report.add(*fields)
                self.summary.skipped = self.expected
            else:
                self._make_all()
            options = self.options
            if self.report.errors or (options.strict and strict_warnings(self.report, options.allow_stale)):
                raise SourceErrors(self.report, self.summary)
            if options.release:
                from pipeline.build.release import publish

                self.summary.release = publish(
                    self.root, self.folder, self.state, self.env, self.expected, self.report.lines()
                )
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _environment(self) -> dict:
        """What besides the files decides the outputs: tools, build date, today, and the build's choices."""
        options = self.options
        return {
            "tools": self.tools,
            "date": self.date.isoformat() if self.date else None,
            "today": self.today.isoformat(),
            "strict": options.strict,
            "allow_stale": options.allow_stale,
            "only": sorted(options.only),
            "papers": list(options.papers),
            "print": options.print_pdf,
        }

    def _up_to_date(self) -> bool:
        """Whether nothing changed since the last build; its variants still hold when no source did."""
        state = self.state
        made = state.env.get("variants")
        if state.files != self.files or made is None or state.env != dict(self.env, variants=made):
            return False
        self.env["variants"] = made
        self.expected = expected(self.root, self.folder, self.options.only, self.options.packets, made)
        return fresh(self.root, state, self.expected) and (self.options.release or site.fresh(self.root))

    def _make_all(self) -> None:
        """The slow path: gather everything, then make each out-of-date output in a worker and record it."""
        from pipeline.build.workers import cpu_jobs, run
        from pipeline.sources.gather import gather

        options, gathered = self.options, Report()
        project = gather(self.root, gathered, self.today, list(options.only) or None)
        if project is not None and options.release:
            _release_checks(project, gathered, options.allow_stale)
        self.report.extend(gathered)
        if (
            project is None
            or gathered.errors
            or (options.strict and strict_warnings(gathered, options.allow_stale))
        ):
            return
        self.project, self.topics = project, [topic.id for topic, _ in project.topics]
        made = variants(project.org.defaults, options.papers, options.print_pdf)
        self.env["variants"] = made
        self.expected = expected(self.root, self.folder, options.only, options.packets, made)
        self.keys = {}
        for path, key in graph.output_keys(project, self.files, self.tools, self.date, self.folder).items():
            for suffix in [""] if "/packet-" in path else made:
                self.keys[path + suffix] = graph.key({"document": key, "variant": suffix}) if suffix else key
        outputs = self.state.outputs
        self.todo = [
            path
            for path in self.expected
            if outputs.get(path, {}).get("key") != self.keys[path] or not fresh(self.root, self.state, [path])
        ]
        self.summary.skipped = [path for path in self.expected if path not in self.todo]
        seconds = {path: entry.get("seconds", 0.0) for path, entry in outputs.items()}
        tasks = plan(self.todo, self.topics, seconds, self.folder)
        if tasks:
            from pipeline.document import fit, render, typeset  # noqa: F401 - imported once, shared by the forks

            typeset.require_environment()
            if hasattr(self.progress, "start"):
                self.progress.start(len(self.todo))
            try:
                run(
                    tasks,
                    self._work,
                    self._record,
                    jobs=options.jobs or cpu_jobs(),
                    timeout=options.timeout,
                    memory_mb=options.memory_mb,
                )
            finally:
                if hasattr(self.progress, "close"):
                    self.progress.close()
        # The site follows the documents: a release publishes PDFs only, and a build in which a document
        # failed leaves the site as it was (as that document keeps its file); the next good build updates it.
        if not options.release and not self.summary.failed and not self.report.errors:
            from pipeline.build.workers import cpu_jobs

            self.summary.site = site.publish(
                project,
                self.files,
                self.tools,
                self.date,
                self.today,
                self.state.outputs,
                self.report,
                jobs=options.jobs or cpu_jobs(),
                timeout=options.timeout,
                memory_mb=options.memory_mb,
            )
        self._finish(gathered)

    def _work(self, task: Task):
        """In a worker: the outputs of one task and the diagnostics made on the way."""
        mine = Report()
        made = perform(self.project, task, self.date, mine, self.folder)
        return made, mine.items

    def _record(self, task: Task, result) -> None:
        """In the build process, as each task ends: report, write and remember what it made."""
        from pipeline.build.workers import Failure

        names = [p for p in task.paths(self.folder, self.topics) if p in self.todo]
        if isinstance(result, Failure):
            for path in names:
                self._fail(path, result.message, "build.worker")
            return
        made, items = result
        for item in items:
            self.report.add(*astuple(item))
        for output in made:
            if output.path not in self.todo:
                continue
            if self.options.strict and output.warnings:  # its own warnings (staleness is the topic's)
                self.summary.failed.append((output.path, "warnings in strict mode"))
            else:
                self._write(output)
        written = {o.path for o in self.summary.built} | dict(self.summary.failed).keys()
        for path in names:
            if path not in written:
                self.summary.failed.append((path, "see the errors above"))

    def _fail(self, path: str, why: str, code: str) -> None:
        topic = path.split("/")[-2] if "/packet-" not in path else ""
        sources = {t.id: s for t, s in self.project.topics}
        where = (sources[topic].path, 0, 0) if topic in sources else ("layouts/base", 0, 0)
        self.report.error(where, f"{path}.pdf: {why}", code)
        self.summary.failed.append((path, why))

    def _write(self, output: Output) -> None:
        """Write one document atomically and record it in the cache; a file that cannot be written fails that
        document only (its previous file stays)."""
        from pipeline.build.finish import write_atomic

        files = [(".html", output.html.encode("utf-8"))] if output.html else []
        for suffix, data in files + [(".pdf", output.pdf)]:
            try:
                write_atomic(self.root / f"{output.path}{suffix}", data)
            except OSError as exc:
                why = f"cannot write {output.path}{suffix}: {exc.strerror or exc}; the previous file is kept"
                self.report.error((f"{output.path}{suffix}", 0, 0), why, "build.write")
                self.summary.failed.append((output.path, why))
                return
        self.state.outputs[output.path] = {
            "key": self.keys[output.path],
            "sha256": graph.digest(output.pdf),
            "html": graph.digest(output.html.encode()) if output.html else None,
            "pages": output.pages,
            "topic": output.topic,
            "kind": output.kind,
            "seconds": round(output.seconds, 3),
            "audit_seconds": round(output.audit_seconds, 3),
            "warnings": output.warnings,
            "fitting": _fitting(output.fitting),
        }
        self._save()
        self.summary.built.append(output)
        if self.progress:
            self.progress(output)

    def _save(self) -> None:
        try:
            graph.save_state(self.state_path, self.state)
        except OSError as exc:
            raise PressError(
                f"cannot write the build cache {self._shown(self.state_path)}: {exc.strerror}"
            ) from None

    def _finish(self, gathered: Report) -> None:
        """Remember the whole build in the cache: the input files only when everything was made."""
        state = self.state
        complete = not self.summary.failed and not self.report.errors
        state.files = self.files if complete else {}
        state.env = self.env
        own = [tuple(w) for path in self.expected for w in state.outputs.get(path, {}).get("warnings", [])]
        state.warnings = [astuple(w) for w in gathered.warnings] + own
        for fields in own:
            self.report.add(*fields)
        self._save()

    def _shown(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def _fitting(fitting) -> dict | None:
    """How a one-pager was fitted, as the cache keeps it (for press serve's fit meter)."""
    if fitting is None:
        return None
    return {
        "body": fitting.settings.body,
        "space": fitting.settings.space,
        "renders": fitting.renders,
        "dropped": list(fitting.dropped),
        "spare_mm": round(fitting.spare_mm, 2),
        "words_per_mm": round(fitting.words_per_mm, 3),
        "used_mm": round(fitting.used_mm, 2),
        "floor_room_mm": None if fitting.floor_room_mm is None else round(fitting.floor_room_mm, 2),
        "floor_words_per_mm": round(fitting.floor_words_per_mm, 3),
    }


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
