"""press personalize when a worker dies, hangs or runs out of memory; formula-like cells; no copy made."""

from __future__ import annotations

import csv
import io
import os
import signal
import time

import pytest

from pipeline.cli import main
from pipeline.personalize import run as personalize_run
from tests.conftest import copy_project
from tests.personalize.test_run import EPOCH, SAMPLE_CSV

FOLDER = "out/personalized/sanctions"


def press(root, *args: str) -> tuple[int, str, str]:
    """`press personalize sanctions ...` in this process (so that a patched module reaches the workers)."""
    out, err = io.StringIO(), io.StringIO()
    from contextlib import redirect_stderr, redirect_stdout

    with redirect_stdout(out), redirect_stderr(err):
        status = main(["personalize", "sanctions", "--root", str(root), *args])
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "fault, message",
    [
        ("crash", "the worker crashed (SIGKILL)"),
        ("hang", "took longer than 20 s and was stopped"),
        ("hog", "ran out of memory (the limit is 1024 MB per worker)"),
    ],
)
def test_a_worker_that_dies_fails_its_chunk_by_name_and_the_others_are_made(
    tmp_path, monkeypatch, fault, message
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(personalize_run, "CHUNK", 2)

    def stamp_copies(root, base, copies):
        if any(c.id == "sample-tran" for c in copies):
            if fault == "crash":
                os.kill(os.getpid(), signal.SIGKILL)
            if fault == "hang":
                time.sleep(120)
            bytearray(1 << 32)
        return stamp_real(root, base, copies)

    stamp_real = personalize_run._stamp_copies
    monkeypatch.setattr(personalize_run, "_stamp_copies", stamp_copies)
    root = copy_project(tmp_path / "p")
    status, out, err = press(
        root, "--recipients", str(SAMPLE_CSV), "--timeout", "20", "--memory-limit", "1024"
    )
    assert status == 1
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "[personalize.worker]" in line]
    assert len(lines) == 2  # the chunk of two that held the failing copy; each office named at its row
    assert all(line.endswith(f": no copy made: {message} [personalize.worker]") for line in lines)
    assert any("(sample-tran): no copy made" in line for line in lines)
    made = sorted(p.name for p in (root / FOLDER).glob("*.pdf") if not p.name.endswith("-print.pdf"))
    assert len(made) == 8 and "sample-tran.pdf" not in made
    with (root / FOLDER / "index.csv").open(encoding="utf-8", newline="") as file:
        assert len(list(csv.DictReader(file))) == 8
    assert "made and checked 8 of 10 offices" in out


HEADER = "id,name,honorific,short,chamber,state,district,party,office,committees\n"


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = copy_project(tmp_path / "p")
    people = root / "people.csv"
    people.write_text(
        HEADER + 'r1,"HYPERLINK(""https://evil.example/"")",=1+1,,house,FL,27,R,'
        "2468 Rayburn House Office Building,HSFA\n"
        + "r2,Ana Ruiz,+Senator,,senate,FL,,D,@SR-100,\n"
        + "r3,Bo Li,-Representative,,house,FL,25,D,'2470 Rayburn House Office Building,\n",
        encoding="utf-8",
    )
    status, _, err = press(root, "--recipients", str(people))
    assert status == 1  # those two offices cannot be placed in the walking order; their copies are made
    assert [line.split(": error: ")[0].split("/")[-1] for line in err.splitlines() if "error:" in line] == [
        "people.csv:3:1",
        "people.csv:4:1",
    ]
    with (root / FOLDER / "index.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    names = {row[1]: row[2] for row in rows[1:]}
    assert names["r1"] == '\'=1+1 HYPERLINK("https://evil.example/") (R-FL-27)'
    assert names["r2"] == "'+Senator Ana Ruiz (D-FL)"
    assert names["r3"] == "'-Representative Bo Li (D-FL-25)"
    offices = {row[1]: row[3] for row in rows[1:]}
    assert offices["r2"] == "'@SR-100" and offices["r3"] == "''2470 Rayburn House Office Building"
    # Shards combine through the same index files: the disarming quote is taken off when they are read.
    for k in (1, 2):
        press(root, "--recipients", str(people), "--shard", f"{k}/2")
    status, _, err = press(root, "--combine")
    assert status == 0, err
    with (root / FOLDER / "index.csv").open(encoding="utf-8", newline="") as file:
        assert list(csv.reader(file)) == rows


def test_with_no_copy_made_no_print_file_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = copy_project(tmp_path / "p")
    people = root / "people.csv"
    people.write_text(HEADER + "r1,Li 李,Representative,,house,FL,27,R,2468 Rayburn House Office Building,\n")
    status, out, err = press(root, "--recipients", str(people))
    assert status == 1
    assert out.splitlines()[-1].startswith(f"press: made and checked 0 of 1 office in {FOLDER}/ (")
    assert out.splitlines()[-1].endswith(f"index {FOLDER}/index.csv; no print file, as no copy was made")
    assert not (root / FOLDER / "sanctions-print.pdf").exists()
    assert "the band font has no glyph for '李'" in err


def test_an_address_too_long_for_a_qr_code_is_an_error_at_the_office_not_a_failed_chunk(
    tmp_path, monkeypatch
):
    from tests.conftest import edit

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = copy_project(tmp_path / "p")
    long = "https://setf.ngo/briefings/{topic}?office={id}&from=" + "x" * 2300
    edit(
        root,
        "url: https://setf.ngo/briefings/{topic}?office={id}",
        f"url: {long}",
        "sources/organization.yaml",
    )
    people = root / "people.csv"
    people.write_text(
        HEADER + "r1,Ana Ruiz,Representative,,house,FL,25,D,2470 Rayburn House Office Building,\n"
    )
    status, _, err = press(root, "--recipients", str(people))
    assert status == 1
    assert (
        f"{people}:2:1: error: Representative Ana Ruiz (r1): the QR code's address is 2352 bytes long and a "
        "QR code holds at most 2331; shorten personalize.url; no copy made [personalize.url]"
    ) in err.splitlines()
    assert err.splitlines()[-1] == "press: 1 problem; no copy was made"
    assert "internal error" not in err and not (root / FOLDER / "r1.pdf").exists()
