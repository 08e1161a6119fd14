"""Recipients of personalized one-pagers: read from CSV or congress-legislators YAML, filtered, put in walking order."""
from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from pipeline.errors import Report, UsageError, one_of
from pipeline.sources.load import line_col, read_text

STATES = frozenset(
    "AK AL AR AS AZ CA CO CT DC DE FL GA GU HI IA ID IL IN KS KY LA MA MD ME MI MN MO MP MS MT NC ND NE NH NJ NM "
    "NV NY OH OK OR PA PR RI SC SD TN TX UT VA VI VT WA WI WV WY".split()
)
CHAMBERS = ("house", "senate")
PARTIES = {"democrat": "D", "republican": "R", "independent": "I"}
REQUIRED = ("id", "name", "honorific", "chamber", "state")
COLUMNS = REQUIRED + ("district", "party", "office", "committees", "short")
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", re.ASCII)
COMMITTEES_CSV = "committees.csv"


@dataclass(frozen=True)
class Recipient:
    """One office that gets its own one-pager."""

    id: str  # stable and safe as a file name, e.g. a bioguide id
    name: str  # "María Elvira Salazar"
    honorific: str  # "Senator", "Representative", "Delegate", "Resident Commissioner"
    chamber: str  # "senate" or "house"
    state: str  # two-letter postal code
    district: str = ""  # "" for senators, "AL" at large, else the number as text
    party: str = ""  # one letter: D, R, I
    office: str = ""  # "511 Hart Senate Office Building"
    committees: tuple[str, ...] = ()  # codes such as HSFA, SSFR
    short: str = ""  # a shorter declared form of the name, used when the long one does not fit
    extra: tuple[tuple[str, str], ...] = ()  # free columns a layout may show, in file order
    where: str = ""  # "path:line" of the row, for messages
    path: str = ""  # the file as shown in messages
    line: int = 0  # the row's (or list item's) first line

    def at(self, col: int = 1) -> tuple[str, int, int]:
        """(path, line, col) of this recipient's row, for `Report.error`."""
        return (self.path, self.line, col)


def read(path: Path, report: Report, display: str | None = None) -> list[Recipient]:
    """The recipients in a .csv file or a congress-legislators folder; every problem goes to `report`,
    and a row or entry with an error is left out while the others are returned. `display` is the
    path as shown in messages (default: `path` itself)."""
    shown = display or str(path)
    if not path.exists():
        report.error((shown, 0, 0), "no such file or folder", "file.read")
        return []
    if path.is_dir():
        from pipeline.personalize import congress

        if not (path / congress.LEGISLATORS).is_file():
            report.error((shown, 0, 0), f"a recipients folder needs {congress.LEGISLATORS} (the "
                         "congress-legislators format)", "recipients.source")
            return []
        return congress.read(path, shown, report)
    if path.suffix.lower() != ".csv":
        report.error((shown, 0, 0), "recipients come from a .csv file or a congress-legislators folder",
                     "recipients.source")
        return []
    return _read_csv(path, shown, report)


def committee_names(path: Path) -> dict[str, str]:
    """Code -> display name ("HSFA" -> "Foreign Affairs") for a congress folder, or for the committees.csv
    beside a recipients .csv; {} when there is none. Problems in those files are reported by `read`."""
    known = _committees(path, str(path), Report())
    return {code: name for code, (name, _) in (known or {}).items()}


def _committees(path: Path, shown: str, report: Report) -> dict[str, tuple[str, str]] | None:
    """Code -> (display name, chamber) of the committees declared for `path`, or None if none are declared."""
    if path.is_dir():
        from pipeline.personalize import congress

        return congress.committees(path / congress.COMMITTEES_YAML, f"{shown}/{congress.COMMITTEES_YAML}", report)
    table = path.parent / COMMITTEES_CSV
    if not table.is_file():
        return None
    shown = str(PurePosixPath(shown).parent / COMMITTEES_CSV)
    known: dict[str, tuple[str, str, int]] = {}
    for row in _table(table, shown, report, ("code", "name"), ("code", "name", "chamber")):
        code, chamber = row.get("code").upper(), row.get("chamber").lower()
        if chamber and chamber not in CHAMBERS + ("joint",):
            report.error(row.at("chamber"), f"unknown chamber '{chamber}'; use {one_of(CHAMBERS + ('joint',))}",
                         "recipients.chamber")
        elif not code or not row.get("name"):
            report.error(row.at(), "a committee needs a code and a name", "recipients.empty")
        elif code in known:
            report.error(row.at("code"), f"duplicate committee '{code}' (first on line {known[code][2]})",
                         "recipients.duplicate")
        else:
            known[code] = (row.get("name"), chamber, row.line)
    return {code: (name, chamber) for code, (name, chamber, _) in known.items()}


# --- CSV ------------------------------------------------------------------------------------------

@dataclass
class _Row:
    """One data row of a CSV file, with what is needed to locate any of its cells."""

    shown: str
    line: int
    raw: str
    starts: list[int]
    columns: dict[str, int]
    cells: list[str]

    def get(self, column: str) -> str:
        index = self.columns.get(column)
        return "" if index is None else unicodedata.normalize("NFC", self.cells[index].strip())

    def at(self, column: str | None = None, needle: str = "") -> tuple[str, int, int]:
        """(path, line, col) of a cell, or of `needle` inside it; the row's start without a column."""
        if column not in self.columns or self.columns[column] >= len(self.starts):
            return (self.shown, self.line, 1)
        start = self.starts[self.columns[column]]
        found = self.raw.find(needle, start) if needle else -1
        line, col = line_col(self.raw, found if found >= 0 else start)
        return (self.shown, self.line + line - 1, col)


def _rows(text: str, shown: str, report: Report):
    """(first line, raw text, cells) of every non-blank row; a row with broken quoting is reported and skipped."""
    lines = io.StringIO(text, newline="").readlines()
    start = 0
    while start < len(lines):
        reader, done = csv.reader(lines[start:], strict=True), 0
        try:
            for cells in reader:
                first, done = start + done, reader.line_num
                if any(cell.strip() for cell in cells):
                    yield first + 1, "".join(lines[first:start + done]), cells
            return
        except csv.Error as exc:
            bad = start + done
            _, opened = _cell_starts(lines[bad])
            if "end of data" in str(exc) and opened is not None:
                report.error((shown, bad + 1, opened + 1), "this quote is never closed", "recipients.csv")
            else:
                report.error((shown, bad + 1, 1), f"malformed CSV row ({exc})", "recipients.csv")
            start = bad + 1


def _cell_starts(raw: str) -> tuple[list[int], int | None]:
    """Where each cell of a raw CSV row starts, and where a quote left open at the end was opened.
    As in the csv module, only a quote that starts a cell opens a quoted cell; '""' inside one is a quote."""
    starts, opened, origin, closed = [0], None, 0, -2
    for i, char in enumerate(raw):
        if opened is not None:
            if char == '"':
                opened, closed = None, i
        elif char == '"' and i == starts[-1]:
            opened = origin = i
        elif char == '"' and i == closed + 1:
            opened = origin
        elif char == ",":
            starts.append(i + 1)
    return starts, opened


def _table(path: Path, shown: str, report: Report, required: tuple, known: tuple) -> list[_Row]:
    """The data rows of a CSV file whose header names every `required` column; other problems are reported."""
    text = read_text(path, shown, report)
    rows = list(_rows(text.removeprefix("\ufeff"), shown, report)) if text is not None else []
    if not rows:
        if text is not None:
            report.error((shown, 1, 1), f"no header row; the first row names the columns, such as {one_of(required)}",
                         "recipients.columns")
        return []
    (line, raw, header), body = rows[0], rows[1:]
    starts = _cell_starts(raw)[0]
    columns: dict[str, int] = {}
    for index, name in enumerate(cell.strip() for cell in header):
        where = (shown, line, starts[index] + 1)
        if not name:
            report.error(where, f"column {index + 1} has no name in the header", "recipients.columns")
        elif name in columns:
            report.error(where, f"column '{name}' appears twice in the header", "recipients.columns")
        else:
            columns[name] = index
            near = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.8)
            if name not in known and near:
                report.warning(where, f"column '{name}' is kept as an extra column (did you mean '{near[0]}'?)",
                               "recipients.columns")
    missing = [name for name in required if name not in columns]
    if missing:
        report.error((shown, line, 1), f"the header lacks the required column(s) {one_of(missing)}; "
                     f"required: {', '.join(repr(r) for r in required)}", "recipients.columns")
        return []
    result = []
    for line, raw, cells in body:
        if len(cells) != len(header):
            report.error((shown, line, 1), f"this row has {len(cells)} cells, but the header has {len(header)}",
                         "recipients.cells")
        else:
            result.append(_Row(shown, line, raw, _cell_starts(raw)[0], columns, cells))
    return result


def _read_csv(path: Path, shown: str, report: Report) -> list[Recipient]:
    known = _committees(path, shown, report)
    rows = _table(path, shown, report, REQUIRED, COLUMNS)
    extras = [name for name in (rows[0].columns if rows else ()) if name not in COLUMNS]
    made, seen = [], {}
    for row in rows:
        fields = {name: " ".join(row.get(name).split()) for name in COLUMNS}  # one line, single spaces
        codes = re.split(r"[\s;]+", row.get("committees").upper())
        fields["committees"] = [(code, row.at("committees", code)) for code in codes if code]
        fields["extra"] = tuple((name, row.get(name)) for name in extras)
        made.append(_make(fields, row.at, row.line, shown, known, seen, report))
    return [r for r in made if r is not None]


# --- checks shared by both formats ----------------------------------------------------------------

def _make(fields: dict, at: Callable, line: int, shown: str, known, seen: dict, into: Report) -> Recipient | None:
    """A checked Recipient from raw field values, or None (with the reasons reported); `seen` maps each
    id met so far to its line, so that a repeated id is reported at its second row."""
    report = Report()
    if fields["id"] and fields["id"] in seen:
        report.error(at("id"), f"duplicate id '{fields['id']}' (first on line {seen[fields['id']]})",
                     "recipients.duplicate")
    seen.setdefault(fields["id"], line)
    for name in REQUIRED:
        if not fields[name]:
            report.error(at(name), f"'{name}' is required but empty", "recipients.empty")
    rid, chamber, state = fields["id"], fields["chamber"].lower(), fields["state"].upper()
    district, party = fields["district"].upper(), fields["party"]
    if rid and not SAFE_ID.fullmatch(rid):
        report.error(at("id"), f"id '{rid}' is not safe as a file name: use up to 64 letters, digits, '-' and '_', "
                     "starting with a letter or digit", "recipients.id")
    if chamber and chamber not in CHAMBERS:
        report.error(at("chamber"), f"unknown chamber '{fields['chamber']}'; use {one_of(CHAMBERS)}",
                     "recipients.chamber")
    if state and state not in STATES:
        report.error(at("state"), f"unknown state code '{fields['state']}' (use a two-letter postal code "
                     "such as 'WA', 'DC' or 'PR')", "recipients.state")
    if district in ("0", "00"):
        district = "AL"
    elif district.isdigit() and len(district) <= 2:
        district = str(int(district))
    elif district not in ("", "AL"):
        report.error(at("district"), f"unknown district '{fields['district']}'; use a number, or 'AL' at large",
                     "recipients.district")
    if district and chamber == "senate":
        report.error(at("district"), "a senator has no district; leave it empty", "recipients.district")
    party = PARTIES.get(party.lower(), party.upper())
    if party and not re.fullmatch(r"[A-Z]", party):
        report.error(at("party"), f"unknown party '{fields['party']}'; use one letter (D, R, I, ...) "
                     "or Democrat, Republican, Independent", "recipients.party")
    for code, where in fields["committees"]:
        if known is not None and code not in known:
            report.error(where, f"unknown committee '{code}'{_close(code, known)}", "recipients.committee")
        elif known is not None and known[code][1] in CHAMBERS and chamber in CHAMBERS and known[code][1] != chamber:
            report.error(where, f"committee '{code}' is a {known[code][1]} committee, but {fields['name']} "
                         f"is in the {chamber}", "recipients.committee")
    into.extend(report)
    if report.errors:
        return None
    return Recipient(
        id=rid, name=fields["name"], honorific=fields["honorific"], chamber=chamber, state=state,
        district=district, party=party, office=fields["office"], short=fields["short"],
        committees=tuple(dict.fromkeys(code for code, _ in fields["committees"])), extra=fields["extra"],
        where=f"{shown}:{line}", path=shown, line=line)


def _close(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'A', 'B' or 'C'?)' with up to three close matches, or ''."""
    found = [f"'{c}'" for c in difflib.get_close_matches(word, sorted(choices), n=3, cutoff=0.6)]
    if not found:
        return ""
    return f" (did you mean {' or '.join([', '.join(found[:-1]), found[-1]] if len(found) > 1 else found)}?)"


# --- choosing and ordering ------------------------------------------------------------------------

def _words(values) -> list[str]:
    """Filter values from a command line or a call: a list, or one string, either with commas or spaces."""
    values = [values] if isinstance(values, str) else list(values)
    return [word for value in values for word in re.split(r"[,\s]+", value) if word]


def select(recipients: Iterable[Recipient], report: Report, *, chamber: str | None = None,
           states: Iterable[str] | None = None, committees: Iterable[str] | None = None,
           ids: Iterable[str] | None = None, known_committees: Iterable[str] = ()) -> list[Recipient]:
    """The recipients that pass every filter given (in their input order): in `chamber` ("senate" or
    "house"), from any of `states`, on any of `committees` (codes; `known_committees` adds codes that are
    valid though nobody here is on them), or among `ids`. An unknown value is an error in `report`, with
    the close matches, and then nothing is selected."""
    recipients, problems = list(recipients), Report()
    chamber = chamber.strip().lower() if chamber is not None else None
    if chamber is not None and chamber not in CHAMBERS:
        problems.error(("--chamber", 0, 0), f"unknown chamber '{chamber}'; use {one_of(CHAMBERS)}", "recipients.filter")
    wanted = {}
    for option, values, valid, fold in (
        ("state", states, STATES, str.upper),
        ("committee", committees, {c for r in recipients for c in r.committees} | set(known_committees), str.upper),
        ("id", ids, {r.id for r in recipients}, str),
    ):
        if values is None:
            continue
        wanted[option] = {fold(word) for word in _words(values)}
        for word in sorted(wanted[option] - set(valid)):
            problems.error((f"--{option}", 0, 0), f"unknown {option} '{word}'{_close(word, valid)}", "recipients.filter")
    report.extend(problems)
    if problems.errors:
        return []
    return [r for r in recipients
            if (chamber is None or r.chamber == chamber)
            and ("state" not in wanted or r.state in wanted["state"])
            and ("committee" not in wanted or wanted["committee"].intersection(r.committees))
            and ("id" not in wanted or r.id in wanted["id"])]


# The walking route: the House office buildings west to east, the Capitol, the Senate ones west to east.
BUILDINGS = ("Rayburn", "Longworth", "Cannon", "Capitol", "Russell", "Dirksen", "Hart")
BUILDING_WORDS = {"RAYBURN": "Rayburn", "RHOB": "Rayburn", "LONGWORTH": "Longworth", "LHOB": "Longworth",
                  "CANNON": "Cannon", "CHOB": "Cannon", "CAPITOL": "Capitol", "RUSSELL": "Russell",
                  "DIRKSEN": "Dirksen", "HART": "Hart"}
PREFIXES = {"SR": "Russell", "SD": "Dirksen", "SH": "Hart", "H": "Capitol", "S": "Capitol", "HB": "Capitol",
            "SB": "Capitol", "HVC": "Capitol", "SVC": "Capitol", "CVC": "Capitol"}
OFFICE = re.compile(r"(?:(?P<prefix>HVC|SVC|CVC|SR|SD|SH|HB|SB|H|S)-?)?(?P<level>[BG])?-?(?P<number>\d+)"
                    r"(?P<suffix>[A-Z]?)\b\s*(?P<rest>.*)")


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
        raise ValueError(f"cannot place the office '{r.office}' of {r.name} ({r.id}) in the walking order; "
                         "write it like '2468 Rayburn House Office Building' or 'SH-511'")
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


def shard(recipients: Iterable[Recipient], k: int, n: int) -> list[Recipient]:
    """Shard k of n (1 <= k <= n) for `--shard K/N`: the ids sorted and cut into n runs whose sizes differ
    by at most one; every recipient is in exactly one shard. The shard keeps the input order."""
    if not 1 <= k <= n:
        raise UsageError(f"--shard {k}/{n}: K must be between 1 and N")
    recipients = list(recipients)
    ids = sorted(r.id for r in recipients)
    size, more = divmod(len(ids), n)
    start = (k - 1) * size + min(k - 1, more)
    mine = set(ids[start:start + size + (k <= more)])
    return [r for r in recipients if r.id in mine]
