"""The build: gather and check every source first, then render, typeset and fit every document, then write them all or nothing."""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .cite import Library, check_style, check_text, load_library, style_path
from .errors import PressError, Report, SourceErrors, did_you_mean
from .layout import KINDS, Layout, discover, resolve
from .load import Source, load_yaml
from .model import Organization, Topic, check_markdown, check_topic, image_problem, validate

# Which source field a one-pager block's words come from, for fit messages.
BLOCK_SOURCES = {"ask": ("asks",), "bill": ("asks",), "facts": ("key_facts",), "points": ("one_pager", "points"),
                 "qa": ("questions",), "masthead": ("title",)}


@dataclass
class Project:
    """Everything the sources say, checked: the organization, the topics, the library and the layouts."""

    root: Path
    org: Organization
    org_source: Source
    topics: list[tuple[Topic, Source]]
    library: Library
    layouts: dict[str, Layout]
    style: Path


@dataclass
class Output:
    """One finished document, in memory until every document is ready."""

    topic: str
    kind: str
    path: str  # relative to the project root, without suffix
    html: str
    pdf: bytes
    pages: int
    notes: dict = field(default_factory=dict)


def build_date() -> dt.date | None:
    """The date SOURCE_DATE_EPOCH names, if set (never the clock)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return None


def gather(root: Path, report: Report, today: dt.date | None = None, only: list[str] | None = None) -> Project | None:
    """Steps 1-4 for every source: load, validate, resolve citations and layouts. None if any error."""
    today = today or dt.date.today()
    org_path = root / "sources" / "organization.yaml"
    org_source = load_yaml(org_path, "sources/organization.yaml", report) if org_path.is_file() else None
    if org_source is None and not org_path.is_file():
        report.error(("sources/organization.yaml", 0, 0), "the organization file is missing", "file.missing")
    org = validate(Organization, org_source, report, "the organization file") if org_source else None
    library = load_library(root / "sources" / "references", "sources/references", report)
    specs = discover(root, report)
    if "base" not in specs:
        report.error(("layouts/base/layout.yaml", 0, 0), "the base layout is missing", "layout.base")
    style = None
    if org is not None:
        _check_org(org, org_source, root, report)
        check_style(org.defaults.citation_style, root / "sources", org_source.where(("defaults", "citation_style")),
                    report)
        if not report.errors:
            style = style_path(org.defaults.citation_style, root / "sources")
    topics, layouts, cited = [], {}, set()
    paths = sorted((root / "sources" / "topics").glob("*.yaml"))
    if not paths:
        report.error(("sources/topics", 0, 0), "there are no topics (sources/topics/*.yaml)", "file.missing")
    seen: dict[str, str] = {}
    for path in paths:
        shown = path.relative_to(root).as_posix()
        source = load_yaml(path, shown, report)
        topic = validate(Topic, source, report, "the topic file") if source else None
        if topic is None:
            continue
        if topic.id in seen:
            report.error(source.where(("id",)), f"topic id '{topic.id}' is also used by {seen[topic.id]}", "topic.id")
        seen[topic.id] = shown
        language = topic.language or (org.defaults.language if org else "en")
        check_topic(topic, source, root, report, today)
        for text_path, text in topic.texts():
            cited |= check_text(text, text_path, source, library, report, language)
        if topic.layout not in layouts and topic.layout in specs:
            layouts[topic.layout] = resolve(topic.layout, specs, root, source.where(("layout",)), report)
        elif topic.layout not in specs:
            resolve(topic.layout, specs, root, source.where(("layout",)), report)
        if topic.layout in layouts and layouts[topic.layout] is not None:
            _check_blocks(topic, source, layouts[topic.layout], report)
        if only and topic.id not in only:
            continue
        topics.append((topic, source))
    for key in sorted(set(library.items) - cited):
        report.warning(library.where[key], f"reference '{key}' is never cited", "citation.unused")
    if only:
        for name in only:
            if name not in seen:
                report.error(("sources/topics", 0, 0), f"no topic has the id '{name}'", "topic.unknown")
    if report.errors:
        return None
    return Project(root, org, org_source, topics, library, layouts, style)


def _check_blocks(topic: Topic, source: Source, layout: Layout, report: Report) -> None:
    """A topic's own block orders may only name blocks its layout has templates for."""
    for kind, key, names in (("briefing", "briefing", topic.briefing.blocks),
                             ("one-pager", "one_pager", topic.one_pager.blocks)):
        known = layout.blocks(kind)
        for i, name in enumerate(names or []):
            if name not in known:
                report.error(source.where((key, "blocks", i)),
                             f"{kind} block '{name}' is not in layout '{layout.id}'{did_you_mean(name, known)}; "
                             f"known blocks: {', '.join(known)}", "topic.block")


def _check_org(org: Organization, source: Source, root: Path, report: Report) -> None:
    problem = image_problem(org.logo.file, root)
    if problem:
        report.error(source.where(("logo", "file")), problem, "organization.logo")
    if not org.logo.alt.strip():
        report.error(source.where(("logo", "alt")), "the logo has no alt text", "organization.logo")
    if org.disclaimer:
        check_markdown(org.disclaimer, ("disclaimer",), source, root, report, org.defaults.language)


def render_all(project: Project, report: Report) -> list:
    """Step 5 for every topic and kind; template errors are reported with their file and line."""
    from .render import render

    docs, date = [], build_date()
    for topic, source in project.topics:
        layout = project.layouts[topic.layout]
        for kind in KINDS:
            try:
                docs.append((render(kind, topic, project.org, layout, project.library, project.style, date),
                             topic, source))
            except jinja2.TemplateError as exc:
                report.error(_template_where(exc, project.root), f"template error: {exc.message}", "layout.template")
    return docs


def _template_where(exc: jinja2.TemplateError, root: Path) -> tuple[str, int, int]:
    filename = getattr(exc, "filename", None) or ""
    try:
        filename = Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        pass
    return (filename or "layouts", getattr(exc, "lineno", 0) or 0, 1 if getattr(exc, "lineno", 0) else 0)


def typeset_all(project: Project, docs: list, report: Report, progress=None) -> list[Output]:
    """Step 6 for every document: typeset, fit one-pagers, and check pages, fonts, links and lines."""
    from .fit import FitError, fit
    from .render import render
    from .typeset import (TypesetError, check_fonts, clipped, embedded_fonts, environment_problem, layout_html,
                          missing_targets, overfull_lines, write_pdf)

    problem = environment_problem()
    if problem:
        raise PressError(problem)
    outputs = []
    for doc, topic, source in docs:
        started = time.perf_counter()
        where = source.where()
        notes: dict = {}
        try:
            if doc.kind == "one-pager":
                layout = project.layouts[topic.layout]
                fitted = fit(doc, project.root, lambda drop, doc=doc: render(
                    "one-pager", topic, project.org, layout, project.library, project.style, build_date(), drop,
                    band=doc.band))
                document, markup = fitted.document, fitted.html
                notes = {"body": fitted.body, "space": fitted.space, "renders": fitted.renders,
                         "anchors": {k: v for k, v in document.pages[0].anchors.items() if k.startswith("band-")}}
                for name in fitted.dropped:
                    report.warning(where, f"one-pager: left out optional block '{name}' to fit the page",
                                   "fit.dropped")
            else:
                markup = doc.html
                document = layout_html(markup, project.root, doc.stem, doc.topic)
                for problem in missing_targets(document):
                    report.error(where, f"{doc.kind}: {problem}", "render.link")
            for problem in overfull_lines(document):
                report.warning(where, f"{doc.kind}: {problem}", "typeset.overfull")
            for number, page in enumerate(document.pages, 1):
                for problem in clipped(page):
                    report.error(where, f"{doc.kind}: page {number}: {problem}", "render.clipped")
            data = write_pdf(document)
            for problem in check_fonts(embedded_fonts(data), doc.families):
                report.error(where, f"{doc.kind}: {problem}", "render.font")
        except FitError as exc:
            report.error(source.where(BLOCK_SOURCES.get(exc.longest, ("one_pager",))), str(exc), "fit.overflow")
            continue
        except TypesetError as exc:
            for problem in exc.problems:
                report.error(where, f"{doc.kind}: {problem}", "render.weasyprint")
            continue
        outputs.append(Output(doc.topic, doc.kind, f"out/{doc.topic}/{doc.stem}", markup, data,
                              len(document.pages), notes))
        if progress:
            progress(outputs[-1], time.perf_counter() - started)
    return outputs


def write_all(root: Path, outputs: list[Output]) -> None:
    """Step 7: every HTML and PDF file, each written atomically."""
    from .finish import write_atomic

    for output in outputs:
        write_atomic(root / f"{output.path}.html", output.html.encode("utf-8"))
        write_atomic(root / f"{output.path}.pdf", output.pdf)


def build(root: Path, report: Report, strict: bool = False, only: list[str] | None = None,
          today: dt.date | None = None, progress=None) -> list[Output]:
    """Check everything, make every document in memory, and write them only if nothing failed."""
    project = gather(root, report, today, only)
    if project is None:
        raise SourceErrors(report)
    docs = render_all(project, report)
    if report.errors:
        raise SourceErrors(report)
    outputs = typeset_all(project, docs, report, progress)
    if report.errors or (strict and report.warnings):
        raise SourceErrors(report)
    write_all(root, outputs)
    return outputs
