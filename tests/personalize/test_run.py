"""press personalize: a verified one-pager per office, the index, the print file, shards, what readers get."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_project, edit, eject

CONGRESS = REPO.parent / "shared" / "data" / "congress-legislators"
SAMPLE_CSV = REPO / "sources" / "recipients" / "sample.csv"
EPOCH = "1731628800"  # 2024-11-15
TITLE = "Keep Sanctions on the Assad Regime"
URL = "https://setf.ngo/briefings/sanctions?office="
HEADER = "id,name,honorific,short,chamber,state,district,party,office,committees\n"


def press(root: Path, *args: str, topic: str = "sanctions") -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "personalize", topic, "--root", str(root), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def problems(result: subprocess.CompletedProcess) -> list[str]:
    """stderr without the sample topics' review-date warnings."""
    return [line for line in result.stderr.splitlines() if "[topic.stale]" not in line]


def index(root: Path) -> list[dict]:
    with (root / "out/personalized/sanctions/index.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def texts(data: bytes) -> tuple[str, str]:
    """The page's text as pypdf and as pdfium extract it."""
    import pypdf
    import pypdfium2 as pdfium

    by_pypdf = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    document = pdfium.PdfDocument(data)
    by_pdfium = document[0].get_textpage().get_text_range()
    document.close()
    return by_pypdf, by_pdfium.replace("\r\n", "\n")


def qr_codes(data: bytes) -> list[str]:
    import pypdfium2 as pdfium
    import zxingcpp

    document = pdfium.PdfDocument(data)
    image = document[0].render(scale=3).to_pil()
    document.close()
    return [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """The sample project personalized for the ten offices of sources/recipients/sample.csv."""
    root = copy_project(tmp_path_factory.mktemp("personal"))
    result = press(root, "--recipients", str(SAMPLE_CSV), "--jobs", "2")
    return root, result


def test_sample_run_makes_a_file_per_office_the_index_and_the_print_file(sample_run):
    import pypdf

    root, result = sample_run
    assert result.returncode == 0, result.stderr
    assert problems(result) == []
    assert (
        result.stderr.splitlines()
        == [  # only this topic's warning; the other topics are not this run's business
            "sources/topics/sanctions.yaml:8:12: warning: topic 'sanctions' was due for review on "
            "2025-05-15; check the "
            "facts and move review_by forward [topic.stale]"
        ]
    )
    assert result.stdout.startswith(
        "press: made and checked 10 of 10 offices in out/personalized/sanctions/ ("
    )
    assert result.stdout.rstrip().endswith(  # the print file is named, and not said to be missing
        "index out/personalized/sanctions/index.csv and out/personalized/sanctions/sanctions-print.pdf"
    )
    rows = index(root)
    assert [r["order"] for r in rows] == [str(i) for i in range(1, 11)]
    # Walking order: the House buildings west to east (floor by floor), the Capitol, then the Senate
    # buildings.
    assert [r["recipient"] for r in rows] == [
        "sample-mcallister",
        "sample-nunez",
        "sample-tran",
        "sample-reyes",
        "sample-oconnell",
        "sample-okafor",
        "sample-lindqvist",
        "sample-whitehorse",
        "sample-delacroix",
        "sample-abernathy",
    ]
    assert rows[1]["name"] == "Representative José Ñúñez-O'Brien (D-NM-2)"
    for row in rows:
        data = (root / row["file"]).read_bytes()
        assert row["file"] == f"out/personalized/sanctions/{row['recipient']}.pdf"
        assert hashlib.sha256(data).hexdigest() == row["sha256"] and row["pages"] == "1"
    printed = pypdf.PdfReader(root / "out/personalized/sanctions/sanctions-print.pdf")
    assert len(printed.pages) == 10
    assert [item.title for item in printed.outline] == [
        f"{r['name']} · {r['office']}" if r["office"] else r["name"] for r in rows
    ]
    assert [printed.get_destination_page_number(item) for item in printed.outline] == list(range(10))
    assert (
        printed.pages[2]
        .extract_text()
        .startswith("Prepared for the office of Representative Nguyễn Thị Mai Tran (R-WY-AL)")
    )


def test_each_copy_reads_band_first_with_its_exact_line_in_pypdf_and_pdfium(sample_run):
    root, _ = sample_run
    data = (root / "out/personalized/sanctions/sample-nunez.pdf").read_bytes()
    for text in texts(data):
        lines = text.splitlines()
        assert lines[:3] == [
            "Prepared for the office of Representative José Ñúñez-O'Brien (D-NM-2)",
            "Committees: Foreign Affairs",
            "Printed November 15, 2024 · Scan the code for the full briefing and sources",
        ]
        assert text.index("Ñúñez-O'Brien") < text.index(TITLE)
    senator = texts((root / "out/personalized/sanctions/sample-abernathy.pdf").read_bytes())[0]
    assert senator.splitlines()[:2] == [
        "Prepared for the office of Senator Zoë Abernathy-Kowalczyk (D-WI)",
        "Committees: Foreign Relations; Banking, Housing, and Urban Affairs",
    ]
    no_committee = texts((root / "out/personalized/sanctions/sample-delacroix.pdf").read_bytes())[0]
    second = no_committee.splitlines()[1]
    assert second == "Printed November 15, 2024 · Scan the code for the full briefing and sources"


def test_each_copy_is_one_page_with_every_font_embedded_and_the_band_tagged(sample_run):
    import pikepdf

    from pipeline.pdf.inspect import check_fonts, embedded_fonts

    root, _ = sample_run
    data = (root / "out/personalized/sanctions/sample-tran.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        fonts = pdf.pages[0].Resources.Font
        for name in fonts.keys():
            descriptor = fonts[name].DescendantFonts[0].FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), name
        tree = pdf.Root.StructTreeRoot
        first = tree.K[0].K[0]
        mcid = int(first.K[0])
        assert (str(first.S), list(first.K)) == ("/P", [mcid])
        nums = tree.ParentTree.Nums
        marks = nums[list(nums)[::2].index(int(pdf.pages[0].StructParents)) * 2 + 1]
        assert marks[mcid].objgen == first.objgen
        band = pdf.pages[0].Contents[0].read_bytes()
        assert band.startswith(f"q\n/P <</MCID {mcid}>> BDC".encode())
    assert (
        check_fonts(embedded_fonts(data), ["Source Serif 4", "Source Serif 4 Display", "Source Sans 3"]) == []
    )


def test_the_band_and_the_pages_hyphenation_share_a_glyph_and_each_reads_as_a_hyphen(tmp_path):
    # The refugee-return one-pager hyphenates ("docu-mented") with the base layout's hyphenate-character '-',
    # the glyph names like Ñúñez-O'Brien use: both read as '-', and pdfium joins each broken word.
    # (A page that draws another character with that glyph: tests/pdf/test_update.py.)
    root = copy_project(tmp_path / "p")
    result = press(
        root, "--recipients", str(SAMPLE_CSV), "--id", "sample-nunez", "--jobs", "1", topic="refugee-return"
    )
    assert result.returncode == 0, result.stderr
    data = (root / "out/personalized/refugee-return/sample-nunez.pdf").read_bytes()
    by_pypdf, by_pdfium = texts(data)
    for text in (by_pypdf, by_pdfium):
        assert text.splitlines()[0] == "Prepared for the office of Representative José Ñúñez-O'Brien (D-NM-2)"
        assert "\u2010" not in text
    broken = re.findall(r"(\w+)-\n(\w+)", by_pypdf)
    joined = by_pdfium.replace("\ufffe", "")  # pdfium marks where it joined the halves
    assert ("docu", "mented") in broken and all(head + tail in joined for head, tail in broken)


def test_every_copy_and_the_print_file_audit_clean_with_the_qr_code_a_linked_figure(sample_run):
    import pikepdf

    from pipeline.pdf.audit import audit_file, pdf_files

    root, _ = sample_run
    files, _ = pdf_files([root / "out/personalized/sanctions"])
    assert len(files) == 11  # ten copies and the print file
    assert [str(f) for path in files for f in audit_file(path)] == []
    with pikepdf.open(root / "out/personalized/sanctions/sample-tran.pdf") as pdf:
        link = pdf.Root.StructTreeRoot.K[0].K[1]
        figure, objr = link.K
        assert (str(link.S), str(figure.S)) == ("/Link", "/Figure")
        assert str(figure.Alt) == f"QR code: the full briefing at {URL}sample-tran"
        assert str(objr.Obj.A.URI) == f"{URL}sample-tran"
    with pikepdf.open(root / "out/personalized/sanctions/sanctions-print.pdf") as pdf:
        links = [e for e in pdf.Root.StructTreeRoot.K[0].K if e.S == "/Link"]
        rows = index(root)
        assert [str(link.K[1].Obj.A.URI) for link in links] == [URL + row["recipient"] for row in rows]


def test_each_qr_code_decodes_to_its_office_address(sample_run):
    root, _ = sample_run
    rows = index(root)
    assert len(rows) == 10
    for row in rows:
        assert qr_codes((root / row["file"]).read_bytes()) == [URL + row["recipient"]]


def test_same_inputs_give_the_same_bytes(sample_run, tmp_path):
    root, _ = sample_run
    again = copy_project(tmp_path / "again")
    assert press(again, "--recipients", str(SAMPLE_CSV), "--jobs", "1").returncode == 0
    assert index(again) == index(root)
    folder = "out/personalized/sanctions/sanctions-print.pdf"
    assert (again / folder).read_bytes() == (root / folder).read_bytes()


def test_shards_combine_into_the_unsharded_index_and_print_file(sample_run, tmp_path):
    root, _ = sample_run
    sharded = copy_project(tmp_path / "sharded")
    for k in ("1/3", "2/3", "3/3"):
        result = press(sharded, "--recipients", str(SAMPLE_CSV), "--shard", k, "--jobs", "1")
        assert result.returncode == 0, result.stderr
    folder = sharded / "out/personalized/sanctions"
    assert sorted(p.name for p in folder.glob("index*.csv")) == [
        "index-1-of-3.csv",
        "index-2-of-3.csv",
        "index-3-of-3.csv",
    ]
    parts = [list(csv.DictReader(p.open(encoding="utf-8"))) for p in sorted(folder.glob("index-*.csv"))]
    assert sorted(r["recipient"] for part in parts for r in part) == sorted(
        r["recipient"] for r in index(root)
    )
    assert not (folder / "sanctions-print.pdf").exists()
    result = press(sharded, "--combine")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "press: combined 10 offices into out/personalized/sanctions/index.csv and "
        "out/personalized/sanctions/sanctions-print.pdf\n"
    )
    assert index(sharded) == index(root)
    assert (folder / "sanctions-print.pdf").read_bytes() == (
        root / "out/personalized/sanctions/sanctions-print.pdf"
    ).read_bytes()


def test_combine_names_a_missing_shard(tmp_path):
    root = copy_project(tmp_path / "p")
    assert press(root, "--recipients", str(SAMPLE_CSV), "--shard", "2/2", "--jobs", "1").returncode == 0
    result = press(root, "--combine")
    assert result.returncode == 1
    assert problems(result) == ["press: error: shard(s) 1/2 have not been made; run them first"]


def test_a_long_name_takes_its_short_form_and_one_too_long_for_both_is_reported(tmp_path):
    root = copy_project(tmp_path / "p")
    long = "Alexandria Bartholomew-Montgomery Featherstonehaugh-Cholmondeley de la Vallée-Poussin"
    (root / "people.csv").write_text(
        HEADER + f"r1,{long},Representative,Rep. Featherstonehaugh,house,FL,27,R,"
        "2468 Rayburn House Office Building,HSFA\n"
        + f"r2,{long},Representative,{long},house,FL,26,R,2469 Rayburn House Office Building,HSFA\n"
        + "r3,Ana Ruiz,Representative,Rep. Ruiz,house,FL,25,D,2470 Rayburn House Office Building,HSFA\n",
        encoding="utf-8",
    )
    result = press(root, "--recipients", "people.csv", "--jobs", "1")
    assert result.returncode == 1
    assert problems(result) == [
        f"people.csv:3:1: error: Representative {long} (r2): band line 1 does not fit even in its short "
        "form: "
        f"'Prepared for the office of {long} (R-FL-26)' is 539pt wide and the band holds 462pt; no copy made "
        "[personalize.fit]",
        "press: 1 problem; the other copies were made",
    ]
    assert [r["recipient"] for r in index(root)] == ["r1", "r3"]
    first = texts((root / "out/personalized/sanctions/r1.pdf").read_bytes())[0]
    assert first.splitlines()[0] == "Prepared for the office of Rep. Featherstonehaugh (R-FL-27)"
    assert not (root / "out/personalized/sanctions/r2.pdf").exists()


def test_a_character_the_band_font_lacks_is_reported_by_name(tmp_path):
    root = copy_project(tmp_path / "p")
    (root / "people.csv").write_text(
        HEADER
        + "r1,Li 李,Representative,,house,CA,1,D,2468 Rayburn House Office Building,HSFA\n"
        + "r2,Ana Ruiz,Representative,,house,FL,25,D,2470 Rayburn House Office Building,HSFA\n",
        encoding="utf-8",
    )
    result = press(root, "--recipients", "people.csv", "--jobs", "1")
    assert result.returncode == 1
    assert problems(result)[0] == (
        "people.csv:2:1: error: Representative Li 李 (r1): the band font has no glyph "
        "for '李'; no copy made [personalize.fit]"
    )
    assert [r["recipient"] for r in index(root)] == ["r2"]


def test_a_bad_recipient_row_is_located_and_the_others_are_still_made(tmp_path):
    root = copy_project(tmp_path / "p")
    (root / "people.csv").write_text(
        HEADER
        + "r1,Ana Ruiz,Representative,,house,XX,25,D,2470 Rayburn House Office Building,HSFA\n"
        + "r2,Zoë Åberg,Representative,,house,FL,26,D,2471 Rayburn House Office Building,HSFA\n",
        encoding="utf-8",
    )
    result = press(root, "--recipients", "people.csv", "--jobs", "1")
    assert result.returncode == 1
    assert problems(result) == [
        "people.csv:2:35: error: unknown state code 'XX' (use a two-letter postal code such as 'WA', 'DC' or "
        "'PR') "
        "[recipients.state]",
        "press: 1 problem; the other copies were made",
    ]
    assert [r["recipient"] for r in index(root)] == ["r2"]
    assert texts((root / "out/personalized/sanctions/r2.pdf").read_bytes())[0].startswith(
        "Prepared for the office of Representative Zoë Åberg (D-FL-26)"
    )


def test_an_unknown_field_in_the_url_template_is_located(tmp_path):
    root = copy_project(tmp_path / "p")
    edit(root, "office={id}", "office={office_id}", "sources/organization.yaml")
    result = press(root, "--recipients", str(SAMPLE_CSV))
    assert result.returncode == 1
    assert problems(result) == [
        "sources/organization.yaml:27:50: error: unknown field '{office_id}' in personalize.url; known "
        "fields: "
        "topic, id, chamber, state, district, party [personalize.field]",
        "press: 1 error; nothing was written",
    ]
    assert not (root / "out/personalized").exists()
    check = subprocess.run(
        [sys.executable, "-m", "pipeline", "check", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 1 and problems(check)[0] == problems(result)[0]


def test_layout_extra_columns_can_appear_in_the_band(tmp_path):
    root = eject(copy_project(tmp_path / "p"), "layout.yaml")
    edit(
        root,
        '      - long: "Printed {date} · Scan the code for the full briefing and sources"\n',
        '      - long: "Printed {date} · Meeting {meeting} with {staffer}"\n',
        "layouts/base/layout.yaml",
    )
    edit(
        root,
        "  band:\n    lines:\n",
        "  band:\n    extra: [meeting, staffer]\n    lines:\n",
        "layouts/base/layout.yaml",
    )
    result = press(root, "--recipients", str(SAMPLE_CSV), "--id", "sample-nunez", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    line = texts((root / "out/personalized/sanctions/sample-nunez.pdf").read_bytes())[0].splitlines()[2]
    assert line == "Printed November 15, 2024 · Meeting Tue 10:00 with Lena Park"


def test_full_render_is_an_option_and_passes_the_same_checks(tmp_path):
    import pikepdf

    from pipeline.pdf.audit import audit_bytes
    from pipeline.pdf.audit_structure import read_tree
    from pipeline.pdf.proof import problems as proof_problems

    root = copy_project(tmp_path / "p")
    result = press(root, "--recipients", str(SAMPLE_CSV), "--id", "sample-tran,sample-abernathy", "--full")
    assert result.returncode == 0, result.stderr
    data = (root / "out/personalized/sanctions/sample-tran.pdf").read_bytes()
    assert proof_problems(data, "Nguyễn Thị Mai Tran", URL + "sample-tran") == []
    first = texts(data)[0].splitlines()[0]
    assert first == "Prepared for the office of Representative Nguyễn Thị Mai Tran (R-WY-AL)"
    assert audit_bytes(data, "sample-tran.pdf") == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        [link] = [
            e
            for e in read_tree(pdf).elements
            if e.kind == "Link" and any(c.kind == "Figure" for c in e.children)
        ]
        assert [c.alt for c in link.children] == [f"QR code: the full briefing at {URL}sample-tran"]
        assert len(link.annots) == 1


@pytest.mark.skipif(not CONGRESS.is_dir(), reason=f"{CONGRESS} (congress-legislators data) is not there")
def test_every_member_of_a_committee_from_the_congress_data(tmp_path):
    import yaml

    root = copy_project(tmp_path / "p")
    result = press(root, "--recipients", str(CONGRESS), "--committee", "SSFR")
    assert result.returncode == 0, result.stderr
    # The members, read here from the files themselves: SSFR's and its subcommittees' (SSFR01, ...), current.
    current = set(
        re.findall(r"(?m)^    bioguide: (\S+)$", (CONGRESS / "legislators-current.yaml").read_text())
    )
    membership = yaml.load(
        (CONGRESS / "committee-membership-current.yaml").read_text(),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    members = {m["bioguide"] for code, ms in membership.items() if re.fullmatch(r"SSFR\d*", code) for m in ms}
    rows = index(root)
    assert {r["recipient"] for r in rows} == members & current and len(rows) >= 15
    assert all(r["name"].startswith("Senator ") for r in rows)
    names = {r["recipient"]: r["name"] for r in rows}
    assert names.get("S001181") == "Senator Jeanne Shaheen (D-NH)"  # the committee's ranking member


def test_a_copy_that_fails_its_proof_is_named_with_its_file_and_removed(tmp_path, monkeypatch):
    from pipeline.errors import Report
    from pipeline.pdf import proof
    from pipeline.personalize import recipients
    from pipeline.personalize.run import Options, personalize
    from pipeline.sources.gather import gather

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = copy_project(tmp_path / "p")
    report = Report()
    project = gather(root, report, only=["sanctions"])
    selection = recipients.choose(SAMPLE_CSV, recipients.Filters(ids="sample-tran,sample-reyes"), report)
    real = proof.problems

    def problems_but_tran(data, name, url, box=None):
        return (
            [f"the QR code reads 'https://example.org/', not '{url}'"]
            if "Tran" in name
            else real(data, name, url, box)
        )

    monkeypatch.setattr(proof, "problems", problems_but_tran)
    result = personalize(project, "sanctions", selection, report, Options(jobs=1))
    assert [e for e in report.lines() if "[topic.stale]" not in e] == [
        f"{SAMPLE_CSV}:5:1: error: Representative Nguyễn Thị Mai Tran (R-WY-AL) (sample-tran): the copy "
        "failed its check: the QR code reads 'https://example.org/', not "
        "'https://setf.ngo/briefings/sanctions?office=sample-tran'; "
        "out/personalized/sanctions/sample-tran.pdf was removed [personalize.proof]"
    ]
    assert [c.id for c in result.copies] == ["sample-reyes"]
    assert not (root / "out/personalized/sanctions/sample-tran.pdf").exists()
    assert [r["recipient"] for r in index(root)] == ["sample-reyes"]


def test_personalize_refuses_to_share_out_with_a_running_build(tmp_path):
    from pipeline.build.graph import Lock

    root = copy_project(tmp_path / "locked")
    with Lock(root / "out/.press", "out/"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline",
                "personalize",
                "sanctions",
                "--recipients",
                "sources/recipients/sample.csv",
                "--root",
                str(root),
            ],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"press: error: another build is writing into out/ (process {os.getpid()}); "
        "wait for it to finish and run this again\n"
    )
    assert not (root / "out/personalized").exists()
