"""press personalize --print: each office's copy and the print file as a print shop gets them (PDF/X-4, bleed,
crop marks, page boxes), the band placed from the trim, the screen files as they were."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.conftest import copy_project, edit

PEOPLE = (
    "id,name,honorific,chamber,state,district,party,office,committees\n"
    "ana,Ana Ruiz,Representative,house,FL,25,D,2470 Rayburn House Office Building,HSFA\n"
    "bo,Bo Li,Senator,senate,WA,,D,511 Hart Senate Office Building,SSFR\n"
    "cy,Cy Park,Representative,house,NM,2,R,1436 Longworth House Office Building,HSFA\n"
)
FOLDER = "out/personalized/mini"
LETTER = [0.0, 0.0, 612.0, 792.0]
BLEED = 9.0  # 0.125 in
SCALE = 2  # pixels per point


def project(dest: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741046400")
    root = copy_project(dest, "minimal")
    edit(root, "defaults:", "personalize: {url: 'https://example.org/{topic}?office={id}'}\ndefaults:",
         "sources/organization.yaml")  # fmt: skip
    (root / "people.csv").write_text(PEOPLE)
    return root


def personalize(root: Path, *args: str) -> None:
    argv = ["personalize", "mini", "--recipients", str(root / "people.csv"), "--root", str(root), "--quiet"]
    assert main([*argv, "--jobs", "1", *args]) == 0


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The minimal project personalized for three offices with --print, and once without."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        printed = project(tmp_path_factory.mktemp("printed") / "p", monkeypatch)
        personalize(printed, "--print")
        plain = project(tmp_path_factory.mktemp("plain") / "p", monkeypatch)
        personalize(plain)
    return printed, plain


def boxes(path: Path) -> list[dict[str, list[float]]]:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return [
            {name: [float(v) for v in page.obj[f"/{name}"]] for name in ("MediaBox", "TrimBox", "BleedBox")}
            for page in pdf.pages
        ]


def test_each_copy_and_the_print_file_get_a_print_shop_variant_and_the_screen_files_do_not_change(made):
    printed, plain = made
    names = sorted(p.name for p in (printed / FOLDER).iterdir())
    assert names == sorted(
        ["index.csv", "mini-print.pdf", "mini-print.print.pdf"]
        + [f"{r}{v}.pdf" for r in ("ana", "bo", "cy") for v in ("", ".print")]
    )
    for name in ["index.csv", "mini-print.pdf", "ana.pdf", "bo.pdf", "cy.pdf"]:
        assert (printed / FOLDER / name).read_bytes() == (plain / FOLDER / name).read_bytes(), name


@pytest.mark.parametrize("name", ["ana.print.pdf", "mini-print.print.pdf"])
def test_every_page_has_the_trim_at_the_paper_and_the_bleed_an_eighth_of_an_inch_around_it(made, name):
    pages = boxes(made[0] / FOLDER / name)
    assert len(pages) == (3 if name.startswith("mini") else 1)
    for page in pages:
        assert page["TrimBox"] == pytest.approx(LETTER)
        assert [b - t for b, t in zip(page["BleedBox"], page["TrimBox"], strict=True)] == pytest.approx(
            [-BLEED, -BLEED, BLEED, BLEED]
        )
        assert page["MediaBox"][0] < -BLEED and page["MediaBox"][3] > 792 + BLEED


@pytest.mark.parametrize("name", ["ana.print.pdf", "mini-print.print.pdf"])
def test_pdf_x4_with_its_output_intent_no_annotation_and_bookmarks_in_the_print_file(made, name):
    import pikepdf

    with pikepdf.open(made[0] / FOLDER / name) as pdf:
        assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in pdf.Root.Metadata.read_bytes()
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and int(intent.DestOutputProfile.N) == 4
        for page in pdf.pages:
            assert "/Annots" not in page and page.Resources.ColorSpace.DefaultRGB[0] == "/ICCBased"
        if name.startswith("mini"):
            with pdf.open_outline() as outline:
                titles = [item.title for item in outline.root]
            assert titles[0] == "Representative Ana Ruiz (D-FL-25) · 2470 Rayburn House Office Building"
            assert len(titles) == 3


def pixels(path: Path, index: int = 0):
    """Page `index` rendered, and where its trim's top left corner is in it (pixels)."""
    import pypdfium2 as pdfium

    page_boxes = boxes(path)[index]
    media, trim = page_boxes["MediaBox"], page_boxes["TrimBox"]
    image = pdfium.PdfDocument(str(path))[index].render(scale=SCALE).to_pil().convert("L")
    return image, (round((trim[0] - media[0]) * SCALE), round((media[3] - trim[3]) * SCALE))


def test_the_band_sits_at_the_same_place_from_the_trim_edge_as_on_the_screen_copy(made):
    """The band is placed from the TrimBox, not the MediaBox (which the bleed and slug make larger): its text
    and QR code are the same pixels, the same distance from the trim's top and left edges."""
    from PIL import ImageChops

    printed, _ = made
    screen, (sx, sy) = pixels(printed / FOLDER / "bo.pdf")
    shop, (px, py) = pixels(printed / FOLDER / "bo.print.pdf")
    assert (sx, sy) == (0, 0) and px == py == round(27 * SCALE)
    band = (0, 0, 612 * SCALE, 80 * SCALE)  # the top 80 pt of the page: the band
    own = screen.crop(band)
    moved = shop.crop((band[0] + px, band[1] + py, band[2] + px, band[3] + py))
    assert own.getextrema()[0] < 60  # there is dark ink in it: text and the QR code
    difference = ImageChops.difference(own, moved).getextrema()[1]
    assert difference <= 8, difference


def test_each_print_copy_reads_its_band_and_its_qr_code_gives_its_address(made):
    import pypdfium2 as pdfium
    import zxingcpp

    for rid in ("ana", "bo", "cy"):
        document = pdfium.PdfDocument(str(made[0] / FOLDER / f"{rid}.print.pdf"))
        text = document[0].get_textpage().get_text_range()
        assert text.startswith("Prepared for the office of "), text[:80]
        codes = [c.text for c in zxingcpp.read_barcodes(document[0].render(scale=3).to_pil())]
        assert codes == [f"https://example.org/mini?office={rid}"]


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (make installs it with apt when run as root)")
    return found


@pytest.mark.parametrize("name", ["cy.print.pdf", "mini-print.print.pdf"])
def test_qpdf_pdffonts_and_ghostscript_open_it_without_a_fault(made, name):
    path = str(made[0] / FOLDER / name)
    checked = subprocess.run([tool("qpdf"), "--check", path], capture_output=True, text=True)
    assert checked.returncode == 0 and "No syntax or stream encoding errors found" in checked.stdout
    fonts = subprocess.run([tool("pdffonts"), path], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows), fonts.stdout
    opened = subprocess.run(
        [tool("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-o", "/dev/null", "-sDEVICE=nullpage", path],
        capture_output=True,
        text=True,
    )
    assert (opened.returncode, opened.stdout, opened.stderr) == (0, "", "")


def test_the_same_inputs_give_the_same_print_bytes(made, tmp_path, monkeypatch):
    again = project(tmp_path / "again", monkeypatch)
    personalize(again, "--print")
    for name in ("ana.print.pdf", "mini-print.print.pdf"):
        assert (again / FOLDER / name).read_bytes() == (made[0] / FOLDER / name).read_bytes(), name


def test_shards_made_with_print_combine_into_the_same_print_shop_print_file(made, tmp_path, monkeypatch):
    sharded = project(tmp_path / "sharded", monkeypatch)
    for k in ("1/2", "2/2"):
        personalize(sharded, "--print", "--shard", k)
    argv = ["personalize", "mini", "--combine", "--print", "--root", str(sharded), "--quiet"]
    assert main(argv) == 0
    name = "mini-print.print.pdf"
    assert (sharded / FOLDER / name).read_bytes() == (made[0] / FOLDER / name).read_bytes()


def test_combine_with_print_names_a_copy_whose_print_shop_file_is_missing(tmp_path, monkeypatch, capsys):
    sharded = project(tmp_path / "sharded", monkeypatch)
    personalize(sharded, "--shard", "1/1")  # without --print
    status = main(["personalize", "mini", "--combine", "--print", "--root", str(sharded)])
    assert status == 1
    assert (
        "out/personalized/mini/ana.print.pdf: error: the print-shop copy for Representative Ana Ruiz "
        "(D-FL-25) (ana) is missing: make its shard with --print [personalize.combine]"
    ) in capsys.readouterr().err
    assert not (sharded / FOLDER / "mini-print.print.pdf").exists()
