"""Fly-in, schedule: the schedule CSV read into meetings, every cell located, every row checked alone."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Report, did_you_mean
from pipeline.personalize.csvfile import Row, table

REQUIRED = ("date", "start", "team", "recipient", "topics")
COLUMNS = REQUIRED + ("duration", "staffer", "attendees", "notes")
DURATION = 30  # minutes, when the duration cell is empty
SLUG_MAX = 48


@dataclass(frozen=True, eq=False)
class Meeting:
    """One row of the schedule: a team meets an office about some topics."""

    line: int
    date: dt.date
    start: int  # minutes after midnight
    duration: int
    team: str  # as written
    slug: str  # the team's folder name
    recipient: str  # a recipient id
    topics: tuple[str, ...]
    staffer: str = ""
    attendees: str = ""
    notes: str = ""
    cells: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # column -> (path, line, col)

    @property
    def end(self) -> int:
        return self.start + self.duration

    def at(self, column: str = "") -> tuple[str, int, int]:
        """Where a cell is, for messages (the row's start without a known column)."""
        return self.cells.get(column) or next(iter(self.cells.values()))

    def key(self) -> tuple:
        """What the meeting is, for content hashes: every cell that reaches a page or a file."""
        return (
            self.date.isoformat(), self.start, self.duration, self.team, self.recipient, self.topics,
            self.staffer, self.attendees, self.notes,
        )  # fmt: skip


def clock(minutes: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slug(team: str) -> str:
    """A team's folder name: its name without accents, lower case, runs of other characters as one '-'
    ("Team Alep (Senate)" -> "team-alep-senate"); '' when nothing is left."""
    plain = unicodedata.normalize("NFKD", team).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:SLUG_MAX].strip("-")


def read(path: Path, shown: str, recipients: set[str], topics: set[str], report: Report) -> list[Meeting]:
    """The meetings of a schedule CSV. Every problem goes to `report` at its cell; a row with an error is left
    out (the caller makes nothing when there are errors)."""
    meetings, teams = [], {}
    for row in table(path, shown, report, REQUIRED, COLUMNS, code="flyin"):
        meeting = _meeting(row, recipients, topics, report)
        if meeting is None:
            continue
        first = teams.setdefault(meeting.slug, meeting)
        if first.team != meeting.team:
            report.error(
                meeting.at("team"),
                f"team '{meeting.team}' and team '{first.team}' (line {first.line}) would share the folder "
                f"'{meeting.slug}'; give them names that differ in letters or digits",
                "flyin.team",
            )
            continue
        meetings.append(meeting)
    return meetings


def _meeting(row: Row, recipients: set[str], topics: set[str], report: Report) -> Meeting | None:
    """One row as a Meeting, or None with its problems reported."""
    mine = Report()
    for name in REQUIRED:
        if not row.get(name):
            mine.error(row.at(name), f"'{name}' is required but empty", "flyin.empty")
    date = _date(row, mine)
    start = _time(row, mine)
    duration = _duration(row, mine)
    team = " ".join(row.get("team").split())
    if team and not slug(team):
        mine.error(
            row.at("team"),
            f"team '{team}' makes no folder name: use some letters or digits (A-Z, 0-9) in it",
            "flyin.team",
        )
    recipient = row.get("recipient")
    if recipient and recipient not in recipients:
        mine.error(
            row.at("recipient"),
            f"unknown recipient '{recipient}'{did_you_mean(recipient, recipients, 3)}; "
            "use an id from the recipients source",
            "flyin.recipient",
        )
    wanted = tuple(dict.fromkeys(w for w in re.split(r"[\s;,]+", row.get("topics")) if w))
    for word in wanted:
        if word not in topics:
            mine.error(
                row.at("topics", word),
                f"unknown topic '{word}'{did_you_mean(word, topics, 3)}; known topics: "
                f"{', '.join(sorted(topics))}",
                "flyin.topic",
            )
    report.extend(mine)
    if mine.errors:
        return None
    cells = {name: row.at(name) for name in COLUMNS}
    cells[""] = row.at()
    return Meeting(
        row.line, date, start, duration, team, slug(team), recipient, wanted,
        *(" ".join(row.get(n).split()) for n in ("staffer", "attendees", "notes")), cells=cells,
    )  # fmt: skip


def _date(row: Row, report: Report) -> dt.date | None:
    text = row.get("date")
    if not text:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        report.error(
            row.at("date"), f"'{text}' is not a date: write YYYY-MM-DD, like 2025-03-04", "flyin.date"
        )
        return None


def _time(row: Row, report: Report) -> int | None:
    text = row.get("start")
    if not text:
        return None
    found = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        report.error(
            row.at("start"),
            f"'{text}' is not a time: write HH:MM on the 24-hour clock, like 09:30 or 14:00",
            "flyin.time",
        )
        return None
    return int(found.group(1)) * 60 + int(found.group(2))


def _duration(row: Row, report: Report) -> int:
    text = row.get("duration")
    if not text:
        return DURATION
    if not text.isdigit() or not 5 <= int(text) <= 240:
        report.error(
            row.at("duration"),
            f"'{text}' is not a duration: write whole minutes from 5 to 240, like 30",
            "flyin.duration",
        )
        return DURATION
    return int(text)
