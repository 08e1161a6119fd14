"""Steps 1-4 for every source: load, validate, resolve citations and layouts, check what schemas cannot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Report, did_you_mean
from pipeline.sources.files import listing, tree
from pipeline.sources.layouts import Layout, discover, resolve
from pipeline.sources.load import Source, load_yaml
from pipeline.sources.model import Organization, Topic, check_markdown, check_topic, image_problem, validate
from pipeline.sources.references import (
    Library,
    check_cite,
    check_style,
    check_text,
    load_library,
    style_path,
)


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
    cites: dict[str, set] = field(default_factory=dict)  # topic id -> the reference keys it cites
    base: Layout | None = None  # the base layout, for what belongs to no topic (packet covers)


def gather(
    root: Path, report: Report, today: dt.date | None = None, only: list[str] | None = None
) -> Project | None:
    """Steps 1-4 for every source: load, validate, resolve citations and layouts. None if any error."""
    today = today or dt.date.today()
    for folder in ("sources", "layouts"):  # any file there may be read: none may link out of the project
        tree(root / folder, root, report)
    org, org_source = _organization(root, report)
    library = load_library(root / "sources" / "references", "sources/references", report, root)
    specs = discover(root, report)
    if "base" not in specs:
        report.error(("layouts/base/layout.yaml", 0, 0), "the base layout is missing", "layout.base")
    style = None
    if org is not None:
        _check_org(org, org_source, root, report)
        check_style(
            org.defaults.citation_style,
            root / "sources",
            org_source.where(("defaults", "citation_style")),
            report,
        )
        if not report.errors:
            style = style_path(org.defaults.citation_style, root / "sources")
    topics, layouts, cited, cites = [], {}, set(), {}
    paths = listing(root / "sources" / "topics", "*.yaml", root, report)
    if not paths and not any((root / "sources" / "topics").glob("*.yaml")):
        report.error(("sources/topics", 0, 0), "there are no topics (sources/topics/*.yaml)", "file.missing")
    seen: dict[str, str] = {}
    every_topic_read = True  # a topic that could not be read cites nothing we know of: no "never cited" then
    for path in paths:
        mine = not only or path.stem in only
        # Every topic is checked (a citation or a layout may break another); another topic's errors stop the
        # run, its warnings are not this run's business.
        local = report if mine else Report()
        found = _topic(path, root, org, library, specs, layouts, seen, local, today)
        if not mine:
            report.extend(Report(local.errors))
        if found is None:
            every_topic_read = False
            continue
        topic, source, own = found
        cited |= own
        if mine:
            topics.append((topic, source))
            cites[topic.id] = own
    for key in sorted(set(library.items) - cited) if every_topic_read else ():
        report.warning(library.where[key], f"reference '{key}' is never cited", "citation.unused")
    for name in only or []:  # a file that could not be read as a topic is reported already
        path = root / "sources" / "topics" / f"{name}.yaml"
        if name not in seen and not (path.exists() or path.is_symlink()):
            report.error(("sources/topics", 0, 0), f"no topic has the id '{name}'", "topic.unknown")
    if report.errors:
        return None
    base = layouts.get("base") or resolve("base", specs, root, ("layouts/base/layout.yaml", 0, 0), report)
    return Project(root, org, org_source, topics, library, layouts, style, cites, base)


def _topic(path: Path, root: Path, org, library, specs, layouts: dict, seen: dict, report: Report, today):
    """One topic file loaded, validated and checked (its citations, layout and blocks): (topic, source, the
    keys it cites), or None when it cannot be read as a topic."""
    shown = path.relative_to(root).as_posix()
    source = load_yaml(path, shown, report, root)
    topic = validate(Topic, source, report, "the topic file") if source else None
    if topic is None:
        return None
    if topic.id in seen:
        report.error(
            source.where(("id",)), f"topic id '{topic.id}' is also used by {seen[topic.id]}", "topic.id"
        )
    seen[topic.id] = shown
    language = topic.language or (org.defaults.language if org else "en")
    check_topic(topic, source, root, report, today)
    own: set[str] = set()
    for text_path, text in topic.texts():
        own |= check_text(text, text_path, source, library, report, language)
        if text_path[-1] == "cite":
            check_cite(text, text_path, source, report)
    if topic.layout not in layouts and topic.layout in specs:
        layouts[topic.layout] = resolve(topic.layout, specs, root, source.where(("layout",)), report)
    elif topic.layout not in specs:
        resolve(topic.layout, specs, root, source.where(("layout",)), report)
    if topic.layout in layouts and layouts[topic.layout] is not None:
        _check_blocks(topic, source, layouts[topic.layout], report)
    return topic, source, own


def _check_blocks(topic: Topic, source: Source, layout: Layout, report: Report) -> None:
    """A topic's own block orders may only name blocks its layout has templates for."""
    for kind, key, names in (
        ("briefing", "briefing", topic.briefing.blocks),
        ("one-pager", "one_pager", topic.one_pager.blocks),
    ):
        known = layout.blocks(kind)
        for i, name in enumerate(names or []):
            if name not in known:
                report.error(
                    source.where((key, "blocks", i)),
                    f"{kind} block '{name}' is not in layout '{layout.id}'{did_you_mean(name, known)}; "
                    f"known blocks: {', '.join(known)}",
                    "topic.block",
                )


def _organization(root: Path, report: Report) -> tuple[Organization | None, Source | None]:
    """The organization file, loaded and validated (None and None when it is missing or unreadable)."""
    path = root / "sources" / "organization.yaml"
    if not (path.exists() or path.is_symlink()):
        report.error(("sources/organization.yaml", 0, 0), "the organization file is missing", "file.missing")
        return None, None
    source = load_yaml(path, "sources/organization.yaml", report, root)
    return (validate(Organization, source, report, "the organization file") if source else None), source


def _check_org(org: Organization, source: Source, root: Path, report: Report) -> None:
    problem = image_problem(org.logo.file, root, report)
    if problem:
        report.error(source.where(("logo", "file")), problem, "organization.logo")
    if not org.logo.alt.strip():
        report.error(source.where(("logo", "alt")), "the logo has no alt text", "organization.logo")
    if org.disclaimer:
        check_markdown(org.disclaimer, ("disclaimer",), source, root, report, org.defaults.language)
    papers, page_size = org.defaults.papers, org.defaults.page_size
    if papers is not None and page_size not in papers:
        report.error(
            source.where(("defaults", "papers")),
            f"defaults.papers must include page_size ('{page_size}'): its files keep the plain names",
            "organization.papers",
        )
    for i, paper in enumerate(papers or []):
        if paper in papers[:i]:
            where = source.where(("defaults", "papers", i))
            report.error(where, f"paper '{paper}' is named twice", "organization.papers")
