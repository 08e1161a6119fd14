"""The walking order: Capitol Hill offices placed by building, floor and room, for a day of visits."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.errors import Report
from pipeline.personalize.people import Recipient

# The walking route: the House office buildings west to east, the Capitol, the Senate ones west to east.
BUILDINGS = ("Rayburn", "Longworth", "Cannon", "Capitol", "Russell", "Dirksen", "Hart")


BUILDING_WORDS = {
    "RAYBURN": "Rayburn",
    "RHOB": "Rayburn",
    "LONGWORTH": "Longworth",
    "LHOB": "Longworth",
    "CANNON": "Cannon",
    "CHOB": "Cannon",
    "CAPITOL": "Capitol",
    "RUSSELL": "Russell",
    "DIRKSEN": "Dirksen",
    "HART": "Hart",
}


PREFIXES = {
    "SR": "Russell",
    "SD": "Dirksen",
    "SH": "Hart",
    "H": "Capitol",
    "S": "Capitol",
    "HB": "Capitol",
    "SB": "Capitol",
    "HVC": "Capitol",
    "SVC": "Capitol",
    "CVC": "Capitol",
}


OFFICE = re.compile(
    r"(?:(?P<prefix>HVC|SVC|CVC|SR|SD|SH|HB|SB|H|S)-?)?(?P<level>[BG])?-?(?P<number>\d+)"
    r"(?P<suffix>[A-Z]?)\b\s*(?P<rest>.*)"
)


def parse_office(office: str) -> tuple[str, int, str] | None:
    """(building, floor, room) of a Capitol Hill office, or None: "2468 Rayburn House Office Building" ->
    ("Rayburn", 4, "2468") (Longworth and Rayburn rooms have four digits, the second is the floor),
    "511 Hart Senate Office Building" and "SH-511" -> ("Hart", 5, "511"), "SD-G12" -> ("Dirksen", 0, "G12"),
    "H-232 The Capitol" -> ("Capitol", 2, "H-232"); a basement (B-, HB-, the visitor centre) is floor -1."""
    found = OFFICE.fullmatch(office.strip().upper())
    if not found:
        return None
    prefix, level, number, suffix, rest = found.group("prefix", "level", "number", "suffix", "rest")
    words = re.findall(r"[A-Z]+", rest)
    building = PREFIXES.get(prefix) or next((BUILDING_WORDS[w] for w in words if w in BUILDING_WORDS), None)
    if building is None:
        return None
    if level == "B" or prefix in ("HB", "SB", "HVC", "SVC", "CVC"):
        floor = -1
    elif level == "G":
        floor = 0
    elif building in ("Rayburn", "Longworth") and len(number) == 4:
        floor = int(number[1])
    else:
        floor = int(number) // 100
    room = (f"{prefix}-" if building == "Capitol" and prefix else "") + (level or "") + number + suffix
    return building, floor, room


def walking_key(r: Recipient) -> tuple:
    """A sort key for walking the halls: building (in BUILDINGS order), floor, room, then id.
    Raises ValueError, with a message naming the recipient, when the office is missing or cannot be placed."""
    if not r.office:
        raise ValueError(f"{r.name} ({r.id}) has no office address; the walking order needs one")
    place = parse_office(r.office)
    if place is None:
        raise ValueError(
            f"cannot place the office '{r.office}' of {r.name} ({r.id}) in the walking order; "
            "write it like '2468 Rayburn House Office Building' or 'SH-511'"
        )
    building, floor, room = place
    number = int(re.search(r"\d+", room).group())
    return (BUILDINGS.index(building), floor, number, room, r.id)


def walking_order(recipients: Iterable[Recipient], report: Report) -> list[Recipient]:
    """The recipients sorted by `walking_key`; those whose office cannot be placed are reported
    (located at their row) and come last, in their input order."""
    placed, unplaced = [], []
    for r in recipients:
        try:
            placed.append((walking_key(r), r))
        except ValueError as exc:
            report.error(r.at(), str(exc), "recipients.office")
            unplaced.append(r)
    return [r for _, r in sorted(placed, key=lambda pair: pair[0])] + unplaced
