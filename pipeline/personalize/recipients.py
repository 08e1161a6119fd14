"""Recipients: read from a CSV file or a congress-legislators folder, and narrowed by filters and shards."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import PressError, Report, UsageError, did_you_mean, one_of
from pipeline.personalize import csvfile
from pipeline.personalize.people import CHAMBERS, STATES, Recipient
from pipeline.sources import files


def read(path: Path, report: Report, display: str | None = None, root: Path | None = None) -> list[Recipient]:
    """The recipients in a .csv file or a congress-legislators folder; every problem goes to `report`,
    and a row or entry with an error is left out while the others are returned. `display` is the
    path as shown in messages (default: `path` itself). A recipients source inside the project `root` is one
    of its sources: no link in it may lead out of the project."""
    shown = display or str(path)
    if root is not None and _leaves(path, root, report):
        return []
    if not path.exists():
        report.error((shown, 0, 0), "no such file or folder", "file.read")
        return []
    if path.is_dir():
        from pipeline.personalize import congress

        if not (path / congress.LEGISLATORS).is_file():
            report.error(
                (shown, 0, 0),
                f"a recipients folder needs {congress.LEGISLATORS} (the congress-legislators format)",
                "recipients.source",
            )
            return []
        return congress.read(path, shown, report)
    if path.suffix.lower() != ".csv":
        report.error(
            (shown, 0, 0),
            "recipients come from a .csv file or a congress-legislators folder",
            "recipients.source",
        )
        return []
    return csvfile.read(path, shown, report)


def _leaves(path: Path, root: Path, report: Report) -> bool:
    """Whether a recipients source inside the project has a link out of it (each reported). A source named
    outside the project (../shared/..., however its folders are linked) is the user's choice, not a source."""
    if not Path(os.path.abspath(path)).is_relative_to(os.path.abspath(root)):
        return False
    mine = Report()
    if not files.refused(path, root, mine):
        if path.is_dir():
            files.tree(path, root, mine)
        else:
            files.refused(path.parent / csvfile.COMMITTEES_CSV, root, mine)
    report.extend(mine)
    return bool(mine.errors)


def committee_names(path: Path, root: Path | None = None) -> dict[str, str]:
    """Code -> display name ("HSFA" -> "Foreign Affairs") for a congress folder, or for the committees.csv
    beside a recipients .csv; {} when there is none. Problems in those files are reported by `read`."""
    if root is not None and _leaves(path, root, Report()):
        return {}
    known = _committees(path, str(path), Report())
    return {code: name for code, (name, _) in (known or {}).items()}


def _committees(path: Path, shown: str, report: Report) -> dict[str, tuple[str, str]] | None:
    """Code -> (display name, chamber) of the committees declared for `path`, or None if none are declared."""
    if path.is_dir():
        from pipeline.personalize import congress

        return congress.committees(
            path / congress.COMMITTEES_YAML, f"{shown}/{congress.COMMITTEES_YAML}", report
        )
    return csvfile.committees(path, shown, report)


def _words(values) -> list[str]:
    """Filter values from a command line or a call: a list, or one string, either with commas or spaces."""
    values = [values] if isinstance(values, str) else list(values)
    return [word for value in values for word in re.split(r"[,\s]+", value) if word]


def select(
    recipients: Iterable[Recipient],
    report: Report,
    *,
    chamber: str | None = None,
    states: Iterable[str] | None = None,
    committees: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
    known_committees: Iterable[str] = (),
) -> list[Recipient]:
    """The recipients that pass every filter given (in their input order): in `chamber` ("senate" or
    "house"), from any of `states`, on any of `committees` (codes; `known_committees` adds codes that are
    valid though nobody here is on them), or among `ids`. An unknown value is an error in `report`, with
    the close matches, and then nothing is selected."""
    recipients, problems = list(recipients), Report()
    chamber = chamber.strip().lower() if chamber is not None else None
    if chamber is not None and chamber not in CHAMBERS:
        problems.error(
            ("--chamber", 0, 0), f"unknown chamber '{chamber}'; use {one_of(CHAMBERS)}", "recipients.filter"
        )
    wanted = {}
    for option, values, valid, fold in (
        ("state", states, STATES, str.upper),
        (
            "committee",
            committees,
            {c for r in recipients for c in r.committees} | set(known_committees),
            str.upper,
        ),
        ("id", ids, {r.id for r in recipients}, str),
    ):
        if values is None:
            continue
        wanted[option] = {fold(word) for word in _words(values)}
        for word in sorted(wanted[option] - set(valid)):
            problems.error(
                (f"--{option}", 0, 0),
                f"unknown {option} '{word}'{did_you_mean(word, valid, 3)}",
                "recipients.filter",
            )
    report.extend(problems)
    if problems.errors:
        return []
    return [
        r
        for r in recipients
        if (chamber is None or r.chamber == chamber)
        and ("state" not in wanted or r.state in wanted["state"])
        and ("committee" not in wanted or wanted["committee"].intersection(r.committees))
        and ("id" not in wanted or r.id in wanted["id"])
    ]


def shard(recipients: Iterable[Recipient], k: int, n: int) -> list[Recipient]:
    """Shard k of n (1 <= k <= n) for `--shard K/N`: the ids sorted and cut into n runs whose sizes differ
    by at most one; every recipient is in exactly one shard. The shard keeps the input order."""
    if not 1 <= k <= n:
        raise UsageError(f"--shard {k}/{n}: K must be between 1 and N")
    recipients = list(recipients)
    ids = sorted(r.id for r in recipients)
    size, more = divmod(len(ids), n)
    start = (k - 1) * size + min(k - 1, more)
    mine = set(ids[start : start + size + (k <= more)])
    return [r for r in recipients if r.id in mine]


@dataclass(frozen=True)
class Filters:
    """What narrows a recipients source: the command line's --chamber, --state, --committee and --id."""

    chamber: str | None = None
    states: str | None = None  # "WA,OR"
    committees: str | None = None  # "HSFA,SSFR"
    ids: str | None = None


@dataclass
class Selection:
    """The offices of a run: the whole selection in walking order, this shard of it, and committee names."""

    everyone: list[Recipient]
    mine: list[Recipient]
    names: dict[str, str] = field(default_factory=dict)  # committee code -> display name

    @property
    def order(self) -> dict[str, int]:
        """Each office's place (1-based) in the whole selection's walking order."""
        return {r.id: i for i, r in enumerate(self.everyone, 1)}


def choose(
    path: Path,
    filters: Filters,
    report: Report,
    shards: tuple[int, int] | None = None,
    root: Path | None = None,
    source: tuple[list[Recipient], dict[str, str]] | None = None,
) -> Selection:
    """Read a recipients source, narrow it, put it in walking order and keep one shard: what `press
    personalize` (and a fly-in) runs on. Problems go to `report`; PressError when nobody is selected. A
    source inside the project `root` may not link out of it; `source` is the source as read already (what
    personalize.cache keeps)."""
    from pipeline.personalize.walk import walking_order

    people, names = source or (read(path, report, root=root), committee_names(path, root))
    chosen = select(
        people,
        report,
        chamber=filters.chamber,
        states=filters.states,
        committees=filters.committees,
        ids=filters.ids,
        known_committees=names,
    )
    if not chosen:
        raise PressError("no recipients are selected; nothing was made")
    ordered = walking_order(chosen, report)
    return Selection(ordered, shard(ordered, *shards) if shards else ordered, names)
