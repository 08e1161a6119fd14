"""Build tasks: the work handed to workers (a document, or a packet with its parts) and what one does."""

from __future__ import annotations

import time
from dataclasses import astuple, dataclass

from pipeline import KINDS
from pipeline.document.make import Output, make_document
from pipeline.errors import Report


@dataclass(frozen=True)
class Task:
    """A worker's job: a document ("document", kind, topic id) or a packet with its parts ("packet", kind)."""

    what: str
    kind: str
    topic: str = ""

    def paths(self, folder: str, topics: list[str]) -> list[str]:
        """The outputs this task makes, without suffix."""
        if self.what == "document":
            return [f"{folder}/{self.topic}/{self.topic}-{self.kind}"]
        return [f"{folder}/packet-{self.kind}s"] + [f"{folder}/{t}/{t}-{self.kind}" for t in topics]


def plan(todo: list[str], topics: list[str], seconds: dict[str, float], folder: str) -> list[Task]:
    """Work for the workers, longest first (by last build's times): a packet's task also makes its parts;
    other documents one by one."""
    tasks, covered = [], set()
    for kind in KINDS:
        if f"{folder}/packet-{kind}s" in todo:
            tasks.append(Task("packet", kind))
            covered |= {f"{folder}/{t}/{t}-{kind}" for t in topics}
    singles = [p for p in todo if p not in covered and "/packet-" not in p]
    singles.sort(key=lambda p: (-seconds.get(p, 2.0 if p.endswith("briefing") else 1.0), p))
    return tasks + [
        Task("document", "briefing" if p.endswith("briefing") else "one-pager", p.split("/")[-2])
        for p in singles
    ]


def perform(project, task: Task, date, report: Report, folder: str) -> list[Output]:
    """In a worker: make one document, or every part of a packet and then the packet."""
    sources = {topic.id: (topic, source) for topic, source in project.topics}
    if task.what == "document":
        topic, source = sources[task.topic]
        output, _ = make_document(project, topic, source, task.kind, date, report, folder)
        return [output] if output else []
    made, parts = [], []
    for topic, source in project.topics:
        output, document = make_document(project, topic, source, task.kind, date, report, folder)
        if output is not None:
            made.append(output)
            parts.append((topic, document))
    if len(parts) == len(project.topics):  # a packet without a failed part would mislead
        packet = _packet(project, task.kind, parts, date, report, folder)
        made += [packet] if packet else []
    return made


def _packet(project, kind: str, parts: list, date, report: Report, folder: str) -> Output | None:
    import jinja2

    from pipeline.document.make import audit
    from pipeline.document.packet import assemble
    from pipeline.document.typeset import TypesetError, write_pdf
    from pipeline.sources.layouts import template_error

    started = time.perf_counter()
    path = f"{folder}/packet-{kind}s"
    try:
        packet = assemble(kind, parts, project.org, project.base, project.root, date)
        data = write_pdf(packet)
    except jinja2.TemplateError as exc:
        template_error(exc, project.root, report)
        return None
    except TypesetError as exc:
        for problem in exc.problems:
            report.error(("layouts/base/layout.yaml", 0, 0), f"{path}.pdf: {problem}", "packet")
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
