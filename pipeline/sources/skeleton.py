"""Skeletons: a new topic, layout or project written from pipeline/skeletons/, never over an existing file."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path

from pipeline.errors import Report
from pipeline.sources.layouts import discover, unknown_layout, unknown_parent
from pipeline.sources.model import slug_problem

SKELETONS = Path(__file__).resolve().parent.parent / "skeletons"
REVIEW = dt.timedelta(days=183)  # a new position is due for review in about six months


def fill(text: str, values: dict[str, str]) -> str:
    """A skeleton's text with each {{name}} replaced by its value."""
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m[1]], text)


def dates(today: dt.date) -> dict[str, str]:
    """as_of (today) and review_by (about six months later), as a new topic gets them."""
    return {"as_of": today.isoformat(), "review_by": (today + REVIEW).isoformat()}


def new_topic(root: Path, topic: str, layout: str, report: Report, today: dt.date | None = None) -> list[str]:
    """Write sources/topics/<topic>.yaml, a draft that uses `layout`; the paths written (none on errors)."""
    shown = f"sources/topics/{topic}.yaml"
    problem = slug_problem(topic)
    if problem:
        report.error((shown, 0, 0), f"id: {problem}", "schema.slug")
    specs = discover(root, Report())
    if layout not in specs:
        report.error(("--layout", 0, 0), unknown_layout(layout, specs), "layout.unknown")
    if not problem and _taken(root / shown):
        report.error(
            (shown, 0, 0),
            "a topic with this id already exists; press new never overwrites a file (choose another id)",
            "new.exists",
        )
    if report.errors:
        return []
    title = " ".join(word.capitalize() for word in topic.split("-"))
    values = dict(dates(today or dt.date.today()), id=topic, title=title, layout=layout)
    _write_new(root / shown, fill((SKELETONS / "topic.yaml").read_text(encoding="utf-8"), values))
    return [shown]


def new_layout(root: Path, name: str, extends: str, report: Report) -> list[str]:
    """Write layouts/<name>/layout.yaml, extending `extends`; the paths written (none on errors)."""
    folder, shown = f"layouts/{name}", f"layouts/{name}/layout.yaml"
    problem = slug_problem(name)
    if problem:
        report.error((folder, 0, 0), f"layout: {problem}", "schema.slug")
    specs = discover(root, Report())
    if extends not in specs:
        report.error(("--extends", 0, 0), unknown_parent(name, extends, specs), "layout.extends")
    if name == "base":
        report.error(
            (folder, 0, 0),
            "the layout 'base' ships with Position Press; to change it, write only what you change: "
            "layouts/base/layout.yaml with the keys to set, or a copy of one of its files",
            "new.exists",
        )
    elif not problem and (_taken(root / folder) or name in specs):
        report.error(
            (folder, 0, 0),
            "a layout with this name already exists; press new never overwrites a file (choose another name)",
            "new.exists",
        )
    if report.errors:
        return []
    values = {"name": name, "extends": extends}
    _write_new(root / shown, fill((SKELETONS / "layout.yaml").read_text(encoding="utf-8"), values))
    return [shown]


def new_project(folder: Path, report: Report, today: dt.date | None = None) -> list[str]:
    """Make `folder` a project of its own (a placeholder organization, a topic, a layout over the shipped
    base, one real reference and the JSON Schemas), all at once; the paths written, relative to it (none on
    errors)."""
    from pipeline.sources import schema

    if _taken(folder):
        what = "this is a file, not a folder" if folder.is_file() else "this folder is not empty"
        report.error(
            (str(folder), 0, 0),
            f"{what}; press new project writes only into a new or empty folder",
            "new.exists",
        )
        return []
    values = dates(today or dt.date.today())
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for path in sorted((SKELETONS / "project").rglob("*")):
            target = staging / path.relative_to(SKELETONS / "project")
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            elif path.suffix in (".yaml", ".md"):
                target.write_text(fill(path.read_text(encoding="utf-8"), values), encoding="utf-8")
            else:
                shutil.copyfile(path, target)
        schema.write(staging / "sources" / "schemas")
        staging.chmod(0o777 & ~_umask())
        os.rename(staging, folder)  # all at once: an empty folder is replaced, nothing is half-written
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _taken(path: Path) -> bool:
    """Whether `path` is there already: a file, a link, or a folder with anything in it."""
    if path.is_symlink() or path.is_file():
        return True
    return path.is_dir() and any(path.iterdir())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet, whole or not at all (a temporary file linked into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.link(temporary, path)  # fails if the file appeared meanwhile: never overwrites
    finally:
        os.unlink(temporary)
