"""Fly-in, checks: what is wrong with the day as a whole (clashes, double bookings, walks, hours, repeats)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable

from pipeline.errors import Report
from pipeline.flyin.schedule import Meeting, clock
from pipeline.flyin.walking import Walking, building

EARLIEST, LATEST = 9 * 60, 18 * 60  # office hours: a meeting outside them is a warning


def check(
    meetings: list[Meeting], offices: dict[str, str], walking: Walking, report: Report
) -> list[Meeting]:
    """Every clash of the day reported at its row; the meetings without repeats, in schedule order.
    `offices` maps each recipient id to its office address (for the walks)."""
    kept = _repeats(meetings, report)
    by_team, by_office = defaultdict(list), defaultdict(list)
    for m in kept:
        by_team[(m.date, m.slug)].append(m)
        by_office[(m.date, m.recipient)].append(m)
    for day in by_team.values():
        day.sort(key=lambda m: (m.start, m.line))
        _overlaps(day, report, _team_clash)
        _walks(day, offices, walking, report)
    for day in by_office.values():
        day.sort(key=lambda m: (m.start, m.line))
        _overlaps(day, report, _office_clash)
    for m in kept:
        if m.start < EARLIEST or m.end > LATEST:
            report.warning(
                m.at("start"),
                f"the meeting runs {clock(m.start)}-{clock(m.end)}, outside office hours "
                f"({clock(EARLIEST)}-{clock(LATEST)}); check that the office expects you",
                "flyin.hours",
            )
    return kept


def _repeats(meetings: list[Meeting], report: Report) -> list[Meeting]:
    seen: dict[tuple, Meeting] = {}
    kept = []
    for m in meetings:
        key = (m.date, m.slug, m.start, m.recipient)
        if key in seen:
            report.error(
                m.at(""),
                f"this row repeats line {seen[key].line} (the same team, office, date and time); "
                "delete one of them",
                "flyin.duplicate",
            )
            continue
        seen[key] = m
        kept.append(m)
    return kept


def _overlaps(day: list[Meeting], report: Report, clash: Callable) -> None:
    """Report each meeting that starts before an earlier one (in `day`, sorted by start) has ended."""
    for i, later in enumerate(day):
        for earlier in day[:i]:
            if later.start < earlier.end:
                clash(earlier, later, report)


def _team_clash(earlier: Meeting, later: Meeting, report: Report) -> None:
    report.error(
        later.at("start"),
        f"team '{later.team}' has two meetings at once: this one ({_span(later)}, {later.recipient}) "
        f"overlaps line {earlier.line} ({_span(earlier)}, {earlier.recipient})",
        "flyin.overlap",
    )


def _office_clash(earlier: Meeting, later: Meeting, report: Report) -> None:
    if earlier.slug == later.slug:
        return  # the team's own overlap, reported once as such
    report.error(
        later.at("recipient"),
        f"office '{later.recipient}' is booked twice at once: team '{later.team}' ({_span(later)}) and "
        f"team '{earlier.team}' on line {earlier.line} ({_span(earlier)})",
        "flyin.double-booked",
    )


def _walks(day: list[Meeting], offices: dict[str, str], walking: Walking, report: Report) -> None:
    for before, after in itertools.pairwise(day):
        gap = after.start - before.end
        if gap < 0:
            continue  # an overlap, reported as such
        a, b = building(offices.get(before.recipient, "")), building(offices.get(after.recipient, ""))
        need = walking.between(a, b)
        if need is not None and gap < need:
            route = f"within {a}" if a == b else f"from {a} to {b}"
            report.warning(
                after.at("start"),
                f"team '{after.team}' has {gap} minutes to walk {route} (line {before.line} ends "
                f"{clock(before.end)}, this one starts {clock(after.start)}); the walk takes about {need} "
                "minutes",
                "flyin.walk",
            )


def _span(m: Meeting) -> str:
    return f"{clock(m.start)}-{clock(m.end)}"
