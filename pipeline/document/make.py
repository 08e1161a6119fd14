"""The one-document pipeline: render, typeset, fit and check one topic's briefing or one-pager."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import astuple, dataclass, field

from pipeline import KINDS
from pipeline.document.page import FitSettings, height_ratio, variant_suffix
from pipeline.errors import Report

# Which source field a one-pager block's words come from, for fit messages.
BLOCK_SOURCES = {
    "ask": ("asks",),
    "bill": ("asks",),
    "facts": ("key_facts",),
    "points": ("one_pager", "points"),
    "qa": ("questions",),
    "masthead": ("title",),
}


@dataclass(frozen=True)
class Fitting:
    """How a one-pager was fitted to its page: for progress lines, the preview's fit meter and personalize."""

    settings: FitSettings  # the body size and spacing it was set at
    renders: int  # WeasyPrint layouts it took, measuring and pinning included
    dropped: tuple[str, ...] = ()  # optional blocks left out
    spare_mm: float = 0.0  # room left between the last block and the foot of the page
    words_per_mm: float = 0.0  # how densely its running text is set (fit.density)
    used_mm: float = 0.0  # from the top of the first block to the end of the last (used + spare: the page)
    floor_room_mm: float | None = None  # room left at the layout's floor, when the fit had to measure it
    floor_words_per_mm: float = 0.0  # how densely its running text is set at the floor
    band: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)  # band boxes (CSS px)


@dataclass
class Output:
    """One finished document as a worker returns it, before it is written."""

    topic: str
    kind: str
    path: str  # relative to the project root, without suffix
    html: str
    pdf: bytes
    pages: int
    fitting: Fitting | None = None  # one-pagers only
    seconds: float = 0.0
    warnings: list = field(default_factory=list)  # this document's own warnings, as Diagnostic fields
    audit_seconds: float = 0.0  # of `seconds`, the time `press audit`'s checks took on the finished PDF


def published(path: str) -> str:
    """Where an output is published: a release's staged files are shown at their place in out/release/."""
    return path.replace("out/.press/release/", "out/release/", 1)


def audit(data: bytes, path: str, report: Report) -> float:
    """Run `press audit`'s checks on a finished PDF (`path` without its suffix): each finding a warning at the
    PDF, with its page (`out/x/x.pdf: page 3: warning: ... [ua.19-001]`). The seconds it took."""
    from pipeline.pdf.audit import audit_bytes

    started = time.perf_counter()
    shown = f"{published(path)}.pdf"
    for finding in audit_bytes(data, shown):
        report.warning((shown, 0, 0), finding.message, finding.code, finding.page)
    return time.perf_counter() - started


def render_all(project, report: Report, date: dt.date | None = None) -> list:
    """Step 5 for every topic and kind, without typesetting (what `press check` runs)."""
    import jinja2

    from pipeline.document.render import render
    from pipeline.sources.layouts import template_error

    docs = []
    for topic, source in project.topics:
        for kind in KINDS:
            try:
                docs.append(
                    (
                        render(
                            kind,
                            topic,
                            project.org,
                            project.layouts[topic.layout],
                            project.library,
                            project.style,
                            date,
                        ),
                        topic,
                        source,
                    )
                )
            except jinja2.TemplateError as exc:
                template_error(exc, project.root, report)
    return docs


def on_paper(project, page_size: str):
    """The project as if its organization's paper were `page_size` (the same project when it is)."""
    org = project.org
    if org.defaults.page_size == page_size:
        return project
    defaults = org.defaults.model_copy(update={"page_size": page_size})
    return dataclasses.replace(project, org=org.model_copy(update={"defaults": defaults}))


def make_document(
    project,
    topic,
    source,
    kind: str,
    date: dt.date | None,
    report: Report,
    folder: str = "out",
    band: dict | None = None,
    paper: str | None = None,
):
    """Steps 5-6 for one document: render, typeset, fit and check it, and audit the PDF (its findings are the
    document's warnings). (Output, WeasyPrint document) or (None, None). `band` fills a one-pager's
    personalization band (see render); the band's box positions are kept in its notes. `paper` sets it on
    another paper than the organization's (named <stem>.<paper>.pdf); a one-pager on taller paper may grow
    past its layout's largest size."""
    default = project.org.defaults.page_size
    paper = paper or default
    project = on_paper(project, paper)
    import jinja2

    from pipeline.document import typography
    from pipeline.document.fit import PX_PER_MM, FitError, fit
    from pipeline.document.render import render
    from pipeline.document.trace import report_problems
    from pipeline.document.typeset import (
        TypesetError,
        clipped,
        layout_html,
        missing_targets,
        overfull_lines,
        write_pdf,
    )
    from pipeline.sources.layouts import template_error

    started = time.perf_counter()
    layout, where, mine = project.layouts[topic.layout], source.where(), Report()
    try:
        doc = render(kind, topic, project.org, layout, project.library, project.style, date, band=band)
        fitting = None
        if kind == "one-pager":
            fitted = fit(
                doc,
                project.root,
                lambda drop: render(
                    "one-pager",
                    topic,
                    project.org,
                    layout,
                    project.library,
                    project.style,
                    date,
                    drop,
                    band=band,
                ),
                height_ratio(paper, default),
            )
            document, markup = fitted.document, fitted.html
            band_boxes = {k: v for k, v in document.pages[0].anchors.items() if k.startswith("band-")}
            fitting = Fitting(
                fitted.settings,
                fitted.renders,
                tuple(fitted.dropped),
                fitted.spare / PX_PER_MM,
                band=band_boxes,
                words_per_mm=fitted.density * PX_PER_MM,
                used_mm=fitted.used / PX_PER_MM,
                floor_room_mm=None if fitted.floor_room is None else fitted.floor_room / PX_PER_MM,
                floor_words_per_mm=fitted.floor_density * PX_PER_MM,
            )
            for name in fitted.dropped:
                mine.warning(
                    where, f"one-pager: left out optional block '{name}' to fit the page", "fit.dropped"
                )
        else:
            markup = doc.html
            document = layout_html(markup, project.root, doc.stem, doc.topic)
            for problem in missing_targets(document):
                mine.error(where, f"{kind}: {problem}", "render.link")
        for problem in overfull_lines(document):
            mine.warning(where, f"{kind}: {problem}", "typeset.overfull")
        for number, page in enumerate(document.pages, 1):
            for problem in clipped(page):
                mine.error(where, f"{kind}: page {number}: {problem}", "render.clipped")
        findings, _ = typography.check(document, kind)
        typography.report_findings(findings, source, project.library, mine)
        data = write_pdf(document, layout)
    except jinja2.TemplateError as exc:
        template_error(exc, project.root, mine)
    except FitError as exc:
        mine.error(source.where(BLOCK_SOURCES.get(exc.longest, ("one_pager",))), str(exc), "fit.overflow")
    except TypesetError as exc:
        report_problems(exc.problems, project, source, layout, kind, mine)
    if mine.errors:
        report.extend(mine)
        return None, None
    path = f"{folder}/{topic.id}/{doc.stem}{variant_suffix(paper, default)}"
    audited = audit(data, path, mine)
    report.extend(mine)
    output = Output(
        topic.id,
        kind,
        path,
        markup,
        data,
        len(document.pages),
        fitting,
        time.perf_counter() - started,
        warnings=[astuple(d) for d in mine.warnings],
        audit_seconds=audited,
    )
    return output, document


def make_print(project, output: Output, paper: str, report: Report) -> Output | None:
    """Step 6c for one made document: its print-shop variant (bleed, crop marks, PDF/X-4), laid out from the
    same HTML, named <stem>[.<paper>].print.pdf; None (reported) when WeasyPrint cannot make it."""
    from pipeline.document.prepress import print_pdf
    from pipeline.document.trace import report_problems
    from pipeline.document.typeset import TypesetError

    started = time.perf_counter()
    topic, source = next((t, s) for t, s in project.topics if t.id == output.topic)
    layout, stem = project.layouts[topic.layout], f"{topic.id}-{output.kind}"
    mine = Report()
    try:
        data = print_pdf(output.html, project.root, stem, topic.id, layout, paper)
    except TypesetError as exc:
        report_problems(exc.problems, project, source, layout, output.kind, mine)
    report.extend(mine)
    if mine.errors:
        return None
    return dataclasses.replace(
        output,
        path=output.path + ".print",
        html="",
        pdf=data,
        fitting=None,
        seconds=time.perf_counter() - started,
        warnings=[],
    )
