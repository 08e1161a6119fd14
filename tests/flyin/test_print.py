"""press flyin --print: a print-shop variant beside every PDF of the day (copies, itineraries, packets, the
overview), each page with its boxes; the screen files as they were; a run without --print removes them."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.flyin.test_run import DAY, flyin, hashes, root  # noqa: F401 (root is a fixture)

BLEED = 9.0


def run(project, capsys, *args: str) -> str:
    from pipeline.cli import main

    argv = ["flyin", str(project / "day.csv"), "--recipients", str(project / "people.csv")]
    argv += ["--root", str(project)]
    status = main([*argv, *args])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


def boxes(path):
    import pikepdf

    with pikepdf.open(path) as pdf:
        return [
            {name: [float(v) for v in page.obj[f"/{name}"]] for name in ("MediaBox", "TrimBox", "BleedBox")}
            for page in pdf.pages
        ]


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (make installs it with apt when run as root)")
    return found


def test_every_pdf_of_the_day_gets_a_print_shop_variant_and_the_screen_files_do_not_change(
    root,  # noqa: F811
    capsys,
    tmp_path,
):
    from pypdf import PdfReader

    run(root, capsys, "--print")
    made = hashes(root)
    screen = {name: digest for name, digest in made.items() if ".print." not in name}
    assert sorted(set(made) - set(screen)) == [
        "2025-03-04/equipe-b/itinerary.print.pdf", "2025-03-04/equipe-b/packet.print.pdf",
        "2025-03-04/overview.print.pdf", "2025-03-04/team-a/itinerary.print.pdf",
        "2025-03-04/team-a/packet.print.pdf", "one-pagers/mini/ana.print.pdf", "one-pagers/mini/bo.print.pdf",
        "one-pagers/mini/cy.print.pdf",
    ]  # fmt: skip
    packet = root / DAY / "team-a/packet.print.pdf"
    pages = boxes(packet)
    assert len(pages) == len(PdfReader(root / DAY / "team-a/packet.pdf").pages)
    for page in pages:
        assert page["TrimBox"] == pytest.approx([0, 0, 612, 792])
        assert [b - t for b, t in zip(page["BleedBox"], page["TrimBox"], strict=True)] == pytest.approx(
            [-BLEED, -BLEED, BLEED, BLEED]
        )
    assert [o.title for o in PdfReader(packet).outline] == [
        o.title for o in PdfReader(root / DAY / "team-a/packet.pdf").outline
    ]
    for name in ("team-a/packet.print.pdf", "overview.print.pdf", "team-a/itinerary.print.pdf"):
        path = str(root / DAY / name)
        checked = subprocess.run([tool("qpdf"), "--check", path], capture_output=True, text=True)
        assert checked.returncode == 0 and "No syntax or stream encoding errors found" in checked.stdout
        fonts = subprocess.run([tool("pdffonts"), path], capture_output=True, text=True, check=True)
        assert all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in fonts.stdout.splitlines()[2:])
        opened = subprocess.run(
            [tool("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-o", "/dev/null", "-sDEVICE=nullpage", path],
            capture_output=True,
            text=True,
        )
        assert (opened.returncode, opened.stdout, opened.stderr) == (0, "", ""), name
    # the same day without --print: the same screen bytes, and the print-shop files are gone
    run(root, capsys)
    assert hashes(root) == screen


def test_a_packets_print_variant_places_each_band_from_the_trim(root, capsys):  # noqa: F811
    """The copies in a print packet keep the band where the screen packet has it, counted from the trim."""
    import pypdfium2 as pdfium
    import zxingcpp

    run(root, capsys, "--print")
    document = pdfium.PdfDocument(str(root / DAY / "team-a/packet.print.pdf"))
    last = document[len(document) - 1]
    text = last.get_textpage().get_text_range()
    assert text.startswith("Prepared for the office of Representative Cy Park")
    media = boxes(root / DAY / "team-a/packet.print.pdf")[-1]["MediaBox"]
    image = last.render(scale=3).to_pil()
    top = round((media[3] - 792) * 3)  # the trim's top edge in pixels
    codes = zxingcpp.read_barcodes(image.crop((0, top, image.width, top + 90 * 3)))  # the band: the top 90 pt
    assert [c.text for c in codes] == ["https://example.org/mini?office=cy"]


def test_flyin_still_works_as_before_without_print(root, capsys):  # noqa: F811
    assert flyin(root, capsys)[0] == 0
    assert not [name for name in hashes(root) if ".print." in name]
