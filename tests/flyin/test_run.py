"""press flyin end to end on the minimal project: the files a team gets, and what a rescheduling remakes."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.pdf.audit import audit_file, pdf_files
from tests.conftest import copy_project, edit

PEOPLE = (
    "id,name,honorific,chamber,state,district,party,office,committees\n"
    "ana,Ana Ruiz,Representative,house,FL,25,D,2470 Rayburn House Office Building,HSFA\n"
    "bo,Bo Li,Senator,senate,WA,,D,511 Hart Senate Office Building,SSFR\n"
    "cy,Cy Park,Representative,house,NM,2,R,1436 Longworth House Office Building,HSFA\n"
)
SCHEDULE = (
    "date,start,duration,team,recipient,topics,staffer,notes\n"
    "2025-03-04,09:30,30,Team A,ana,mini,Lena Park,\n"
    "2025-03-04,10:30,,Team A,cy,mini,,\n"
    "2025-03-04,09:30,45,Équipe B,bo,mini,,=HYPERLINK(x)\n"
)
DAY = "out/flyin/2025-03-04"


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741046400")  # 2025-03-04
    root = copy_project(tmp_path / "p", "minimal")
    edit(root, "defaults:", "personalize: {url: 'https://example.org/{topic}?office={id}'}\ndefaults:",
         "sources/organization.yaml")  # fmt: skip
    (root / "people.csv").write_text(PEOPLE)
    (root / "day.csv").write_text(SCHEDULE)
    return root


def flyin(root: Path, capsys) -> tuple[int, str]:
    status = main(
        ["flyin", str(root / "day.csv"), "--recipients", str(root / "people.csv"), "--root", str(root)]
    )
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def hashes(root: Path) -> dict[str, str]:
    out = root / "out" / "flyin"
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*.pdf")
    }


def test_each_team_gets_its_itinerary_and_packet(root, capsys):
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    status, text = flyin(root, capsys)
    assert status == 0, text
    assert "press: 2 teams made, 0 up to date (2025-03-04); 3 one-pagers made, 0 reused" in text
    assert sorted(hashes(root)) == [
        "2025-03-04/equipe-b/itinerary.pdf", "2025-03-04/equipe-b/packet.pdf", "2025-03-04/overview.pdf",
        "2025-03-04/team-a/itinerary.pdf", "2025-03-04/team-a/packet.pdf",
        "one-pagers/mini/ana.pdf", "one-pagers/mini/bo.pdf", "one-pagers/mini/cy.pdf",
    ]  # fmt: skip
    itinerary = pdfium.PdfDocument(root / DAY / "team-a/itinerary.pdf")
    words = " ".join(itinerary[0].get_textpage().get_text_range().split())
    for expected in ("Team A", "Tuesday, March 4, 2025", "09:30", "Representative Ana Ruiz (D-FL-25)",
                     "2470 Rayburn", "Floor 4", "With Lena Park", "First meeting of the day",
                     "5 min walk from Rayburn · 30 min free"):  # fmt: skip
        assert expected in words, expected
    packet = PdfReader(root / DAY / "team-a/packet.pdf")
    assert len(packet.pages) == len(itinerary) + 2
    assert [o.title for o in packet.outline] == [
        "Itinerary: Team A",
        "09:30 Representative Ana Ruiz (D-FL-25) · 2470 Rayburn House Office Building",
        "10:30 Representative Cy Park (R-NM-2) · 1436 Longworth House Office Building",
    ]
    assert "Prepared for the office of Representative Cy Park" in packet.pages[-1].extract_text()
    rows = list(csv.DictReader(io.StringIO((root / DAY / "meetings.csv").read_text())))
    assert [(r["team"], r["folder"], r["start"], r["end"]) for r in rows] == [
        ("Team A", "team-a", "09:30", "10:00"), ("Team A", "team-a", "10:30", "11:00"),
        ("Équipe B", "equipe-b", "09:30", "10:15"),
    ]  # fmt: skip
    assert rows[2]["notes"] == "'=HYPERLINK(x)"  # a spreadsheet shows it as text
    files, _ = pdf_files([root / "out/flyin"])  # itineraries, packets, the overview, the copies: PDF/UA-1
    assert len(files) == 8 and [str(f) for path in files for f in audit_file(path)] == []


def test_a_second_run_makes_nothing_and_a_moved_meeting_remakes_one_team(root, capsys):
    assert flyin(root, capsys)[0] == 0
    first = hashes(root)
    status, text = flyin(root, capsys)
    assert (
        status == 0 and "press: 0 teams made, 2 up to date (2025-03-04); 0 one-pagers made, 3 reused" in text
    )
    assert hashes(root) == first
    edit(root, "2025-03-04,09:30,45,Équipe B", "2025-03-04,11:00,45,Équipe B", "day.csv")
    status, text = flyin(root, capsys)
    assert (
        status == 0 and "press: 1 team made, 1 up to date (2025-03-04); 0 one-pagers made, 3 reused" in text
    )
    now = hashes(root)
    changed = sorted(k for k in now if now[k] != first[k])
    assert changed == ["2025-03-04/equipe-b/itinerary.pdf", "2025-03-04/equipe-b/packet.pdf",
                       "2025-03-04/overview.pdf"]  # fmt: skip


def test_a_team_no_longer_scheduled_loses_its_folder(root, capsys):
    assert flyin(root, capsys)[0] == 0
    edit(root, "2025-03-04,09:30,45,Équipe B,bo,mini,,=HYPERLINK(x)\n", "", "day.csv")
    assert flyin(root, capsys)[0] == 0
    assert not (root / DAY / "equipe-b").exists() and (root / DAY / "team-a" / "packet.pdf").is_file()


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_big_day_overview_is_made_a_page_at_a_time_and_a_move_remakes_one_page(root, capsys, paper):
    from pypdf import PdfReader

    edit(root, "page_size: letter", f"page_size: {paper}", "sources/organization.yaml")
    teams, rows = 20, ["date,start,duration,team,recipient,topics"]
    for t in range(teams):  # 20 teams of 3 five-minute meetings with one office, one after another
        for k in range(3):
            minutes = 9 * 60 + (3 * t + k) * 5
            rows.append(f"2025-03-04,{minutes // 60:02d}:{minutes % 60:02d},5,Team {t + 1:02d},ana,mini")
    (root / "day.csv").write_text("\n".join(rows) + "\n")
    status, text = flyin(root, capsys)
    assert status == 0, text
    parts = root / "out/.press/flyin/parts"
    before = {p.name: p.read_bytes() for p in parts.iterdir()}
    overview = PdfReader(root / DAY / "overview.pdf")
    assert len(before) == len(overview.pages) == 3  # each part is one full page: none runs over
    assert round(float(overview.pages[0].mediabox.height)) == {"letter": 792, "a4": 842}[paper]
    marks = [(o.title, overview.get_destination_page_number(o)) for o in overview.outline]
    names = [f"Team {t:02d}" for t in range(1, teams + 1)]
    assert [title for title, _ in marks] == ["Tuesday, March 4, 2025", *names]
    for title, page in marks:  # each team's bookmark opens the page its block is on
        assert title in overview.pages[page].extract_text()
    assert [page for _, page in marks] == sorted(page for _, page in marks)
    assert "20 teams · 60 meetings · 1 office" in overview.pages[0].extract_text()
    assert [str(f) for f in audit_file(root / DAY / "overview.pdf")] == []  # still tagged: PDF/UA-1

    edit(root, "2025-03-04,13:55,5,Team 20", "2025-03-04,14:00,5,Team 20", "day.csv")  # its last meeting
    status, text = flyin(root, capsys)
    assert status == 0 and "press: 1 team made, 19 up to date (2025-03-04)" in text, text
    after = {p.name: p.read_bytes() for p in parts.iterdir()}
    assert len(set(after) - set(before)) == 1 and len(set(before) - set(after)) == 1  # one page remade
    moved = PdfReader(root / DAY / "overview.pdf")
    assert "14:00" in moved.pages[-1].extract_text() and "13:55" not in moved.pages[-1].extract_text()
    assert [p.extract_text() for p in moved.pages[:-1]] == [p.extract_text() for p in overview.pages[:-1]]


def test_recipients_outside_the_project_may_be_reached_through_a_linked_folder(
    root, tmp_path, capsys, monkeypatch
):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "people.csv").write_text(PEOPLE)
    (tmp_path / "shared").symlink_to(tmp_path / "data")  # as ../shared may be, beside a checkout
    monkeypatch.chdir(root)  # named as the README names it: ../shared/...
    status = main(["flyin", "day.csv", "--recipients", "../shared/people.csv"])
    captured = capsys.readouterr()
    assert status == 0 and "file.outside" not in captured.err, captured.err
    assert (root / DAY / "team-a" / "packet.pdf").is_file()


def test_a_topic_with_no_bill_in_the_folder_gets_no_empty_bills_line(root, capsys):
    import shutil

    from tests.personalize.test_bills import BILLS, needs_bills

    if not BILLS.is_dir():
        pytest.skip(needs_bills.kwargs["reason"])
    (root / "bills").mkdir()
    shutil.copy(BILLS / "BILLSTATUS-117hr2471.xml", root / "bills")  # a bill the fixture topic does not name
    status = main(["flyin", str(root / "day.csv"), "--recipients", str(root / "people.csv"), "--root",
                   str(root), "--bills", str(root / "bills")])  # fmt: skip
    text = capsys.readouterr().out
    assert status == 0 and "press: 2 teams made" in text, text
    assert "press: bills:" not in text  # personalize prints none either when no bill is in the folder
