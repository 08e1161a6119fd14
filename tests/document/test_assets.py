"""Step 6a: files checked before WeasyPrint reads them, and characters named as a message shows them."""

from __future__ import annotations

import struct

from pipeline.document.assets import data_problem, problem
from pipeline.document.glyphs import describe
from pipeline.pdf.inspect import cmap_characters


def checked(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return problem(path, f"sources/assets/{name}")


def test_a_huge_gif_is_refused_from_its_header_alone(tmp_path):
    header = b"GIF89a" + struct.pack("<HH", 30000, 30000) + b"\x00\x00\x00"  # no pixels at all
    assert checked(tmp_path, "bomb.gif", header) == (
        "image 'sources/assets/bomb.gif' is 30000 x 30000 pixels (900 million); an image may have at most 40 "
        "million (a full page at 300 dpi needs about 9): scale it down",
        "render.image",
        None,
    )


def test_content_decides_what_is_an_image(tmp_path):
    assert checked(tmp_path, "brand.css", b"BMW blue: a stylesheet that starts like a BMP file\n") is None
    assert checked(tmp_path, "notes.txt", b"plain text") is None
    assert checked(tmp_path, "map.dat", b"\x89PNG\r\n\x1a\n")[1] == "render.image"  # a PNG, whatever its name


def test_an_svg_with_the_standard_doctype_is_fine_and_one_with_entities_is_not(tmp_path):
    doctype = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg"/>\n'
    )
    assert checked(tmp_path, "ok.svg", doctype) is None
    entity = b'<!DOCTYPE svg [\n  <!ENTITY x "y">\n]>\n<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>\n'
    assert checked(tmp_path, "bad.svg", entity)[2] == ("sources/assets/bad.svg", 2, 3)


def test_a_data_url_image_is_checked_like_a_file():
    assert (
        data_problem(b"\x89PNG\r\n\x1a\n", "image/png", "data:image/png;base64,iVBO...")[1] == "render.image"
    )
    assert data_problem(b"body { color: red }", "text/css", "data:text/css,...") is None


def test_a_font_file_must_be_a_font(tmp_path):
    assert checked(tmp_path, "Face.otf", b"")[0] == "font file 'sources/assets/Face.otf' is empty"
    assert checked(tmp_path, "Face.woff2", b"wOF2" + b"\0" * 40) is None


def test_characters_are_named_as_unicode_names_them():
    assert describe("→") == "'→' (U+2192 RIGHTWARDS ARROW)"
    assert describe("\ue000") == "'\\ue000' (U+E000 <private-use-E000>)"
    assert describe("\u200b") == "'\\u200b' (U+200B ZERO WIDTH SPACE)"


def test_tounicode_maps_are_read_from_single_codes_and_ranges():
    cmap = (
        b"2 beginbfchar\n<0003> <0020>\n<0a33> <25e6>\nendbfchar\n"
        b"1 beginbfrange\n<0010> <0012> <0041>\nendbfrange\n"
        b"1 beginbfchar\n<0040> <00660069>\nendbfchar\n"  # a ligature: fi
    )
    assert cmap_characters(cmap) == {" ", "◦", "A", "B", "C", "f", "i"}
