"""Personalize, cache: a recipients source as read, kept in out/.cache/ while its files and the tool stay.

Reading the congress-legislators folder (1.4 MB of YAML, every node located) takes seconds; a fly-in day reads
it on every run. The cache holds the recipients and committee names read from one source, as JSON, under a
stamp: the tool's version with the hash of its code (a cache is never trusted across versions), how the
source is shown in messages, and for every file of the source its size, modification time and sha256. Any
difference and the source is read again. The read's warnings are kept and reported again; a source with errors
is not cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from pipeline.errors import Diagnostic, Report
from pipeline.personalize.csvfile import COMMITTEES_CSV
from pipeline.personalize.people import Recipient

FOLDER = "out/.cache"
FORMAT = 1


def recipients(
    root: Path, path: Path, report: Report, display: str | None = None
) -> tuple[list[Recipient], dict[str, str]]:
    """`recipients.read(path)` and `committee_names(path)` (a source inside the project `root` may not link
    out of it), from the cache when the source and the tool are as they were when it was written; its
    diagnostics go to `report` either way."""
    from pipeline.build.finish import write_atomic
    from pipeline.build.graph import versions
    from pipeline.personalize.recipients import committee_names, read

    stamp = _stamp(path, display or str(path), versions()["position-press"])
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    target = root / FOLDER / f"recipients-{name}.json"
    found = _load(target, stamp)
    if found is not None:
        people, names, diagnostics = found
        report.extend(Report(diagnostics))
        return people, names
    mine = Report()
    people = read(path, mine, display, root=root)
    names = committee_names(path, root)
    report.extend(mine)
    if stamp is not None and not mine.errors:
        body = {
            "stamp": stamp,
            "people": [dataclasses.asdict(r) for r in people],
            "names": names,
            "diagnostics": [dataclasses.astuple(d) for d in mine.items],
        }
        write_atomic(target, json.dumps(body, ensure_ascii=False, sort_keys=True).encode())
    return people, names


def _stamp(path: Path, shown: str, tool: str) -> dict | None:
    """What the cache must match: the tool, the name shown, each file's size, mtime and sha256 (None when the
    source is missing)."""
    if path.is_dir():
        sources = sorted(p for p in path.rglob("*") if p.is_file())
    elif path.is_file():
        sources = [path] + [p for p in [path.parent / COMMITTEES_CSV] if p.is_file()]
    else:
        return None
    listed = []
    for source in sources:
        info = source.stat()
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        listed.append([source.relative_to(path.parent).as_posix(), info.st_size, info.st_mtime_ns, digest])
    return {"format": FORMAT, "tool": tool, "shown": shown, "files": listed}


def _load(target: Path, stamp: dict | None):
    """(recipients, committee names, diagnostics) from a cache file with this stamp, else None."""
    if stamp is None:
        return None
    try:
        body = json.loads(target.read_bytes())
        if body["stamp"] != stamp:
            return None
        people = [_recipient(fields) for fields in body["people"]]
        return people, dict(body["names"]), [Diagnostic(*d) for d in body["diagnostics"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _recipient(fields: dict) -> Recipient:
    fields["committees"] = tuple(fields["committees"])
    fields["extra"] = tuple(tuple(pair) for pair in fields["extra"])
    return Recipient(**fields)
