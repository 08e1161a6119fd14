"""The recipients CSV format: a header naming the columns, one office per row, every cell located."""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.errors import Report, one_of
from pipeline.personalize.people import CHAMBERS, COLUMNS, REQUIRED, Recipient, make_recipient
from pipeline.sources.files import read_text
from pipeline.sources.load import line_col

COMMITTEES_CSV = "committees.csv"


@dataclass
class Row:
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


def _rows(text: str, shown: str, report: Report, code: str = "recipients"):
    """(first line, raw text, cells) of every non-blank row; a row with broken quoting is reported and
    skipped."""
    lines = io.StringIO(text, newline="").readlines()
    start = 0
    while start < len(lines):
        reader, done = csv.reader(lines[start:], strict=True), 0
        try:
            for cells in reader:
                first, done = start + done, reader.line_num
                if any(cell.strip() for cell in cells):
                    yield first + 1, "".join(lines[first : start + done]), cells
            return
        except csv.Error as exc:
            bad = start + done
            _, opened = _cell_starts(lines[bad])
            if "end of data" in str(exc) and opened is not None:
                report.error((shown, bad + 1, opened + 1), "this quote is never closed", f"{code}.csv")
            else:
                report.error((shown, bad + 1, 1), f"malformed CSV row ({exc})", f"{code}.csv")
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


def table(
    path: Path, shown: str, report: Report, required: tuple, known: tuple, code: str = "recipients"
) -> list[Row]:
    """The data rows of a CSV file whose header names every `required` column (every cell located, UTF-8, a
    byte-order mark allowed); other problems are reported, with codes `<code>.csv`, `<code>.columns` and
    `<code>.cells`. The recipients file and the fly-in schedule are read with it."""
    text = read_text(path, shown, report)
    rows = list(_rows(text.removeprefix("\ufeff"), shown, report, code)) if text is not None else []
    if not rows:
        if text is not None:
            report.error(
                (shown, 1, 1),
                f"no header row; the first row names the columns, such as {one_of(required)}",
                f"{code}.columns",
            )
        return []
    (line, raw, header), body = rows[0], rows[1:]
    starts = _cell_starts(raw)[0]
    columns: dict[str, int] = {}
    for index, name in enumerate(cell.strip() for cell in header):
        where = (shown, line, starts[index] + 1)
        if not name:
            report.error(where, f"column {index + 1} has no name in the header", f"{code}.columns")
        elif name in columns:
            report.error(where, f"column '{name}' appears twice in the header", f"{code}.columns")
        else:
            columns[name] = index
            near = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.8)
            if name not in known and near:
                report.warning(
                    where,
                    f"column '{name}' is kept as an extra column (did you mean '{near[0]}'?)",
                    f"{code}.columns",
                )
    missing = [name for name in required if name not in columns]
    if missing:
        report.error(
            (shown, line, 1),
            f"the header lacks the required column(s) {one_of(missing)}; "
            f"required: {', '.join(repr(r) for r in required)}",
            f"{code}.columns",
        )
        return []
    if not body:
        report.error((shown, line, 1), "the file has no rows: only a header", "recipients.empty")
    result = []
    for line, raw, cells in body:
        if len(cells) != len(header):
            report.error(
                (shown, line, 1),
                f"this row has {len(cells)} cells, but the header has {len(header)}",
                f"{code}.cells",
            )
        else:
            result.append(Row(shown, line, raw, _cell_starts(raw)[0], columns, cells))
    return result


def read(path: Path, shown: str, report: Report) -> list[Recipient]:
    """The recipients of a CSV file (see the README's format); rows with errors are reported and left out."""
    known = committees(path, shown, report)
    rows = table(path, shown, report, REQUIRED, COLUMNS)
    extras = [name for name in (rows[0].columns if rows else ()) if name not in COLUMNS]
    made, seen = [], {}
    for row in rows:
        fields = {name: " ".join(row.get(name).split()) for name in COLUMNS}  # one line, single spaces
        codes = re.split(r"[\s;]+", row.get("committees").upper())
        fields["committees"] = [(code, row.at("committees", code)) for code in codes if code]
        fields["extra"] = tuple((name, row.get(name)) for name in extras)
        made.append(make_recipient(fields, row.at, row.line, shown, known, seen, report))
    return [r for r in made if r is not None]


def committees(path: Path, shown: str, report: Report) -> dict[str, tuple[str, str]] | None:
    """Code -> (display name, chamber) from the committees.csv beside a recipients file, or None without
    one."""
    if not (path.parent / COMMITTEES_CSV).is_file():
        return None
    shown = str(PurePosixPath(shown).parent / COMMITTEES_CSV)
    known: dict[str, tuple[str, str, int]] = {}
    for row in table(
        path.parent / COMMITTEES_CSV, shown, report, ("code", "name"), ("code", "name", "chamber")
    ):
        code, chamber = row.get("code").upper(), row.get("chamber").lower()
        if chamber and chamber not in CHAMBERS + ("joint",):
            report.error(
                row.at("chamber"),
                f"unknown chamber '{chamber}'; use {one_of(CHAMBERS + ('joint',))}",
                "recipients.chamber",
            )
        elif not code or not row.get("name"):
            report.error(row.at(), "a committee needs a code and a name", "recipients.empty")
        elif code in known:
            report.error(
                row.at("code"),
                f"duplicate committee '{code}' (first on line {known[code][2]})",
                "recipients.duplicate",
            )
        else:
            known[code] = (row.get("name"), chamber, row.line)
    return {code: (name, chamber) for code, (name, chamber, _) in known.items()}
