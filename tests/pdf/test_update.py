"""pipeline.pdf.update: the shared base, the band's drawing, the incremental update and its reader."""

from __future__ import annotations

import ctypes
import io
import re
import zlib

import pikepdf
import pypdfium2 as pdfium
import pytest

from pipeline.pdf.proof import problems
from pipeline.pdf.update import band_content, copy_address, prepare, qr_path, read_update, stamp
from pipeline.personalize import qr
from tests.pdf.pages import (
    ANCHORS,
    LINES,
    NAME,
    PAGE_TEXT,
    URL,
    cff_outlines,
    page_count,
    syntax_problems,
    text_of,
    untagged_page,
)


def copy_of(base, lines=LINES, url=URL) -> bytes:
    return stamp(base, band_content(base, lines, qr.matrix(url)), url)


def band_chars(data: bytes, count: int) -> list[dict]:
    """The first `count` non-space characters pdfium finds on the page: character, box, size and colour."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[0].get_textpage()
        found, index = [], 0
        while len(found) < count:
            char = page.get_text_range(index, 1)
            if char.strip():
                r, g, b, a = (ctypes.c_uint() for _ in range(4))
                pdfium.raw.FPDFText_GetFillColor(page.raw, index, r, g, b, a)
                found.append(
                    {
                        "char": char,
                        "box": page.get_charbox(index),  # left, bottom, right, top in pt
                        "size": round(pdfium.raw.FPDFText_GetFontSize(page.raw, index), 2),
                        "colour": (r.value, g.value, b.value),
                    }
                )
            index += 1
        return found
    finally:
        document.close()


# --- the stamped copy, as a reader gets it ------------------------------------------------------------------


@pytest.mark.parametrize("which", ["sans_base", "serif_base"])
def test_a_stamped_copy_opens_passes_the_checks_and_has_one_page(request, tmp_path, which):
    base = request.getfixturevalue(which)
    data = copy_of(base)
    assert syntax_problems(base.data, tmp_path) == []
    assert syntax_problems(data, tmp_path) == []
    assert page_count(data) == 1
    assert problems(data, NAME, URL, base.qr_box) == []  # opens in pdfium, name in the text, QR decodes


def test_the_band_text_extracts_first_then_the_page_text_as_it_was(sans_page, sans_base):
    data = copy_of(sans_base)
    assert text_of(data).split("\n") == [text for text, _ in LINES] + ["Page title", PAGE_TEXT]
    assert text_of(sans_base.data) == text_of(sans_page) == f"Page title\n{PAGE_TEXT}"  # the base shows none


def test_a_glyph_the_page_uses_for_another_character_reads_as_each_character(sans_base):
    # Source Sans 3 draws '-' and U+2010 with one glyph; the page's U+2010 and the band's '-' keep their own.
    text = text_of(copy_of(sans_base))
    assert "Ñúñez-O'Brien (D-NM-2)" in text and "well\u2010known" in text
    assert "\u2010" not in text.split("\n")[0] and "-" not in text.split("\n")[-1]


def test_the_band_text_sits_in_its_box_at_its_sizes_and_colour(sans_base):
    data = copy_of(sans_base)
    first, second = (text.replace(" ", "") for text, _ in LINES)
    chars = band_chars(data, len(first) + len(second))
    assert "".join(c["char"] for c in chars) == first + second
    x0, top, x1, bottom = sans_base.text_box
    assert (x0, top, x1, bottom) == (30.0, 375 - 15.0, 510.0, 375 - 75.0)  # CSS px to pt, y upwards
    for c in chars:
        left, low, right, high = c["box"]
        assert x0 - 0.5 <= left and right <= x1 and bottom <= low and high <= top, c
        assert c["colour"] == (0x1A, 0x2B, 0x3C), c
    assert chars[0]["box"][0] < x0 + 2  # the first line starts at the box's left edge
    sizes = [c["size"] for c in chars]
    assert set(sizes[: len(first)]) == {11.0} and set(sizes[len(first) :]) == {9.0}
    assert max(c["box"][3] for c in chars[len(first) :]) < min(c["box"][1] for c in chars[: len(first)])


def test_the_band_text_is_a_paragraph_first_in_the_structure_tree_and_the_qr_code_a_linked_figure(sans_base):
    with pikepdf.open(io.BytesIO(copy_of(sans_base))) as pdf:
        tree = pdf.Root.StructTreeRoot
        document = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
        first, second = document.K[0], document.K[1]
        assert (str(first.S), list(first.K)) == ("/P", [sans_base.mcid])
        nums = tree.ParentTree.Nums
        entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        marks = entries[int(pdf.pages[0].StructParents)]
        assert marks[sans_base.mcid].objgen == first.objgen
        # The QR code: a Figure whose Alt gives the copy's address, in a Link with the annotation over it.
        assert str(second.S) == "/Link"
        figure, objr = second.K
        assert (str(figure.S), list(figure.K), str(figure.Alt)) == (
            "/Figure",
            [sans_base.qr.mcid],
            f"QR code: the full briefing at {URL}",
        )
        assert marks[sans_base.qr.mcid].objgen == figure.objgen
        annotation = objr.Obj
        assert annotation.objgen in {a.objgen for a in pdf.pages[0].Annots}
        assert (str(annotation.Subtype), str(annotation.A.URI), str(annotation.Contents)) == (
            "/Link",
            URL,
            f"QR code: the full briefing at {URL}",
        )
        assert entries[int(annotation.StructParent)].objgen == second.objgen
        x0, top, x1, bottom = sans_base.qr_box
        assert [float(v) for v in annotation.Rect] == [x0, bottom, x1, top]
        band = pdf.pages[0].Contents[0].read_bytes().decode()
    assert band.startswith(f"q\n/P <</MCID {sans_base.mcid}>> BDC\n")
    assert f"\n/Figure <</MCID {sans_base.qr.mcid}>> BDC 0 0 0 rg\n" in band and band.endswith("f EMC Q\n")


def test_each_copy_gives_its_own_address_and_the_base_a_placeholder(sans_base):
    other = URL.replace("sample-nunez", "sample-tran")
    for url in (URL, other):
        with pikepdf.open(io.BytesIO(copy_of(sans_base, url=url))) as pdf:
            link = pdf.Root.StructTreeRoot.K[0].K[1]
            assert str(link.K[0].Alt).endswith(url) and str(link.K[1].Obj.A.URI) == url
    with pikepdf.open(io.BytesIO(sans_base.data)) as pdf:
        assert str(pdf.Root.StructTreeRoot.K[0].K[1].K[1].Obj.A.URI) == "https://example.invalid/"
    found = read_update(copy_of(sans_base, url=other))
    assert copy_address(found) == other and sorted(found.objects) == sorted(
        [sans_base.qr.figure, sans_base.qr.annotation]
    )


def test_an_untagged_page_gets_the_band_as_a_span(band_font, tmp_path):
    base = prepare(untagged_page(), ANCHORS, band_font, "#000")
    data = copy_of(base)
    assert base.mcid == -1
    assert syntax_problems(data, tmp_path) == []
    assert text_of(data).split("\n") == [text for text, _ in LINES]
    assert problems(data, NAME, URL, base.qr_box) == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.pages[0].Contents[0].read_bytes().startswith(b"q\n/Span BMC\n")


def test_the_band_joins_the_pages_own_font_or_comes_as_a_font_of_its_own(band_font, sans_base, serif_base):
    with pikepdf.open(io.BytesIO(copy_of(sans_base))) as pdf:
        fonts = pdf.pages[0].Resources.Font
        assert len(fonts) == 2  # the page's one font, and the same object again under the band's name
        assert fonts.PressBand.objgen in {fonts[k].objgen for k in fonts.keys() if k != "/PressBand"}
        drawn = cff_outlines(fonts.PressBand.DescendantFonts[0].FontDescriptor.FontFile3.read_bytes())
    # Every band glyph is in the page's font under its own id; the hyphen the page draws as U+2010 is there
    # a second time, under a CID of its own, so that the band's '-' reads as '-'.
    hyphen, alias = band_font.gids["-"], sans_base.font.gids["-"]
    assert alias != hyphen and drawn[alias] == drawn[hyphen] and drawn[hyphen]
    assert {c: g for c, g in sans_base.font.gids.items() if c != "-"} == {
        c: g for c, g in band_font.gids.items() if c != "-"
    }
    assert set(sans_base.font.gids.values()) <= set(drawn)
    with pikepdf.open(io.BytesIO(copy_of(serif_base))) as pdf:
        fonts = pdf.pages[0].Resources.Font
        assert len(fonts) == 2
        band = fonts.PressBand
        assert str(band.BaseFont) == "/" + serif_base.font.name and serif_base.font.name.endswith(
            "+Source-Sans-3"
        )
        program = band.DescendantFonts[0].FontDescriptor.FontFile3
        assert program.Subtype == "/CIDFontType0C"  # slimmed like the page's fonts


# --- the incremental update ---------------------------------------------------------------------------------


def test_the_updates_xref_stream_points_at_the_new_band_stream_and_at_itself(sans_base):
    content = band_content(sans_base, LINES, qr.matrix(URL))
    data = stamp(sans_base, content)
    at = len(sans_base.data)
    xref_at = int(re.fullmatch(rb".*\nstartxref\n(\d+)\n%%EOF\n", data, re.S).group(1))
    assert data[at:].startswith(f"{sans_base.band_object} 0 obj\n".encode())
    assert data[xref_at:].startswith(f"{sans_base.size} 0 obj\n".encode())
    head = data[xref_at : data.index(b">>\nstream\n", xref_at)].decode()
    fields = dict(re.findall(r"/(\w+)\s*(\[[^\]]*\]|/\w+|[^/\[>]+)", head.split("<<", 1)[1]))
    assert fields["Type"] == "/XRef" and int(fields["Size"]) == sans_base.size + 1
    assert fields["Root"].strip() == sans_base.root and fields["Info"].strip() == sans_base.info
    assert int(fields["Prev"]) == sans_base.startxref
    assert fields["Index"] == f"[{sans_base.band_object} 1 {sans_base.size} 1]" and fields["W"] == "[1 4 1]"
    start = data.index(b">>\nstream\n", xref_at) + len(b">>\nstream\n")
    rows = data[start : start + int(fields["Length"])]
    assert [(r[0], int.from_bytes(r[1:5], "big"), r[5]) for r in (rows[:6], rows[6:])] == [
        (1, at, 0),
        (1, xref_at, 0),
    ]
    # The base's own cross-reference, which /Prev names, is where the base says it is.
    assert re.match(rb"\d+ 0 obj\s*<<.*?/Type\s*/XRef", data[sans_base.startxref :], re.S)
    with pikepdf.open(io.BytesIO(data)) as pdf:  # and a reader resolves the band to the new stream
        band = pdf.pages[0].Contents[0]
        assert band.objgen == (sans_base.band_object, 0) and band.read_bytes() == content
        assert bytes(pdf.trailer.ID[0]) == sans_base.ids[0]


def test_two_copies_of_one_base_differ_only_after_the_bases_bytes(sans_base):
    one = copy_of(sans_base, url=URL)
    two = copy_of(sans_base, [("Prepared for the office of Office 7", 11.0)], url=URL + "7")
    size = len(sans_base.data)
    assert one[:size] == two[:size] == sans_base.data
    assert one[size:] != two[size:] and 1000 < len(one) - size < 4000  # about 2 KB an office
    assert copy_of(sans_base) == one  # and the same office gives the same bytes


def test_the_same_page_and_font_give_the_same_base_bytes(sans_page, band_font, sans_base):
    # Every shard of a run prepares its own base; a copy's bytes must not depend on which one made it.
    assert prepare(sans_page, ANCHORS, band_font, "#1a2b3c").data == sans_base.data


def test_the_reader_gives_back_exactly_what_the_writer_wrote(sans_base, serif_base):
    for base in (sans_base, serif_base):
        content = band_content(base, LINES, qr.matrix(URL))
        found = read_update(stamp(base, content))
        assert found is not None
        assert found[0] == base.data and zlib.decompress(found[1]) == content


def test_the_reader_refuses_a_plain_pdf_the_base_and_a_cut_or_extended_copy(sans_page, sans_base):
    data = copy_of(sans_base)
    update = len(data) - len(sans_base.data)
    assert read_update(sans_page) is None
    assert read_update(sans_base.data) is None
    assert read_update(b"") is None and read_update(b"%PDF-1.7\n%%EOF\n") is None
    for cut in (1, 3, 6, 8, 20, 60, update // 2, update - 10, update - 1):
        assert read_update(data[:-cut]) is None, cut
    assert read_update(data + b"1 0 obj\n<<>>\nendobj\n%%EOF\n") is None  # updated again by another tool


# --- the band's drawing -------------------------------------------------------------------------------------


def test_qr_path_draws_each_dark_run_as_one_rectangle_filling_the_box():
    matrix = [
        [True, True, False, True],
        [False, False, False, False],
        [True, False, True, True],
        [True, True, True, True],
    ]
    path = qr_path(matrix, (10.0, 50.0, 50.0, 10.0))  # x0, top, x1, bottom: 10 pt a module
    rects = [tuple(float(v) for v in line.split()[:4]) for line in path.splitlines()]
    assert all(line.endswith(" re") for line in path.splitlines())
    assert rects == [
        (10.0, 40.0, 20.0, 10.0),
        (40.0, 40.0, 10.0, 10.0),
        (10.0, 20.0, 10.0, 10.0),
        (30.0, 20.0, 20.0, 10.0),
        (10.0, 10.0, 40.0, 10.0),
    ]
    assert qr_path([[False] * 3] * 3, (0.0, 30.0, 30.0, 0.0)) == ""


def test_the_qr_rectangles_cover_exactly_the_dark_modules():
    matrix = qr.matrix(URL)
    size = len(matrix)
    dark = set()
    for line in qr_path(matrix, (0.0, float(size), float(size), 0.0)).splitlines():
        x, y, w, h = (round(float(v)) for v in line.split()[:4])
        assert h == 1
        dark |= {(size - 1 - y, col) for col in range(x, x + w)}
    assert dark == {(r, c) for r, row in enumerate(matrix) for c, cell in enumerate(row) if cell}


def test_a_character_the_band_font_lacks_is_found_and_never_claimed_in_the_text(sans_base):
    # plan() refuses such a recipient by name; were one drawn, the glyph is .notdef, not a wrong character.
    assert sans_base.font.missing("Office 李") == "李"
    data = stamp(sans_base, band_content(sans_base, [("Office 李", 11.0)], qr.matrix(URL)))
    first = text_of(data).split("\n")[0]
    assert first.startswith("Office") and "李" not in first
