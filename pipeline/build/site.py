"""Step 8, site: out/site/ brought up to date after the documents, making and writing only what changed.

A topic's pages are made again only when their inputs changed, and a file is written only when its bytes did.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipeline import KINDS
from pipeline.build import graph
from pipeline.build.finish import write_atomic
from pipeline.errors import Report
from pipeline.site.links import ASSETS, INDEX, SITE, twin_path
from pipeline.sources.files import listing, locate, read_bytes

MANIFEST = "out/.press/site.json"
FORMAT = 1


def _load(root: Path) -> dict:
    """The last site step's manifest: per topic its key, index row, pages, assets and PDFs; every file."""
    try:
        data = json.loads((root / MANIFEST).read_bytes())
        if data.get("format") == FORMAT and isinstance(data.get("topics"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"format": FORMAT, "topics": {}, "files": {}}


def fresh(root: Path) -> bool:
    """Whether the site is there, every file as the last site step wrote it."""
    files = _load(root)["files"]
    return bool(files) and all(graph.intact(root, f"{SITE}/{path}", sha) for path, sha in files.items())


def _key(project, topic, source, files: dict, tools: dict, date, pdfs: dict) -> str:
    """What a topic's two pages depend on: its sources and layout chain (every file of it), the tools, and the
    pages of its PDFs that they link to."""
    chain = project.layouts[topic.layout].chain
    return graph.key(
        dict(
            kind="site",
            tools=tools,
            date=date.isoformat() if date else None,
            shared=graph.shared_sources(files),
            topic=files.get(source.path),
            references={k: project.library.items[k] for k in sorted(project.cites.get(topic.id, ()))},
            layout={p: h for p, h in files.items() if p.startswith("layouts/") and p.split("/")[1] in chain},
            pdfs=pdfs,
        )
    )


def _pdfs(root: Path, outputs: dict, topic: str) -> dict[str, int]:
    """The pages of each of a topic's PDFs that is in out/ as the build recorded it."""
    found = {}
    for kind in KINDS:
        entry = outputs.get(f"out/{topic}/{topic}-{kind}")
        if entry and graph.intact(root, f"out/{topic}/{topic}-{kind}.pdf", entry["sha256"]):
            found[kind] = entry["pages"]
    return found


def publish(
    project, files: dict, tools: dict, date, today, outputs: dict, report: Report, **workers
) -> list[str]:
    """Make the pages of the gathered topics whose inputs changed (in worker processes: `workers` are
    workers.run's jobs, timeout and memory_mb) and the index, and copy the assets they use; files of
    the site that nothing uses any more are removed. The files written, from the root."""
    import jinja2

    from pipeline.site.index import index
    from pipeline.site.twin import row
    from pipeline.sources.layouts import template_error

    root, old = project.root, _load(project.root)
    existing = {p.stem for p in listing(root / "sources" / "topics", "*.yaml", root, Report())}
    entries = {name: entry for name, entry in old["topics"].items() if name in existing}
    pages: dict[str, bytes] = {}
    todo: dict[str, tuple[str, dict]] = {}  # topic -> (key, pdfs)
    for topic, source in project.topics:
        pdfs = _pdfs(root, outputs, topic.id)
        key, entry = _key(project, topic, source, files, tools, date, pdfs), entries.get(topic.id)
        if not (
            entry
            and entry["key"] == key
            and all(graph.intact(root, f"{SITE}/{path}", sha) for path, sha in entry["pages"].items())
        ):
            todo[topic.id] = (key, pdfs)
    rendered = _render(project, todo, date, report, workers)
    for topic, _ in project.topics:
        made = [rendered[(topic.id, kind)] for kind in KINDS if (topic.id, kind) in rendered]
        if topic.id not in todo or len(made) != len(KINDS):
            continue
        key, pdfs = todo[topic.id]
        pages.update({page.path: page.html.encode() for page in made})
        entries[topic.id] = dict(
            key=key,
            row=row(topic, project.org),
            pages={page.path: graph.digest(page.html.encode()) for page in made},
            assets=sorted({path for page in made for path in page.assets}),
            pdfs=pdfs,
        )
    names = sorted(entries)
    try:
        rows, pdfs = [entries[n]["row"] for n in names], {n: entries[n]["pdfs"] for n in names}
        front = index(project, rows, pdfs, today, report)
        pages[INDEX] = front.html.encode()
        front_assets = front.assets
    except jinja2.TemplateError as exc:
        template_error(exc, root, report)
        front_assets = []
    wanted = _wanted(root, entries, front_assets, pages, old["files"], report)
    written = _write(root, wanted, old["files"])
    manifest = {"format": FORMAT, "topics": entries, "files": {p: graph.digest(d) for p, d in wanted.items()}}
    write_atomic(root / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return written


def _render(project, todo: dict, date, report: Report, workers: dict) -> dict:
    """The twins of the topics in `todo`, each page in a worker process (forked: it has the project): (topic,
    kind) -> Page; a template error or a failed worker is reported and leaves that page out."""
    from dataclasses import astuple

    import jinja2

    from pipeline.build.workers import Failure, run
    from pipeline.site.twin import twin
    from pipeline.sources.layouts import template_error

    topics = {topic.id: (topic, source) for topic, source in project.topics}
    made = {}

    def work(task):
        name, kind = task
        mine = Report()
        try:
            page = twin(project, topics[name][0], kind, todo[name][1], date, mine)
        except jinja2.TemplateError as exc:
            template_error(exc, project.root, mine)
            page = None
        return page, mine.items

    def done(task, result) -> None:
        name, kind = task
        if isinstance(result, Failure):
            where = (topics[name][1].path, 0, 0)
            report.error(where, f"{SITE}/{twin_path(name, kind)}: {result.message}", "build.worker")
            return
        page, items = result
        for item in items:
            report.add(*astuple(item))
        if page is not None:
            made[task] = page

    tasks = [(name, kind) for name in todo for kind in KINDS]
    if tasks:
        run(tasks, work, done, **workers)
    return made


def _wanted(root: Path, entries: dict, front_assets: list, pages: dict, before: dict, report: Report) -> dict:
    """Every file the site holds now, by path relative to it, with its bytes (a page kept from the last step,
    which is intact, is read back)."""
    wanted: dict[str, bytes] = {}
    for _, entry in sorted(entries.items()):
        for path in entry["pages"]:
            if path in pages or (root / SITE / path).is_file():
                wanted[path] = pages[path] if path in pages else (root / SITE / path).read_bytes()
    if INDEX in pages:
        wanted[INDEX] = pages[INDEX]
    elif INDEX in before and (root / SITE / INDEX).is_file():
        wanted[INDEX] = (root / SITE / INDEX).read_bytes()
    used = sorted({path for entry in entries.values() for path in entry["assets"]} | set(front_assets))
    for path in used:
        data = read_bytes(locate(root, path), path, report, root)
        if data is not None:
            wanted[f"{ASSETS}/{path}"] = data
    return dict(sorted(wanted.items()))


def _write(root: Path, wanted: dict[str, bytes], before: dict[str, str]) -> list[str]:
    """Write each file whose bytes differ from what is there, atomically; remove the site's files that are no
    longer wanted (only files the site step wrote)."""
    written = []
    for path, data in wanted.items():
        if not graph.intact(root, f"{SITE}/{path}", graph.digest(data)):
            write_atomic(root / SITE / path, data, sync=False)
            written.append(f"{SITE}/{path}")
    for path in sorted(set(before) - set(wanted)):
        (root / SITE / path).unlink(missing_ok=True)
    if written:
        os.sync()
    return written
