"""Recipients: the CSV format, the congress-legislators folder, filters, walking order, shards, bad input."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from pipeline.errors import Report, UsageError
from pipeline.personalize import congress as congress_format
from pipeline.personalize import recipients as rs
from pipeline.personalize import walk
from pipeline.personalize.people import Recipient

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sources" / "recipients" / "sample.csv"
ROOTS = REPO / "tests" / "roots" / "recipients"
CONGRESS = (REPO / ".." / "shared" / "data" / "congress-legislators").resolve()
HEADER = "id,name,honorific,chamber,state,district,party,office,committees,short\n"


def read(path: Path, shown: str | None = None) -> tuple[list[Recipient], list[str]]:
    report = Report()
    people = rs.read(path, report, shown)
    return people, report.lines()


def csv_file(tmp_path: Path, text: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the CSV format ---------------------------------------------------------------------------------


def test_sample_reads_cleanly():
    people, lines = read(SAMPLE, "sources/recipients/sample.csv")
    assert lines == []
    assert len(people) == 10
    first = people[0]
    assert first == Recipient(
        id="sample-nunez",
        name="José Ñúñez-O'Brien",
        honorific="Representative",
        chamber="house",
        state="NM",
        district="2",
        party="D",
        office="2468 Rayburn House Office Building",
        committees=("HSFA", "HSAP"),
        short="Rep. Ñúñez-O'Brien",
        extra=(("staffer", "Lena Park"), ("meeting", "Tue 10:00")),
        where="sources/recipients/sample.csv:2",
        path="sources/recipients/sample.csv",
        line=2,
    )
    assert first.at() == ("sources/recipients/sample.csv", 2, 1)


def test_sample_names_survive_exactly():
    names = {r.id: r.name for r in read(SAMPLE)[0]}
    assert names["sample-oconnell"] == "Siobhán O'Connell"
    assert names["sample-tran"] == "Nguyễn Thị Mai Tran"
    assert names["sample-okafor"] == 'Chiamaka "Chi" Okafor'
    assert names["sample-reyes"] == "Dolores Reyes-Ibáñez"
    assert all(unicodedata.is_normalized("NFC", n) for n in names.values())


def test_sample_fields():
    people = {r.id: r for r in read(SAMPLE)[0]}
    assert people["sample-tran"].district == "AL"
    assert people["sample-delacroix"].party == "I"
    assert people["sample-lindqvist"].committees == ("SSAS", "SSFR")  # "SSAS; SSFR"
    assert people["sample-oconnell"].extra == (("staffer", ""), ("meeting", ""))


def test_names_are_normalized_to_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", "José Ñúñez-O'Brien")
    path = csv_file(tmp_path, HEADER + f"x1,{decomposed},Representative,house,NM,2,D,,,\n")
    people, lines = read(path)
    assert lines == []
    assert people[0].name == "José Ñúñez-O'Brien"
    assert len(people[0].name) == 18


def test_without_committees_csv_any_code_is_kept(tmp_path):
    path = csv_file(tmp_path, HEADER + "x1,Ada Lee,Senator,Senate,wa,,d,,ssfr;  SSBK   jsec,\n")
    people, lines = read(path)
    assert lines == []
    assert (people[0].chamber, people[0].state, people[0].party) == ("senate", "WA", "D")
    assert people[0].committees == ("SSFR", "SSBK", "JSEC")
    assert rs.committee_names(path) == {}


def test_committee_names_from_committees_csv():
    names = rs.committee_names(SAMPLE)
    assert names["HSFA"] == "Foreign Affairs"
    assert names["SSBK"] == "Banking, Housing, and Urban Affairs"


def test_a_cell_on_two_lines(tmp_path):
    path = csv_file(
        tmp_path,
        HEADER + 'x1,Ada  Lee,Senator,senate,WA,,D,"511 Hart\nSenate Office Building",,\n'
        "x2,Bo Lee,Senator,senate,XX,,D,,,\n",
    )
    people, lines = read(path, "people.csv")
    assert (people[0].name, people[0].office) == ("Ada Lee", "511 Hart Senate Office Building")
    assert lines == [
        "people.csv:4:26: error: unknown state code 'XX' (use a two-letter postal code such as 'WA', "
        "'DC' or 'PR') [recipients.state]"
    ]


def test_byte_order_mark_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        ("\ufeff" + HEADER + "x1,Ada Lee,Senator,senate,WA,,D,SH-511,,\n").replace("\n", "\r\n").encode()
    )
    people, lines = read(path)
    assert lines == []
    assert people[0].office == "SH-511" and people[0].short == ""


# --- bad CSV input ----------------------------------------------------------------------------------


def test_bad_rows_are_located_and_the_others_kept():
    people, lines = read(ROOTS / "bad" / "recipients.csv", "bad/recipients.csv")
    assert [r.id for r in people] == ["ok-1", "ok-2", "no-office", "ok-3", "ok-4"]
    assert lines == [
        "bad/recipients.csv:4:1: error: this row has 5 cells, but the header has 11 [recipients.cells]",
        "bad/recipients.csv:5:100: error: unknown committee 'HSFX' (did you mean 'HSFA'?) "
        "[recipients.committee]",
        "bad/recipients.csv:6:1: error: duplicate id 'ok-1' (first on line 2) [recipients.duplicate]",
        "bad/recipients.csv:7:1: error: id '../etc' is not safe as a file name: use up to 64 letters, "
        "digits, "
        "'-' and '_', starting with a letter or digit [recipients.id]",
        "bad/recipients.csv:8:36: error: unknown state code 'XX' (use a two-letter postal code such as 'WA', "
        "'DC' or 'PR') [recipients.state]",
        "bad/recipients.csv:11:10: error: this quote is never closed [recipients.csv]",
    ]
    assert people[0].name == "José Ñúñez-O'Brien"
    assert people[-1].name == "Marie-Claire Delacroix"  # the row after the unclosed quote is still read


def test_reading_again_into_the_same_report_still_leaves_bad_rows_out():
    report = Report()
    first = rs.read(ROOTS / "bad" / "recipients.csv", report)
    assert rs.read(ROOTS / "bad" / "recipients.csv", report) == first
    assert len(report.errors) == 6


def test_missing_required_columns(tmp_path):
    path = csv_file(tmp_path, "id,name,chamber,office\nx1,Ada Lee,senate,SH-511\n")
    assert read(path, "people.csv") == (
        [],
        [
            "people.csv:1:1: error: the header lacks the required column(s) 'honorific', 'state'; "
            "required: 'id', 'name', 'honorific', 'chamber', 'state' [recipients.columns]"
        ],
    )


def test_header_problems(tmp_path):
    path = csv_file(
        tmp_path, "id,name,honorific,chamber,state,comittees,name,\nx1,Ada,Senator,senate,WA,SSFR,Bo,\n"
    )
    people, lines = read(path, "people.csv")
    assert lines == [
        "people.csv:1:33: warning: column 'comittees' is kept as an extra column (did you mean "
        "'committees'?) "
        "[recipients.columns]",
        "people.csv:1:43: error: column 'name' appears twice in the header [recipients.columns]",
        "people.csv:1:48: error: column 8 has no name in the header [recipients.columns]",
    ]
    assert people[0].extra == (("comittees", "SSFR"),)


def test_empty_file(tmp_path):
    assert read(csv_file(tmp_path, "\n"), "people.csv") == (
        [],
        [
            "people.csv:1:1: error: no header row; the first row names the columns, such as 'chamber', "
            "'honorific', "
            "'id', 'name', 'state' [recipients.columns]"
        ],
    )


def test_bad_utf8_is_located(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(HEADER.encode() + b"x1,Jos\xe9 Lee,Senator,senate,WA,,D,,,\n")
    assert read(path, "people.csv") == (
        [],
        [
            "people.csv:2:7: error: file is not UTF-8 text (invalid continuation byte at byte 77); "
            "save it as UTF-8 [file.encoding]"
        ],
    )


@pytest.mark.parametrize(
    "row, message",
    [
        ("x1,,Senator,senate,WA,,D,,,", "2:4: error: 'name' is required but empty [recipients.empty]"),
        (
            "x1,Ada,Senator,upper,WA,,D,,,",
            "2:16: error: unknown chamber 'upper'; use 'house', 'senate' [recipients.chamber]",
        ),
        (
            "x1,Ada,Senator,senate,WA,3,D,,,",
            "2:26: error: a senator has no district; leave it empty [recipients.district]",
        ),
        (
            "x1,Ada,Rep.,house,WA,third,D,,,",
            "2:22: error: unknown district 'third'; use a number, or 'AL' at large [recipients.district]",
        ),
        (  # found by fuzzing (tests/fuzz/test_csv.py): a superscript digit was a traceback
            "x1,Ada,Rep.,house,WA,²,D,,,",
            "2:22: error: unknown district '²'; use a number, or 'AL' at large [recipients.district]",
        ),
        (
            "x1,Ada,Senator,senate,WA,,Whig,,,",
            "2:27: error: unknown party 'Whig'; use one letter (D, R, I, ...) "
            "or Democrat, Republican, Independent [recipients.party]",
        ),
        (
            "x1,Ada,Senator,senate,WA,,D,,HSFA,",
            "2:30: error: committee 'HSFA' is a house committee, but Ada is in the "
            "senate [recipients.committee]",
        ),
        (
            "x1,Ada,Senator,senate,WA,,D,,SSFR01,",
            "2:30: error: unknown committee 'SSFR01' (did you mean 'SSFR'?) [recipients.committee]",
        ),
    ],
)
def test_bad_cells(tmp_path, row, message):
    shutil.copy(ROOTS / "bad" / "committees.csv", tmp_path / "committees.csv")
    people, lines = read(csv_file(tmp_path, HEADER + row + "\n"), "people.csv")
    assert (people, lines) == ([], ["people.csv:" + message])


def test_committees_csv_problems_are_reported(tmp_path):
    csv_file(
        tmp_path,
        "code,name,chamber\nHSFA,Foreign Affairs,house\nHSFA,Again,house\nXX,Odd,upper\n",
        "committees.csv",
    )
    path = csv_file(tmp_path, HEADER + "x1,Ada,Rep.,house,WA,1,D,,HSFA,\n")
    people, lines = read(path, "lists/people.csv")
    assert [r.committees for r in people] == [("HSFA",)]
    assert lines == [
        "lists/committees.csv:3:1: error: duplicate committee 'HSFA' (first on line 2) "
        "[recipients.duplicate]",
        "lists/committees.csv:4:8: error: unknown chamber 'upper'; use 'house', 'joint', 'senate' "
        "[recipients.chamber]",
    ]


def test_malformed_quoting(tmp_path):
    path = csv_file(
        tmp_path, HEADER + 'x1,"Ada" Lee,Senator,senate,WA,,D,,,\nx2,Bo,Senator,senate,OR,,D,,,\n'
    )
    people, lines = read(path, "people.csv")
    assert [r.id for r in people] == ["x2"]
    assert lines == ["people.csv:2:1: error: malformed CSV row (',' expected after '\"') [recipients.csv]"]


def test_quotes_inside_cells_keep_columns_right(tmp_path):
    path = csv_file(tmp_path, HEADER + 'x1,Jo"hn O\'Day,Senator,senate,"W""A",,D,,,\n')
    assert read(path, "people.csv") == (
        [],
        [
            "people.csv:2:31: error: unknown state code 'W\"A' (use a two-letter postal code such as 'WA', "
            "'DC' or 'PR') "
            "[recipients.state]"
        ],
    )


def test_not_a_recipients_source(tmp_path):
    (tmp_path / "people.txt").write_text("id\n")
    assert read(tmp_path / "people.txt", "people.txt")[1] == [
        "people.txt: error: recipients come from a .csv file or a congress-legislators folder "
        "[recipients.source]"
    ]
    assert read(tmp_path / "gone.csv", "gone.csv")[1] == [
        "gone.csv: error: no such file or folder [file.read]"
    ]
    assert read(tmp_path, "folder")[1] == [
        "folder: error: a recipients folder needs legislators-current.yaml (the congress-legislators format) "
        "[recipients.source]"
    ]


# --- the congress-legislators format (a made-up miniature under tests/roots) ---------------------------


@pytest.fixture
def mini(tmp_path) -> Path:
    """A folder in the congress-legislators format holding the made-up miniature, under the format's file
    names (the files are committed under other names, so that nobody takes them for the real data)."""
    folder = tmp_path / "congress"
    folder.mkdir()
    for name, target in (
        ("legislators", congress_format.LEGISLATORS),
        ("membership", congress_format.MEMBERSHIP),
        ("committees", congress_format.COMMITTEES_YAML),
    ):
        shutil.copy(ROOTS / "mini-congress" / f"{name}.yaml", folder / target)
    return folder


def test_congress_miniature_committee_selection(mini):
    people, _ = read(mini, "congress")
    report = Report()

    def on(*codes: str) -> list[str]:
        return [r.id for r in rs.select(people, report, committees=list(codes))]

    assert on("SSFR") == ["X000001"]  # a member of the subcommittee SSFR01 only
    assert on("HSFA") == ["X000002", "X000003"]  # Somebody Gone (X000099) is not a current member
    assert on("JSEC") == ["X000001", "X000002"]
    assert on("SSFR", "HSFA") == ["X000001", "X000002", "X000003"]
    assert report.lines() == []


def test_congress_miniature(mini):
    people, lines = read(mini, "congress")
    ana, bo, cy = people
    assert (ana.id, ana.name, ana.honorific, ana.short, ana.chamber, ana.state, ana.district, ana.party) == (
        "X000001",
        "Ana Ñúñez-O'Brien",
        "Senator",
        "Sen. Ñúñez-O'Brien",
        "senate",
        "NM",
        "",
        "D",
    )
    assert ana.office == "511 Hart Senate Office Building"  # from the address of the last term
    assert ana.committees == ("JSEC", "SSFR")  # SSFR01, a subcommittee, counts as SSFR
    assert ana.extra == (("phone", "202-555-0101"),)
    assert ana.where == "congress/legislators-current.yaml:2"
    assert (bo.name, bo.short, bo.district, bo.party, bo.committees) == (
        "Bo Lindqvist, Jr.",
        "Rep. Lindqvist",
        "AL",
        "R",
        ("HSFA", "JSEC"),
    )
    assert (cy.honorific, cy.short, cy.party, cy.office) == (
        "Resident Commissioner",
        "Res. Comm. Reyes",
        "I",
        "",
    )
    assert lines == [
        "congress/committee-membership-current.yaml:2:3: error: committee 'SSFR' is a senate committee, "
        "but Dee Twice is in the house [recipients.committee]",
        "congress/legislators-current.yaml:48:15: error: duplicate id 'X000001' (first on line 2) "
        "[recipients.duplicate]",
        "congress/legislators-current.yaml:64:12: error: unknown state code 'QQ' (use a two-letter postal "
        "code "
        "such as 'WA', 'DC' or 'PR') [recipients.state]",
    ]
    assert rs.committee_names(mini) == {
        "HSFA": "Foreign Affairs",
        "SSFR": "Foreign Relations",
        "JSEC": "Joint Economic Committee",
    }


def test_congress_without_libyaml_reads_the_same(mini, monkeypatch):
    import yaml

    with_libyaml = read(mini, "congress")
    monkeypatch.setattr(
        congress_format, "_Loader", type("PureLoader", (congress_format._Text, yaml.BaseLoader), {})
    )
    assert read(mini, "congress") == with_libyaml


def test_congress_yaml_syntax_error_is_located_and_worded_as_in_a_topic(mini):
    from pipeline.errors import Report
    from pipeline.sources.load import parse_yaml

    folder = mini
    path = folder / "legislators-current.yaml"
    path.write_text(path.read_text().replace("    state: WY", "    state: [WY"))
    people, lines = read(folder, "congress")
    assert people == []
    assert lines == [
        "congress/legislators-current.yaml:32:13: error: YAML syntax: a comma is missing before this item, "
        "or a closing ']' (YAML: while parsing a flow sequence: expected ',' or ']', but got ':') "
        "[yaml.syntax]"
    ]
    report = Report()
    parse_yaml(path.read_text(), "congress/legislators-current.yaml", report)  # the topics' reader
    assert report.lines() == lines


def test_congress_yaml_control_character_is_named(mini):
    path = mini / "legislators-current.yaml"
    path.write_text(path.read_text().replace("    state: WY", "    state: W\x01Y", 1))
    people, lines = read(mini, "congress")
    assert people == []
    assert lines == [
        "congress/legislators-current.yaml:31:13: error: character U+0001 (a control character) is not "
        "allowed in a YAML file; delete it [yaml.character]"
    ]


def test_congress_unknown_term_type(mini):
    folder = mini
    path = folder / "legislators-current.yaml"
    path.write_text(path.read_text().replace("  - type: sen\n", "  - type: del\n"))
    people, lines = read(folder, "congress")
    assert [r.id for r in people] == ["X000002", "X000003"]
    assert (
        lines[1]
        == "congress/legislators-current.yaml:15:11: error: unknown chamber 'del'; use 'house', 'senate' "
        "[recipients.chamber]"
    )
    assert len(lines) == 4


def test_congress_bad_utf8_is_located(mini):
    folder = mini
    (folder / "committees-current.yaml").write_bytes(b"- name: Caf\xe9\n")
    people, lines = read(folder, "congress")
    assert len(people) == 3  # committee codes are then not checked
    assert (
        "congress/committees-current.yaml:1:12: error: file is not UTF-8 text (invalid continuation byte at "
        "byte 11); save it as UTF-8 [file.encoding]" in lines
    )


# --- filters ----------------------------------------------------------------------------------------


def ids(people):
    return [r.id for r in people]


def test_filters():
    people = read(SAMPLE)[0]
    report = Report()
    assert ids(rs.select(people, report, chamber="Senate")) == [
        "sample-abernathy",
        "sample-delacroix",
        "sample-lindqvist",
        "sample-whitehorse",
    ]
    assert ids(rs.select(people, report, states=["wi", "MT,NM"])) == [
        "sample-nunez",
        "sample-abernathy",
        "sample-whitehorse",
    ]
    assert ids(rs.select(people, report, committees="ssfr HSBA")) == [
        "sample-abernathy",
        "sample-oconnell",
        "sample-lindqvist",
        "sample-mcallister",
    ]
    assert ids(
        rs.select(people, report, chamber="house", committees=["HSFA"], states=["TX", "PR", "WY"])
    ) == ["sample-tran", "sample-mcallister", "sample-reyes"]
    assert ids(rs.select(people, report, ids=["sample-reyes", "sample-nunez"])) == [
        "sample-nunez",
        "sample-reyes",
    ]
    assert rs.select(people, report) == people
    assert report.items == []


def test_unknown_filter_values_are_errors_listing_close_matches():
    people, report = read(SAMPLE)[0], Report()
    chosen = rs.select(
        people,
        report,
        chamber="lords",
        states=["WA", "ZZ"],
        committees=["HSFX"],
        ids=["sample-nunes"],
        known_committees=["HSFX2"],
    )
    assert chosen == []
    assert report.lines() == [
        "--chamber: error: unknown chamber 'lords'; use 'house', 'senate' [recipients.filter]",
        "--committee: error: unknown committee 'HSFX' (did you mean 'HSFX2' or 'HSFA'?) [recipients.filter]",
        "--id: error: unknown id 'sample-nunes' (did you mean 'sample-nunez', 'sample-reyes' or "
        "'sample-oconnell'?) "
        "[recipients.filter]",
        "--state: error: unknown state 'ZZ' [recipients.filter]",
    ]


def test_known_committees_make_a_code_valid_with_no_members():
    report = Report()
    assert (
        rs.select(read(SAMPLE)[0], report, committees=["HSWM"], known_committees={"HSWM": "Ways and Means"})
        == []
    )
    assert report.items == []


# --- walking order ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "office, place",
    [
        ("2468 Rayburn House Office Building", ("Rayburn", 4, "2468")),
        ("2001 Rayburn House Office Building", ("Rayburn", 0, "2001")),
        ("1034 Longworth House Office Building", ("Longworth", 0, "1034")),
        ("123 Cannon House Office Building", ("Cannon", 1, "123")),
        ("511 Hart Senate Office Building", ("Hart", 5, "511")),
        ("479a Russell Senate Office Building", ("Russell", 4, "479A")),
        ("G12 Dirksen Senate Office Building", ("Dirksen", 0, "G12")),
        ("SR-123", ("Russell", 1, "123")),
        ("SD-G12", ("Dirksen", 0, "G12")),
        ("SH-511", ("Hart", 5, "511")),
        ("H-232 The Capitol", ("Capitol", 2, "H-232")),
        ("S-230 The Capitol", ("Capitol", 2, "S-230")),
        ("HVC-301", ("Capitol", -1, "HVC-301")),
        ("B-308 Rayburn House Office Building", ("Rayburn", -1, "B308")),
        ("2362A RHOB; Washington, DC 20515", ("Rayburn", 3, "2362A")),
        ("1301 LHOB", ("Longworth", 3, "1301")),
        ("12 Main Street, Springfield", None),
        ("District office", None),
    ],
)
def test_parse_office(office, place):
    assert walk.parse_office(office) == place


def test_walking_order_of_the_sample():
    report = Report()
    assert ids(walk.walking_order(read(SAMPLE)[0], report)) == [
        "sample-mcallister",
        "sample-nunez",  # Rayburn, floors 2 and 4
        "sample-tran",
        "sample-reyes",  # Longworth
        "sample-oconnell",  # Cannon
        "sample-okafor",  # the Capitol
        "sample-lindqvist",
        "sample-whitehorse",  # Russell
        "sample-delacroix",  # Dirksen
        "sample-abernathy",  # Hart
    ]
    assert report.items == []


def test_recipients_without_a_place_are_reported_and_last():
    people = read(ROOTS / "bad" / "recipients.csv", "bad/recipients.csv")[0]
    odd = Recipient(
        "odd", "Odd Place", "Senator", "senate", "WA", office="Main Street 5", path="x.csv", line=9
    )
    report = Report()
    assert ids(walk.walking_order([odd] + people, report)) == [
        "ok-1",
        "ok-3",
        "ok-2",
        "ok-4",
        "odd",
        "no-office",
    ]
    assert report.lines() == [
        "bad/recipients.csv:9:1: error: Siobhán O'Connell (no-office) has no office address; the walking "
        "order "
        "needs one [recipients.office]",
        "x.csv:9:1: error: cannot place the office 'Main Street 5' of Odd Place (odd) in the walking order; "
        "write it like '2468 Rayburn House Office Building' or 'SH-511' [recipients.office]",
    ]
    with pytest.raises(ValueError, match="has no office address"):
        walk.walking_key(people[2])


# --- shards -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 10, 13])
def test_shards_partition_the_recipients(n):
    people = walk.walking_order(read(SAMPLE)[0], Report())
    shards = [rs.shard(people, k, n) for k in range(1, n + 1)]
    assert sorted(r.id for s in shards for r in s) == sorted(r.id for r in people)  # each exactly once
    assert max(map(len, shards)) - min(map(len, shards)) <= 1
    for s in shards:
        assert s == [r for r in people if r in s]  # walking order kept inside a shard
    assert shards == [
        rs.shard(list(reversed(people)), k, n)[::-1] for k in range(1, n + 1)
    ]  # by id, not position


def test_shard_out_of_range():
    with pytest.raises(UsageError, match=r"--shard 3/2: K must be between 1 and N"):
        rs.shard([], 3, 2)


# --- the real congress-legislators data (../shared, skipped when absent) -----------------------------


@pytest.fixture(scope="module")
def congress():
    if not (CONGRESS / "legislators-current.yaml").is_file():
        pytest.skip(f"the congress-legislators data is not at {CONGRESS} (it lives outside the project)")
    report = Report()
    return rs.read(CONGRESS, report), report


def test_congress_reads_every_member(congress):
    people, report = congress
    assert len(people) == 537 and report.items == []
    assert sum(r.chamber == "senate" for r in people) == 100


def test_congress_known_members(congress):
    people = {r.id: r for r in congress[0]}
    cantwell, salazar = people["C000127"], people["S000168"]
    assert (
        cantwell.name,
        cantwell.honorific,
        cantwell.short,
        cantwell.chamber,
        cantwell.state,
        cantwell.district,
        cantwell.party,
        cantwell.office,
    ) == (
        "Maria Cantwell",
        "Senator",
        "Sen. Cantwell",
        "senate",
        "WA",
        "",
        "D",
        "511 Hart Senate Office Building",
    )
    assert "SSCM" in cantwell.committees
    assert (salazar.short, salazar.state, salazar.district, salazar.party) == (
        "Rep. Salazar",
        "FL",
        "27",
        "R",
    )
    assert set(salazar.committees) >= {"HSFA", "HSBA"}
    assert all(len(c) == 4 for r in people.values() for c in r.committees)  # parents only
    assert rs.committee_names(CONGRESS)["HSFA"] == "Foreign Affairs"


def test_congress_selection_and_walk(congress):
    people, report = congress[0], Report()
    assert len(rs.select(people, report, committees=["HSFA", "SSFR"])) == 72
    placed = [r for r in people if walk.parse_office(r.office)]
    assert len(placed) == 536
    assert [r.id for r in people if r not in placed] == ["G000607"]  # sworn in 2026, no office listed yet
    ordered = walk.walking_order(people, report)
    assert ordered[-1].id == "G000607"
    assert [d.code for d in report.items] == ["recipients.office"]
