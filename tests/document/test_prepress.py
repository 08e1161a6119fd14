"""Step 6c, prepress: `press build --print --paper letter,a4` on the minimal project, its files as a print
shop opens them: page boxes, bleed, crop marks, PDF/X-4 and its output intent, three independent readers."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest

from pipeline.cli import main
from pipeline.colour import rgb
from tests.conftest import copy_project

LETTER, A4 = (612.0, 792.0), (595.276, 841.89)
BLEED = {"letter": 9.0, "a4": 3 * 72 / 25.4}  # 0.125 in; 3 mm
SCREEN = ["mini-briefing", "mini-one-pager"]
PRINTS = {
    "mini-briefing.print.pdf": "letter",
    "mini-one-pager.print.pdf": "letter",
    "mini-briefing.a4.print.pdf": "a4",
    "mini-one-pager.a4.print.pdf": "a4",
}


def build(root, *args: str) -> None:
    assert main(["build", "--quiet", "--root", str(root), *args]) == 0


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The minimal project built with --print --paper letter,a4: its out/mini/ folder."""
    root = copy_project(tmp_path_factory.mktemp("print") / "project", "minimal")
    build(root, "--print", "--paper", "letter,a4")
    return root / "out" / "mini"


def reader(path):
    from pypdf import PdfReader

    return PdfReader(path)


def box(page, name: str) -> list[float]:
    return [float(v) for v in page[f"/{name}"]]


def test_every_document_gets_a_print_file_and_an_a4_file_without_a_collision(made):
    names = sorted(p.name for p in made.iterdir())
    assert names == sorted(
        [f"{s}{v}.{x}" for s in SCREEN for v in ("", ".a4") for x in ("pdf", "html")] + list(PRINTS)
    )


@pytest.mark.parametrize("name", sorted(PRINTS))
def test_trim_box_is_the_paper_and_the_bleed_box_is_the_bleed_around_it(made, name):
    paper = PRINTS[name]
    width, height = LETTER if paper == "letter" else A4
    bleed = BLEED[paper]
    pages = reader(made / name).pages
    assert len(pages) == len(reader(made / name.replace(".print", "")).pages)
    for page in pages:
        trim, bleeds, media = box(page, "TrimBox"), box(page, "BleedBox"), box(page, "MediaBox")
        assert trim == pytest.approx([0, 0, width, height], abs=0.01)
        assert [b - t for b, t in zip(bleeds, trim, strict=True)] == pytest.approx(
            [-bleed, -bleed, bleed, bleed], abs=0.001
        )
        assert media[0] < bleeds[0] and media[1] < bleeds[1] and media[2] > bleeds[2] and media[3] > bleeds[3]


def test_letter_bleed_is_an_eighth_of_an_inch_and_a4_bleed_is_3_mm(made):
    letter = box(reader(made / "mini-one-pager.print.pdf").pages[0], "BleedBox")
    a4 = box(reader(made / "mini-one-pager.a4.print.pdf").pages[0], "BleedBox")
    assert letter[0] == pytest.approx(-9.0) and a4[0] == pytest.approx(-8.504, abs=0.001)


@pytest.mark.parametrize("name", sorted(PRINTS))
def test_pdf_x4_with_a_cmyk_printer_profile_as_output_intent_and_srgb_as_default_rgb(made, name):
    import pikepdf

    with pikepdf.open(made / name) as pdf:
        assert pdf.pdf_version == "1.6"
        xmp = bytes(pdf.Root.Metadata.read_bytes())
        assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
        assert re.search(rb"xmp\.did:[0-9a-f-]{36}", xmp)
        assert str(pdf.docinfo["/Trapped"]) == "/False"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "Position Press generic CMYK (coated offset, GCR)"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4
        header = profile.read_bytes()[:40]
        assert header[12:20] == b"prtrCMYK" and header[36:40] == b"acsp"
        for page in pdf.pages:
            spaces = page.Resources.ColorSpace
            assert spaces.DefaultRGB[0] == "/ICCBased" and int(spaces.DefaultRGB[1].N) == 3
            assert "/Annots" not in page  # PDF/X allows no annotation on the printed area


def test_same_inputs_give_the_same_print_bytes(made, tmp_path):
    again = copy_project(tmp_path / "again", "minimal")
    build(again, "--print", "--paper", "letter,a4")
    for name in PRINTS:
        assert (again / "out" / "mini" / name).read_bytes() == (made / name).read_bytes(), name


def test_print_and_paper_leave_the_screen_pdfs_as_they_are(made, tmp_path):
    plain = copy_project(tmp_path / "plain", "minimal")
    build(plain)
    for stem in SCREEN:
        assert (plain / "out" / "mini" / f"{stem}.pdf").read_bytes() == (made / f"{stem}.pdf").read_bytes()


def test_a4_one_pager_is_a4_one_page_and_grows_into_its_taller_page(made):
    import json

    pages = reader(made / "mini-one-pager.a4.pdf").pages
    assert len(pages) == 1
    assert [float(v) for v in pages[0].mediabox] == pytest.approx([0, 0, *A4], abs=0.01)
    state = json.loads((made.parent / ".press" / "state.json").read_text())["body"]["outputs"]
    assert state["out/mini/mini-one-pager"]["fitting"]["body"] == 11  # the layout's largest size
    assert state["out/mini/mini-one-pager.a4"]["fitting"]["body"] == 11.5  # 297/279.4 of it, to a step


# --- what the press sees: pixels of the bleed and the slug -------------------------------------------

SCALE = 2  # pixels per point


def render(path, index: int = 0):
    """Page `index` as RGB pixels, media box and all, and a function from PDF points to pixels."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(str(path))[index]
    media = [float(v) for v in reader(path).pages[index].mediabox]
    image = page.render(scale=SCALE, may_draw_forms=False).to_pil().convert("RGB")

    def at(x: float, y: float) -> tuple[int, int]:
        return round((x - media[0]) * SCALE), round((media[3] - y) * SCALE)

    return image, at


def near(colour: tuple[int, int, int], expected: str, tolerance: int = 6) -> bool:
    want = [round(c * 255) for c in rgb(expected)]
    return all(abs(a - b) <= tolerance for a, b in zip(colour, want, strict=True))


def test_a_background_that_touches_the_trim_edge_runs_on_over_the_bleed(made):
    """The briefing cover's title field (base layout: accent #1d4d7a) spans the page: its colour continues
    over the bleed on both sides, and the slug beyond the bleed is white."""
    path, bleed = made / "mini-briefing.print.pdf", BLEED["letter"]
    image, at = render(path)
    inside = [y for y in range(0, 792, 2) if near(image.getpixel(at(3, y)), "#1d4d7a")]
    assert len(inside) > 40  # the field is about 2 inches tall
    for y in inside[5:-5]:
        for x in (-bleed + 1, -bleed / 2, -1, 612 + 1, 612 + bleed / 2, 612 + bleed - 1):
            assert near(image.getpixel(at(x, y)), "#1d4d7a"), (x, y, image.getpixel(at(x, y)))
        for x in (-bleed - 3, 612 + bleed + 3):
            assert image.getpixel(at(x, y)) == (255, 255, 255), (x, y)


def test_the_bleed_stays_white_where_no_background_touches_the_edge(made):
    image, at = render(made / "mini-one-pager.print.pdf")
    for y in range(20, 780, 10):
        for x in (-5, 617):
            assert image.getpixel(at(x, y)) == (255, 255, 255), (x, y)


@pytest.mark.parametrize("name", sorted(PRINTS))
def test_crop_marks_are_drawn_in_the_slug_on_the_trim_lines_and_nowhere_inside_the_bleed(made, name):
    paper = PRINTS[name]
    width, height = LETTER if paper == "letter" else A4
    bleed = BLEED[paper]
    image, at = render(made / name)
    for x, y, out_x, out_y in ((0, 0, -1, -1), (width, 0, 1, -1), (0, height, -1, 1), (width, height, 1, 1)):
        # along the horizontal trim line, out in the slug: dark; then white between the mark and the bleed
        assert max(image.getpixel(at(x + out_x * (bleed + 9), y))) < 200  # a hairline: grey at 2 px a point
        assert max(image.getpixel(at(x, y + out_y * (bleed + 9)))) < 200
        assert image.getpixel(at(x + out_x * (bleed + 1.5), y)) == (255, 255, 255)
        assert image.getpixel(at(x + out_x * (bleed + 9), y + out_y * 4)) == (255, 255, 255)


# --- independent readers: qpdf, poppler, Ghostscript -------------------------------------------------------


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (make installs it with apt when run as root)")
    return found


@pytest.mark.parametrize("name", sorted(PRINTS))
def test_qpdf_finds_no_fault(made, name):
    result = subprocess.run([tool("qpdf"), "--check", str(made / name)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


@pytest.mark.parametrize("name", sorted(PRINTS))
def test_pdffonts_lists_every_font_embedded(made, name):
    result = subprocess.run([tool("pdffonts"), str(made / name)], capture_output=True, text=True, check=True)
    rows = result.stdout.splitlines()[2:]
    assert rows, result.stdout
    for row in rows:
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


@pytest.mark.parametrize("name", sorted(PRINTS))
def test_ghostscript_renders_it_without_a_word(made, name):
    result = subprocess.run(
        [tool("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-o", "/dev/null", "-sDEVICE=nullpage", str(made / name)],
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_profile_is_a_valid_icc_profile_that_littlecms_can_use():
    from PIL import Image, ImageCms

    from pipeline import icc

    data = icc.cmyk_profile()
    assert data == icc.cmyk_profile.__wrapped__()  # the same bytes every time
    profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    assert (profile.profile.device_class, profile.profile.xcolor_space) == ("prtr", "CMYK")
    to_cmyk = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), profile, "RGB", "CMYK")
    cmyk = [
        ImageCms.applyTransform(Image.new("RGB", (1, 1), c), to_cmyk).getpixel((0, 0))
        for c in [(255, 255, 255), (0, 0, 0)]
    ]
    assert cmyk[0] == (0, 0, 0, 0) and cmyk[1][3] == 255  # paper is no ink; black is full black ink
