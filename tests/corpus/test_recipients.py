"""Corpus: recipients sources and `press personalize` options, as an organizer would get them wrong."""

from __future__ import annotations

import pytest

from tests.corpus.harness import Case, both, check, replace, write

HEADER = "id,name,honorific,chamber,state,district,party,office,committees\n"
GOOD = "ok-1,Ana Ruiz,Representative,house,FL,25,D,2470 Rayburn House Office Building,HSFA\n"
ORG = "sources/organization.yaml"
PEOPLE = "{root}/people.csv"
SETTINGS = replace(
    ORG, "defaults:", "personalize: {url: 'https://example.org/{topic}?office={id}'}\ndefaults:"
)


def people(text: str | bytes, committees: str | None = None):
    """The organization set up for personalize, and a recipients file (and committees.csv) in the project."""
    edits = [SETTINGS, write("people.csv", text)]
    if committees is not None:
        edits.append(write("committees.csv", committees))
    return both(*edits)


def personalize(*options: str) -> list[str]:
    return ["personalize", "mini", "--recipients", PEOPLE, *options]


def at(line: int, col: int) -> str:
    return f"{PEOPLE}:{line}:{col}"


ROWS = HEADER + GOOD
CASES = [
    Case(
        "no-required-column",
        people("id,name,honorific,chamber\nr1,A B,Senator,senate\n"),
        [(at(1, 1), "error", "recipients.columns")],
        args=personalize(),
        message=["the header lacks the required column(s) 'state'", "no recipients are selected"],
    ),
    Case(
        "column-twice",
        people("id,name,honorific,chamber,state,state,office\nr1,A B,Senator,senate,WA,WA,SH-511\n"),
        [(at(1, 33), "error", "recipients.columns")],
        args=personalize(),
        message=["appears twice"],
    ),
    Case(
        "unnamed-column",
        people("id,name,,honorific,chamber,state,office\nr1,A B,x,Senator,senate,WA,SH-511\n"),
        [(at(1, 9), "error", "recipients.columns")],
        args=personalize(),
        message=["column 3 has no name"],
    ),
    Case(
        "unknown-state",
        people(ROWS + "r2,Bo Li,Senator,senate,XX,,D,SH-511,\n"),
        [(at(3, 25), "error", "recipients.state")],
        args=personalize(),
    ),
    Case(
        "unknown-chamber",
        people(ROWS + "r2,Bo Li,Senator,senat,WA,,D,SH-511,\n"),
        [(at(3, 18), "error", "recipients.chamber")],
        args=personalize(),
    ),
    Case(
        "senator-with-district",
        people(ROWS + "r2,Bo Li,Senator,senate,WA,3,D,SH-511,\n"),
        [(at(3, 28), "error", "recipients.district")],
        args=personalize(),
    ),
    Case(
        "district-not-a-number",
        people(ROWS + "r2,Bo Li,Representative,house,WA,A1,D,2468 Rayburn,\n"),
        [(at(3, 34), "error", "recipients.district")],
        args=personalize(),
    ),
    Case(
        "unknown-party",
        people(ROWS + "r2,Bo Li,Senator,senate,WA,,Whig Party,SH-511,\n"),
        [(at(3, 29), "error", "recipients.party")],
        args=personalize(),
    ),
    Case(
        "unsafe-id",
        people(ROWS + "../x,Bo Li,Senator,senate,WA,,D,SH-511,\n"),
        [(at(3, 1), "error", "recipients.id")],
        args=personalize(),
    ),
    Case(
        "duplicate-id",
        people(ROWS + GOOD.replace("Ana Ruiz", "Ann Ruiz")),
        [(at(3, 1), "error", "recipients.duplicate")],
        args=personalize(),
        message=["first on line 2"],
    ),
    Case(
        "quote-never-closed",
        people(ROWS + 'r2,"Bo Li,Senator,senate,WA,,D,SH-511,\n'),
        [(at(3, 4), "error", "recipients.csv")],
        args=personalize(),
        message=["this quote is never closed"],
    ),
    Case(
        "too-many-cells",
        people(ROWS + "r2,Bo Li,Senator,senate,WA,,D,SH-511,,extra\n"),
        [(at(3, 1), "error", "recipients.cells")],
        args=personalize(),
    ),
    Case(
        "not-utf8",
        people(HEADER.encode() + "r1,José,Senator,senate,WA,,D,SH-511,\n".encode("latin-1")),
        [(f"{PEOPLE}:2:7", "error", "file.encoding")],
        args=personalize(),
        other_errors=True,
    ),
    Case(
        "empty-name",
        people(ROWS + "r2,,Senator,senate,WA,,D,SH-511,\n"),
        [(at(3, 4), "error", "recipients.empty")],
        args=personalize(),
    ),
    Case(
        "unknown-committee",
        people(ROWS.replace("HSFA", "HSFX"), "code,name,chamber\nHSFA,Foreign Affairs,house\n"),
        [(at(2, 79), "error", "recipients.committee")],
        args=personalize(),
        message=["did you mean 'HSFA'"],
    ),
    Case(
        "committee-of-the-other-chamber",
        people(ROWS.replace("HSFA", "SSFR"), "code,name,chamber\nSSFR,Foreign Relations,senate\n"),
        [(at(2, 79), "error", "recipients.committee")],
        args=personalize(),
        message=["is a senate committee"],
    ),
    Case(
        "office-cannot-be-placed",
        people(ROWS + "r2,Bo Li,Senator,senate,WA,,D,Main Street 5,\n"),
        [(at(3, 1), "error", "recipients.office")],
        args=personalize(),
    ),
    Case(
        "band-font-lacks-a-character",
        people(ROWS + "r2,Li 李,Senator,senate,WA,,D,SH-511,\n"),
        [(at(3, 1), "error", "personalize.fit")],
        args=personalize(),
        message=["no glyph for '李'"],
    ),
    Case(
        "unknown-committee-filter",
        people(ROWS),
        [("--committee", "error", "recipients.filter")],
        args=personalize("--committee", "HSFX"),
    ),
    Case(
        "unknown-state-filter",
        people(ROWS),
        [("--state", "error", "recipients.filter")],
        args=personalize("--state", "ZZ"),
        message=["unknown state 'ZZ'", "no recipients are selected"],
    ),
    Case(
        "unknown-id-filter",
        people(ROWS),
        [("--id", "error", "recipients.filter")],
        args=personalize("--id", "ok-2"),
        message=["did you mean 'ok-1'"],
    ),
    Case("chamber-filter-not-a-chamber", people(ROWS), [], status=2, args=personalize("--chamber", "senat")),
    Case(
        "shard-out-of-range",
        people(ROWS),
        [],
        status=2,
        args=personalize("--shard", "3/2"),
        message=["write K/N with 1 <= K <= N"],
    ),
    Case("shard-not-a-fraction", people(ROWS), [], status=2, args=personalize("--shard", "half")),
    Case(
        "no-recipients-given",
        SETTINGS,
        [],
        status=2,
        args=["personalize", "mini"],
        message=["name the recipients: --recipients PATH"],
    ),
    Case(
        "recipients-missing",
        SETTINGS,
        [("{root}/nobody.csv", "error", "file.read")],
        args=["personalize", "mini", "--recipients", "{root}/nobody.csv"],
    ),
    Case(
        "recipients-not-csv",
        both(SETTINGS, write("people.txt", ROWS)),
        [("{root}/people.txt", "error", "recipients.source")],
        args=["personalize", "mini", "--recipients", "{root}/people.txt"],
    ),
    Case(
        "recipients-folder-without-legislators",
        both(SETTINGS, write("lists/readme.md", "x")),
        [("{root}/lists", "error", "recipients.source")],
        args=["personalize", "mini", "--recipients", "{root}/lists"],
    ),
    Case(
        "combine-without-shards",
        people(ROWS),
        [],
        args=["personalize", "mini", "--combine"],
        message=["no shard index files"],
    ),
    Case(
        "no-personalize-settings",
        write("people.csv", ROWS),
        [(f"{ORG}:1:1", "error", "personalize.settings")],
        args=personalize(),
    ),
    Case(
        "unknown-url-field",
        both(people(ROWS), replace(ORG, "office={id}", "office={office_id}")),
        [(f"{ORG}:12:56", "error", "personalize.field")],
        args=personalize(),
        message=["known fields: topic, id"],
    ),
    Case("byte-order-mark-is-fine", people("\ufeff" + ROWS), [], status=0, args=personalize()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_recipients(case, built, tmp_path):
    check(case, built, tmp_path)
