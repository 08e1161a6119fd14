"""pipeline.pdf.fonts: the band font cut with glyph ids kept, and embedded fonts made bare CID-keyed CFF."""

from __future__ import annotations

import io
import re

import pikepdf
import pypdfium2 as pdfium
import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from PIL import ImageChops

from pipeline.pdf.fonts import BandFont, cid_keyed, slim_fonts, subset_program, w_gids
from tests.pdf.pages import SANS, cff_outlines, one_page, text_of


@pytest.fixture(scope="module")
def full():
    """The vendored Source Sans 3 Regular, whole: (glyph id of a character, outline of a glyph id)."""
    font = TTFont(SANS)
    cmap, order, glyphs = font.getBestCmap(), font.getGlyphOrder(), font.getGlyphSet()

    def gid(char: str) -> int:
        return font.getGlyphID(cmap[ord(char)])

    def outline(number: int) -> list:
        pen = RecordingPen()
        glyphs[order[number]].draw(pen)
        return pen.value

    return gid, outline


@pytest.fixture(scope="module")
def program(full) -> bytes:
    """Source Sans 3 cut by subset_program to A, B, ñ and the hyphen, ids kept."""
    gid, _ = full
    return subset_program(SANS, {gid(c) for c in "ABñ-"})


def otf_outlines(data: bytes) -> dict[int, list]:
    """Glyph id -> outline of every glyph of an OpenType font program that draws anything."""
    font = TTFont(io.BytesIO(data))
    glyphs, found = font.getGlyphSet(), {}
    for number, name in enumerate(font.getGlyphOrder()):
        pen = RecordingPen()
        glyphs[name].draw(pen)
        if pen.value:
            found[number] = pen.value
    return found


# --- BandFont -----------------------------------------------------------------------------------------------


def test_the_band_font_keeps_the_full_fonts_glyph_ids_and_advance_widths(full):
    gid, outline = full
    font = BandFont.subset(SANS, "Source Sans 3", set("AÑ-"))
    assert font.gids == {c: gid(c) for c in " -AÑ"}  # the space comes whether asked for or not
    whole = TTFont(SANS)
    assert whole["head"].unitsPerEm == 1000
    assert font.widths == {gid(c): whole["hmtx"][whole.getBestCmap()[ord(c)]][0] for c in " -AÑ"}
    assert re.fullmatch(r"[A-Z]{6}\+Source-Sans-3", font.name)
    assert (font.postscript, font.source) == ("SourceSans3-Regular", str(SANS))
    assert font.ascent > 0 > font.descent and font.cap_height > 0
    # Its program draws each of those glyphs as the full font does, under the same id, and nothing else.
    drawn = otf_outlines(font.program)
    assert drawn == {0: outline(0)} | {gid(c): outline(gid(c)) for c in "-AÑ"}
    assert not {"GSUB", "GPOS", "GDEF"} & set(TTFont(io.BytesIO(font.program)).keys())


def test_the_band_font_is_the_same_bytes_every_time():
    one = BandFont.subset(SANS, "Source Sans 3", set("Ñúñez"))
    two = BandFont.subset(SANS, "Source Sans 3", set("zeñúÑ"))
    assert (one.program, one.name) == (two.program, two.name)


def test_missing_width_and_encode(full, band_font):
    gid, _ = full
    font = band_font  # cut to the characters of the band lines in tests/pdf/pages.py
    assert font.missing("AÑX 李A") == "X李"
    assert font.missing("A Ñ") == ""
    assert font.width("AÑ A", 10) == pytest.approx(sum(font.widths[gid(c)] for c in "AÑ A") / 100)
    assert font.encode("AÑ") == f"{gid('A'):04X}{gid('Ñ'):04X}"


def test_a_font_without_a_glyph_for_a_character_says_so():
    font = BandFont.subset(SANS, "Source Sans 3", {"李", "\u0378"})  # an ideograph; an unassigned code
    assert set(font.gids) == {" "}
    assert font.missing("李 \u0378") == "\u0378李"  # in code point order
    assert font.encode("李") == "0000"  # .notdef: the caller must refuse the text first, as plan() does


def test_subset_program_keeps_ids_and_only_the_glyphs_asked_for(full, program):
    gid, outline = full
    kept = {gid(c) for c in "ABñ-"}
    assert otf_outlines(program) == {n: outline(n) for n in kept | {0}}
    assert len(TTFont(io.BytesIO(program)).getGlyphOrder()) == max(kept) + 1


# --- cid_keyed ----------------------------------------------------------------------------------------------


def test_cid_keyed_keeps_the_glyphs_asked_for_under_the_same_ids_and_drops_the_others(full, program):
    gid, outline = full
    keep = {gid("A"), gid("ñ"), gid("-")}
    cff = cid_keyed(program, keep)
    assert cff.startswith(b"\x01\x00")  # a bare CFF (version 1), not an OpenType file
    assert cff_outlines(cff) == {n: outline(n) for n in keep | {0}}  # B is in the program, not in `keep`
    assert len(cff) < len(program) / 5


def test_cid_keyed_ignores_ids_the_program_does_not_have(full, program):
    gid, outline = full
    assert cff_outlines(cid_keyed(program, {0, gid("A"), 65000, -1})) == {
        0: outline(0),
        gid("A"): outline(gid("A")),
    }


def test_an_alias_is_a_copy_of_a_glyph_under_a_cid_of_its_own(full, program):
    gid, outline = full
    hyphen = gid("-")
    cff = cid_keyed(program, {gid("A"), hyphen}, {5000: hyphen})
    assert cff_outlines(cff) == {
        0: outline(0),
        gid("A"): outline(gid("A")),
        hyphen: outline(hyphen),
        5000: outline(hyphen),
    }
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(cff), None)
    assert fonts[fonts.fontNames[0]].CIDCount == 5001


# --- slim_fonts and w_gids ----------------------------------------------------------------------------------


def test_w_gids_reads_both_forms_of_a_w_array():
    widths = pikepdf.Array([1, pikepdf.Array([200, 300]), 10, 12, 500, 40, pikepdf.Array([250])])
    assert w_gids(widths) == {1, 2, 10, 11, 12, 40}
    assert w_gids(pikepdf.Array()) == set()


def test_slim_fonts_makes_every_font_bare_cff_and_the_page_reads_and_looks_the_same(full):
    _, outline = full
    page = one_page(SANS, "Ñúñez-O'Brien and well\u2010known facts.")
    with pikepdf.open(io.BytesIO(page)) as doc:
        before = {
            key: (w_gids(font.DescendantFonts[0].W), font.DescendantFonts[0].FontDescriptor.FontFile3.Subtype)
            for key, font in doc.pages[0].Resources.Font.items()
        }
        slim_fonts(doc)
        out = io.BytesIO()
        doc.save(out)
        after = {}
        for key, font in doc.pages[0].Resources.Font.items():
            program = font.DescendantFonts[0].FontDescriptor.FontFile3
            after[key] = (program.Subtype, cff_outlines(program.read_bytes()))
    slim = out.getvalue()
    assert before and all(subtype == "/OpenType" for _, subtype in before.values())
    for key, (gids, _) in before.items():
        assert after[key] == ("/CIDFontType0C", {n: outline(n) for n in gids | {0}}), key
    assert len(slim) < len(page)
    assert text_of(slim) == text_of(page)

    def image(data):
        document = pdfium.PdfDocument(data)
        try:
            return document[0].render(scale=2, grayscale=True).to_pil()
        finally:
            document.close()

    # The same glyphs: only anti-aliasing may differ (a fallback font would differ by whole letters).
    difference = ImageChops.difference(image(page), image(slim))
    assert difference.getextrema()[1] < 64


def test_slim_fonts_adds_the_aliases_it_is_given(full):
    gid, outline = full
    with pikepdf.open(io.BytesIO(one_page(SANS, "A-B"))) as doc:
        font = next(iter(doc.pages[0].Resources.Font.values())).DescendantFonts[0]
        slim_fonts(doc, {font.objgen: {3000: gid("-")}})
        drawn = cff_outlines(font.FontDescriptor.FontFile3.read_bytes())
    assert drawn[3000] == drawn[gid("-")] == outline(gid("-"))
