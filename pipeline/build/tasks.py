"""Build tasks: the work handed to workers (a document, or a packet with its parts) and what one does."""

from __future__ import annotations

import re
import time
from dataclasses import astuple, dataclass

from pipeline import KINDS
from pipeline.document.make import Output, make_document, make_print
from pipeline.errors import Report
from pipeline.sources.files import shown_file

# An output's path without suffix: <folder>/<topic>/<topic>-<kind>, then .<paper> unless it is the
# organization's paper, then .print for the print-shop variant.
DOCUMENT = re.compile(r"/(?P<topic>[^/]+)/(?P=topic)-(?P<kind>briefing|one-pager)(?P<paper>\.[a-z0-9]+)?$")


@dataclass(frozen=True)
class Task:
    """A worker's job: a document ("document", kind, topic id) or a packet with its parts ("packet", kind).
    `paper` is another paper than the organization's ('' for its own; documents only), `printed` asks for
    the print-shop variant of every document the task makes too."""

    what: str
    kind: str
    topic: str = ""
    paper: str = ""
    printed: bool = False

    def paths(self, folder: str, topics: list[str]) -> list[str]:
        """The outputs this task makes, without suffix."""
        if self.what == "document":
            paper = f".{self.paper}" if self.paper else ""
            screens = [f"{folder}/{self.topic}/{self.topic}-{self.kind}{paper}"]
        else:
            screens = [f"{folder}/{t}/{t}-{self.kind}" for t in topics]
        prints = [f"{p}.print" for p in screens] if self.printed else []
        return ([f"{folder}/packet-{self.kind}s"] if self.what == "packet" else []) + screens + prints


def plan(todo: list[str], topics: list[str], seconds: dict[str, float], folder: str) -> list[Task]:
    """Work for the workers, longest first (by last build's times): a packet's task also makes its parts;
    other documents one by one (a document and its print-shop variant in one task)."""
    tasks, covered = [], set()
    for kind in KINDS:
        if f"{folder}/packet-{kind}s" in todo:
            parts = {f"{folder}/{t}/{t}-{kind}" for t in topics}
            printed = any(f"{p}.print" in todo for p in parts)
            tasks.append(Task("packet", kind, printed=printed))
            covered |= parts | ({f"{p}.print" for p in parts} if printed else set())
    singles: dict[str, bool] = {}  # screen path -> whether its print variant is to be made
    for path in todo:
        if path in covered or "/packet-" in path:
            continue
        screen = path.removesuffix(".print")
        singles[screen] = singles.get(screen, False) or path.endswith(".print")
    order = sorted(singles, key=lambda p: (-seconds.get(p, 2.0 if "-briefing" in p else 1.0), p))
    return tasks + [_document_task(p, singles[p]) for p in order]


def _document_task(path: str, printed: bool) -> Task:
    found = DOCUMENT.search(path)
    return Task("document", found["kind"], found["topic"], (found["paper"] or "")[1:], printed)


def perform(project, task: Task, date, report: Report, folder: str) -> list[Output]:
    """In a worker: make one document, or every part of a packet and then the packet; and each one's
    print-shop variant when the task asks for it."""
    sources = {topic.id: (topic, source) for topic, source in project.topics}
    if task.what == "document":
        topic, source = sources[task.topic]
        output, _ = make_document(
            project, topic, source, task.kind, date, report, folder, paper=task.paper or None
        )
        return _with_print(project, [output] if output else [], task, report)
    made, parts = [], []
    for topic, source in project.topics:
        output, document = make_document(project, topic, source, task.kind, date, report, folder)
        if output is not None:
            made.append(output)
            parts.append((topic, document))
    if len(parts) == len(project.topics):  # a packet without a failed part would mislead
        markups = {o.topic: (o.path.rsplit("/", 1)[-1], o.html) for o in made}
        packet = _packet(project, task.kind, parts, date, report, folder, markups)
        made += [packet] if packet else []
    return _with_print(project, made, task, report)


def _with_print(project, made: list[Output], task: Task, report: Report) -> list[Output]:
    """The outputs, each document followed by its print-shop variant when the task asks for them."""
    if not task.printed:
        return made
    paper = task.paper or project.org.defaults.page_size
    result = []
    for output in made:
        result.append(output)
        printed = make_print(project, output, paper, report) if output.topic else None
        result += [printed] if printed else []
    return result


def _packet(
    project, kind: str, parts: list, date, report: Report, folder: str, markups: dict
) -> Output | None:
    import jinja2

    from pipeline.document.make import audit
    from pipeline.document.packet import assemble
    from pipeline.document.typeset import TypesetError, write_pdf
    from pipeline.sources.layouts import template_error

    started = time.perf_counter()
    path = f"{folder}/packet-{kind}s"
    try:
        packet = assemble(kind, parts, project.org, project.base, project.root, date, markups)
        data = write_pdf(packet)
    except jinja2.TemplateError as exc:
        template_error(exc, project.root, report)
        return None
    except TypesetError as exc:
        for problem in exc.problems:
            where = (shown_file(project.root, "layouts/base/layout.yaml"), 0, 0)
            report.error(where, f"{path}.pdf: {problem}", "packet")
        return None
    found = Report()
    audited = audit(data, path, found)
    report.extend(found)
    return Output(
        "",
        kind,
        path,
        "",
        data,
        len(packet.pages),
        None,
        time.perf_counter() - started,
        warnings=[astuple(d) for d in found.warnings],
        audit_seconds=audited,
    )
