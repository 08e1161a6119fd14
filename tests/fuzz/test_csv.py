"""Fuzzing the recipients CSV reader: any bytes give recipients that pass every documented check and
diagnostics at rows that exist, never a traceback; rows that csv.writer writes read back as written."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import event, example, given
from hypothesis import strategies as st

from pipeline.errors import Report
from pipeline.personalize import recipients
from pipeline.personalize.people import CHAMBERS, COLUMNS, PARTIES, REQUIRED, SAFE_ID, STATES, Recipient

SHOWN = "lists/people.csv"
COMMITTEES = "lists/committees.csv"
CODES = {
    "file.encoding",
    "recipients.csv",
    "recipients.columns",
    "recipients.cells",
    "recipients.empty",
    "recipients.id",
    "recipients.chamber",
    "recipients.state",
    "recipients.district",
    "recipients.party",
    "recipients.committee",
    "recipients.duplicate",
}


def read(data: bytes, committees: bytes | None = None) -> tuple[list[Recipient], Report, set | None]:
    """The recipients of a people.csv holding `data`, the report, and the committee codes declared in the
    committees.csv beside it (None without one)."""
    report = Report()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.csv"
        path.write_bytes(data)
        if committees is not None:
            (Path(folder) / "committees.csv").write_bytes(committees)
        people = recipients.read(path, report, SHOWN)
        return people, report, None if committees is None else set(recipients.committee_names(path))


def text_lines(data: bytes | None) -> list[str] | None:
    """The lines of a file as the reader numbers them (universal newlines), or None if it is not UTF-8."""
    try:
        return io.StringIO(data.decode("utf-8"), newline=None).read().split("\n")
    except (UnicodeDecodeError, AttributeError):
        return None


def check_located(report: Report, data: bytes, committees: bytes | None) -> None:
    """Every diagnostic has a known code and names a line and column that exist in its file."""
    files = {SHOWN: text_lines(data), COMMITTEES: text_lines(committees)}
    raw = {SHOWN: data, COMMITTEES: committees}
    for d in report.items:
        event(f"{d.severity} {d.code}")
        assert d.path in files and d.code in CODES, d
        lines = files[d.path]
        if lines is None:  # not UTF-8: the error sits on the line of the first bad byte
            shown = raw[d.path].decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
            assert (d.code, shown.split("\n")[d.line - 1][d.col - 1]) == ("file.encoding", "\ufffd"), d
            continue
        assert d.severity == "error" or d.code == "recipients.columns", d
        assert 1 <= d.line <= len(lines), d
        assert 1 <= d.col <= len(lines[d.line - 1]) + 1, d


def one_line(value: str) -> bool:
    return value == " ".join(unicodedata.normalize("NFC", value).split())


def check_recipient(person: Recipient, lines: list[str], committees: set | None) -> None:
    """What the README promises of every recipient read."""
    assert SAFE_ID.fullmatch(person.id), person
    assert person.name and person.honorific, person
    assert person.chamber in CHAMBERS and person.state in STATES, person
    assert person.district in ("", "AL") or re.fullmatch(r"[1-9][0-9]?", person.district), person
    assert not (person.chamber == "senate" and person.district), person
    assert person.party == "" or re.fullmatch(r"[A-Z]", person.party), person
    assert all(one_line(v) for v in (person.name, person.honorific, person.office, person.short)), person
    assert len(set(person.committees)) == len(person.committees), person
    for code in person.committees:
        assert code and code == code.upper() and not re.search(r"[\s;]", code), person
        if committees is not None:
            assert code in committees, person
    assert all(isinstance(name, str) and isinstance(value, str) for name, value in person.extra), person
    assert (person.path, person.where) == (SHOWN, f"{SHOWN}:{person.line}"), person
    assert 1 <= person.line <= len(lines), person


def check(data: bytes, committees: bytes | None = None) -> list[Recipient]:
    people, report, known = read(data, committees)
    check_located(report, data, committees)
    event(f"{len(people)} recipient(s)")
    lines = text_lines(data)
    if lines is None:
        assert people == []
    for person in people:
        check_recipient(person, lines, known)
    assert len({p.id for p in people}) == len(people)
    return people


# --- recipients, good and spoiled ---------------------------------------------------------------

words = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
filled = st.tuples(words, st.characters(exclude_categories=["Cc", "Cs", "Zs", "Zl", "Zp"]), words).map(
    "".join
)
cased = lambda values: st.sampled_from(values).flatmap(  # noqa: E731
    lambda v: st.sampled_from([v, v.lower(), v.upper(), v.title()])
)
house_seats = st.sampled_from(["", "AL", "al", "0", "00", "1", "07", "12", "99"])
parties = st.sampled_from(["", "D", "r", "I", "L", "Democrat", "REPUBLICAN", "independent"])
codes = st.lists(
    st.one_of(st.from_regex(r"[A-Za-z]{2,4}[0-9]{0,2}", fullmatch=True), st.sampled_from(["HSFA", "SSFR"])),
    max_size=4,
)
extras = st.lists(
    st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True).filter(lambda n: n not in COLUMNS),
    max_size=3,
    unique=True,
)


@st.composite
def records(draw, more_ids: tuple = ()) -> dict:
    chamber = draw(cased(CHAMBERS))
    return {
        "id": draw(st.from_regex(SAFE_ID, fullmatch=True) | st.sampled_from(more_ids or ["0"])),
        "name": draw(filled),
        "honorific": draw(filled),
        "chamber": chamber,
        "state": draw(cased(sorted(STATES))),
        "district": "" if chamber.lower() == "senate" else draw(house_seats),
        "party": draw(parties),
        "office": draw(words),
        "committees": draw(
            codes.flatmap(lambda c: st.sampled_from([" ", ";", "; ", "\n"]).map(lambda s: s.join(c)))
        ),
        "short": draw(words),
    }


# --- any bytes ---------------------------------------------------------------------------------

CELLS = [
    "", " ", "  x  ", "id", "name", "honorific", "chamber", "state", "district", "party", "office",
    "committees", "short", "comittees", "staffer", "house", "senate", "HOUSE", "Senate", "joint", "WA", "dc",
    "pr", "XX", "AL", "0", "00", "07", "99", "100", "²", "١", "D", "r", "Democrat", "independent", "Green",
    "ok-1", "../x", "a b", "x" * 70, "HSFA", "HSFA HSAP", "hsfa;;SSFR", "SSFR01", "José", "Jose\u0301",
    "Li 李", '"', '""', '"a,b"', '"a""b"', '"open', "a\nb", "\t", "\x00", "\ufeff", "\u2028", "\x85", "é",
]  # fmt: skip
cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=6))
newline = st.sampled_from(["\n", "\r\n", "\r"])
OPTIONAL = [c for c in COLUMNS if c not in REQUIRED] + ["staffer", "comittees", "", "id"]


@st.composite
def tables(draw) -> str:
    """A recipients file as people write them, or nearly: a header with the required columns (but now and
    then), rows of good values with junk here and there, quoted as csv.writer quotes or not at all."""
    header = draw(st.permutations(list(REQUIRED) + draw(st.lists(st.sampled_from(OPTIONAL), unique=True))))
    if draw(st.integers(0, 9)) == 0:
        header = header[1:]
    table = [header]
    for record in draw(st.lists(records(("ok-1", "ok-2")), max_size=6)):
        table.append([record.get(name, "") if draw(st.integers(0, 5)) else draw(cell) for name in header])
        if draw(st.integers(0, 9)) == 0:
            table[-1] = table[-1][:-1]
    out, end = io.StringIO(newline=""), draw(newline)
    if draw(st.booleans()):
        csv.writer(out, lineterminator=end).writerows(table)
    else:
        out.write("".join(",".join(cells) + end for cells in table))
    return draw(st.sampled_from(["", "\ufeff"])) + out.getvalue()


committee_files = st.one_of(
    st.none(),
    st.lists(
        st.one_of(
            st.sampled_from([("HSFA", "Foreign Affairs", "house"), ("SSFR", "Foreign Relations", "senate")]),
            st.tuples(st.sampled_from(CELLS), st.sampled_from(CELLS), st.sampled_from(CELLS)),
        ),
        max_size=5,
    ).map(lambda rows: ("code,name,chamber\n" + "".join(",".join(r) + "\n" for r in rows)).encode("utf-8")),
    st.binary(max_size=40),
)


@given(st.one_of(st.binary(), tables().map(str.encode)), committee_files)
@example(b"id,name\n\xff\n", None)  # not UTF-8
@example(
    "id,name,honorific,chamber,state,district\nx,A,Rep,house,WA,\u00b2\n".encode(), None
)  # int("²") raised
def test_any_bytes_give_checked_recipients_and_located_problems(data: bytes, committees: bytes | None):
    check(data, committees)


# --- records written by csv.writer ------------------------------------------------------------


def expected(record: dict, extra: dict, line: int) -> Recipient:
    """The recipient a record must read as, by the README's rules."""

    def clean(value: str) -> str:
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n").strip())

    district = record["district"].upper()
    return Recipient(
        id=record["id"],
        name=" ".join(clean(record["name"]).split()),
        honorific=" ".join(clean(record["honorific"]).split()),
        chamber=record["chamber"].lower(),
        state=record["state"].upper(),
        district="AL" if district in ("0", "00") else str(int(district)) if district.isdigit() else district,
        party=PARTIES.get(record["party"].lower(), record["party"].upper()),
        office=" ".join(clean(record["office"]).split()),
        committees=tuple(dict.fromkeys(c for c in re.split(r"[\s;]+", record["committees"].upper()) if c)),
        short=" ".join(clean(record["short"]).split()),
        extra=tuple((name, clean(value)) for name, value in extra.items()),
        where=f"{SHOWN}:{line}",
        path=SHOWN,
        line=line,
    )


@given(
    st.lists(records(), min_size=1, max_size=6, unique_by=lambda r: r["id"]),
    extras,
    st.randoms(use_true_random=False),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    st.booleans(),
    st.data(),
)
def test_rows_written_by_csv_writer_read_back_as_written(people, extra_names, random, quoting, bom, data):
    columns = list(COLUMNS) + extra_names
    random.shuffle(columns)
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=quoting)  # lines end in CRLF, as in a spreadsheet's export
    writer.writerow(columns)
    want, line = [], 2
    for record in people:
        extra = {name: data.draw(words) for name in extra_names}
        at = out.tell()
        writer.writerow([{**record, **extra}[c] for c in columns])
        want.append(expected(record, {n: extra[n] for n in columns if n in extra}, line))
        line += io.StringIO(out.getvalue()[at:], newline=None).read().count("\n")
    got, report, _ = read((("\ufeff" if bom else "") + out.getvalue()).encode("utf-8"))
    assert report.errors == []
    assert got == want
