"""Corpus: fly-in schedules and Bill Status folders, as an organizer would get them wrong."""

from __future__ import annotations

import pytest

from tests.corpus.harness import Case, both, check, replace, write

ORG = "sources/organization.yaml"
SETTINGS = replace(
    ORG, "defaults:", "personalize: {url: 'https://example.org/{topic}?office={id}'}\ndefaults:"
)
PEOPLE = (
    "id,name,honorific,chamber,state,district,party,office,committees\n"
    "ana,Ana Ruiz,Representative,house,FL,25,D,2470 Rayburn House Office Building,HSFA\n"
    "bo,Bo Li,Senator,senate,WA,,D,511 Hart Senate Office Building,SSFR\n"
    "cy,Cy Park,Representative,house,NM,2,R,1436 Longworth House Office Building,HSFA\n"
)
HEADER = "date,start,duration,team,recipient,topics\n"
GOOD = "2025-03-04,09:30,30,Team A,ana,mini\n"
SCHEDULE = "{root}/day.csv"


def day(rows: str | bytes, *more) -> object:
    """The organization set up for personalize, a recipients file, and the schedule `rows`."""
    return both(SETTINGS, write("people.csv", PEOPLE), write("day.csv", rows), *more)


def flyin(*options: str) -> list[str]:
    return ["flyin", SCHEDULE, "--recipients", "{root}/people.csv", *options]


def at(line: int, col: int) -> str:
    return f"day.csv:{line}:{col}"  # shown relative to the project, like every file in it


CASES = [
    Case(
        "unknown-recipient",
        day(HEADER + "2025-03-04,09:30,30,Team A,anna,mini\n"),
        [(at(2, 28), "error", "flyin.recipient")],
        args=flyin(),
        message=["unknown recipient 'anna' (did you mean 'ana'?)", "nothing was written"],
    ),
    Case(
        "unknown-topic",
        day(HEADER + "2025-03-04,09:30,30,Team A,ana,mini minni\n"),
        [(at(2, 37), "error", "flyin.topic")],
        args=flyin(),
        message=["unknown topic 'minni' (did you mean 'mini'?)"],
    ),
    Case(
        "bad-date",
        day(HEADER + "2025-02-30,09:30,30,Team A,ana,mini\n"),
        [(at(2, 1), "error", "flyin.date")],
        args=flyin(),
        message=["'2025-02-30' is not a date: write YYYY-MM-DD"],
    ),
    Case(
        "bad-time",
        day(HEADER + "2025-03-04,9.30,30,Team A,ana,mini\n"),
        [(at(2, 12), "error", "flyin.time")],
        args=flyin(),
        message=["'9.30' is not a time: write HH:MM on the 24-hour clock"],
    ),
    Case(
        "bad-duration",
        day(HEADER + "2025-03-04,09:30,half an hour,Team A,ana,mini\n"),
        [(at(2, 18), "error", "flyin.duration")],
        args=flyin(),
    ),
    Case(
        "team-in-two-places",
        day(HEADER + GOOD + "2025-03-04,09:45,30,Team A,bo,mini\n"),
        [(at(3, 12), "error", "flyin.overlap")],
        args=flyin(),
        message=["team 'Team A' has two meetings at once: this one (09:45-10:15, bo) overlaps line 2"],
    ),
    Case(
        "office-booked-twice",
        day(HEADER + GOOD + "2025-03-04,09:40,30,Team B,ana,mini\n"),
        [(at(3, 28), "error", "flyin.double-booked")],
        args=flyin(),
        message=[
            "office 'ana' is booked twice at once: team 'Team B' (09:40-10:10) and team 'Team A' on line 2"
        ],
    ),
    Case(
        "duplicate-row",
        day(HEADER + GOOD + GOOD),
        [(at(3, 1), "error", "flyin.duplicate")],
        args=flyin(),
        message=["this row repeats line 2"],
    ),
    Case(
        "walk-too-short-strict",
        day(HEADER + GOOD + "2025-03-04,10:05,30,Team A,bo,mini\n"),
        [(at(3, 12), "warning", "flyin.walk")],
        args=flyin("--strict"),
        message=["has 5 minutes to walk from Rayburn to Hart", "the walk takes about 22 minutes"],
    ),
    Case(
        "after-hours-strict",
        day(HEADER + "2025-03-04,17:45,30,Team A,ana,mini\n"),
        [(at(2, 12), "warning", "flyin.hours")],
        args=flyin("--strict"),
        message=["the meeting runs 17:45-18:15, outside office hours"],
    ),
    Case(
        "missing-column",
        day("date,start,team,recipient\n2025-03-04,09:30,Team A,ana\n"),
        [(at(1, 1), "error", "flyin.columns")],
        args=flyin(),
        message=["the header lacks the required column(s) 'topics'"],
    ),
    Case(
        "quote-never-closed",
        day(HEADER + '2025-03-04,09:30,30,"Team A,ana,mini\n'),
        [(at(2, 21), "error", "flyin.csv")],
        args=flyin(),
        other_errors=True,
    ),
    Case(
        "not-utf8",
        day((HEADER + "2025-03-04,09:30,30,Équipe,ana,mini\n").encode("latin-1")),
        [(at(2, 21), "error", "file.encoding")],  # the 'É' written in Latin-1
        args=flyin(),
    ),
    Case(
        "byte-order-mark-is-fine-but-team-folders-collide",
        day(("\ufeff" + HEADER + GOOD + "2025-03-04,10:30,30,team a,cy,mini\n").encode()),
        [(at(3, 21), "error", "flyin.team")],
        args=flyin(),
        message=["team 'team a' and team 'Team A' (line 2) would share the folder 'team-a'"],
    ),
    Case(
        "team-without-letters",
        day(HEADER + "2025-03-04,09:30,30,***,ana,mini\n"),
        [(at(2, 21), "error", "flyin.team")],
        args=flyin(),
    ),
    Case(
        "walking-override-unknown-building",
        day(
            HEADER + GOOD,
            write(
                "sources/flyin/walking.yaml",
                "walks:\n  - {between: [Rayburn, Hartt], minutes: 9, estimate: ours}\n",
            ),
        ),
        [("sources/flyin/walking.yaml:2:25", "error", "schema.choice")],
        args=flyin(),
        message=["not 'Hartt' (did you mean 'Hart'?)"],
    ),
    Case(
        "walking-figure-without-basis",
        day(
            HEADER + GOOD,
            write("sources/flyin/walking.yaml", "walks:\n  - {between: [Rayburn, Hart], minutes: 9}\n"),
        ),
        [("sources/flyin/walking.yaml:2:5", "error", "schema.type")],
        args=flyin(),
        message=["a figure needs a 'source' (a public page) or an 'estimate'"],
    ),
    Case(
        "bills-file-not-xml",
        both(
            SETTINGS,
            write("people.csv", PEOPLE),
            write("bills/BILLSTATUS-117hr2471.xml", "<billStatus><bill>\n</bil>"),
        ),
        [("bills/BILLSTATUS-117hr2471.xml:2:3", "error", "bills.format")],
        args=["personalize", "mini", "--recipients", "{root}/people.csv", "--bills", "{root}/bills"],
    ),
    Case(
        "bills-file-another-format",
        both(
            SETTINGS,
            write("people.csv", PEOPLE),
            write("bills/x.xml", "<?xml version='1.0'?>\n<rss><channel/></rss>\n"),
        ),
        [("bills/x.xml:2:1", "error", "bills.format")],
        args=["personalize", "mini", "--recipients", "{root}/people.csv", "--bills", "{root}/bills"],
        message=["not Bill Status XML: the root element is <rss>"],
    ),
    Case(
        "bills-entity-refused",
        both(
            SETTINGS,
            write("people.csv", PEOPLE),
            write(
                "bills/b.xml",
                '<?xml version="1.0"?>\n<!DOCTYPE b [<!ENTITY x "xx">]>\n<billStatus>&x;</billStatus>\n',
            ),
        ),
        [("bills/b.xml:1:1", "error", "bills.format")],
        args=["personalize", "mini", "--recipients", "{root}/people.csv", "--bills", "{root}/bills"],
        message=["declares a DTD or entities, which are never read"],
    ),
    Case(
        "bills-folder-missing",
        both(SETTINGS, write("people.csv", PEOPLE)),
        [("nowhere", "error", "bills.folder")],
        args=["personalize", "mini", "--recipients", "{root}/people.csv", "--bills", "{root}/nowhere"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_flyin_case(case, built, tmp_path):
    check(case, built, tmp_path)
