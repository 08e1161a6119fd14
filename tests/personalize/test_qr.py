"""pipeline.personalize.qr: an office's address as a module matrix and as an SVG, both decoding to it."""

from __future__ import annotations

import re
import urllib.parse

import pytest
import zxingcpp
from PIL import Image

from pipeline.personalize.qr import QUIET, matrix, svg_data_url

URLS = [
    "https://setf.ngo/briefings/sanctions?office=sample-nunez",
    "https://setf.ngo/briefings/refugee-return?office=C000127&chamber=senate&state=WA",
    "https://setf.ngo/b?office=" + urllib.parse.quote("José Ñúñez-O'Brien") + "&x=" + "a" * 120,
]


def picture(modules: list[list[bool]], scale: int = 4) -> Image.Image:
    """The matrix drawn black on white, `scale` pixels a module (the page around the band is white too)."""
    size = len(modules)
    image = Image.new("L", (size * scale, size * scale), 255)
    for row, cells in enumerate(modules):
        for col, dark in enumerate(cells):
            if dark:
                image.paste(0, (col * scale, row * scale, (col + 1) * scale, (row + 1) * scale))
    return image


def svg_modules(url: str) -> tuple[int, set[tuple[int, int]]]:
    """(viewBox size, dark modules as (row, column)) of the SVG: one-module-wide horizontal strokes."""
    prefix, _, body = svg_data_url(url).partition(",")
    assert prefix == "data:image/svg+xml;charset=utf-8"
    svg = urllib.parse.unquote(body)
    size = re.search(r"viewBox='0 0 (\d+) (\d+)'", svg)
    assert size.group(1) == size.group(2)
    [path] = re.findall(r"<path [^>]*\bd='([^']*)'", svg)
    assert "stroke='#000'" in svg and "stroke-width" not in svg  # strokes 1 module wide
    x = y = 0.0
    dark = set()
    for command, a, b in re.findall(r"([A-Za-z])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        elif command == "h":
            row = int(y)  # a stroke along y = row + 0.5 covers that row
            dark |= {(row, col) for col in range(round(x), round(x + float(a)))}
            x += float(a)
        else:
            raise AssertionError(f"unexpected path command {command!r} in {path[:80]}")
    return int(size.group(1)), dark


@pytest.mark.parametrize("url", URLS)
def test_the_matrix_decodes_to_the_url_at_error_correction_m(url):
    modules = matrix(url)
    [found] = zxingcpp.read_barcodes(picture(modules), formats=zxingcpp.BarcodeFormat.QRCode)
    assert found.text == url
    assert found.ec_level == "M"


@pytest.mark.parametrize("url", URLS)
def test_the_matrix_is_a_square_symbol_inside_a_quiet_zone(url):
    modules = matrix(url)
    size = len(modules)
    assert all(len(row) == size for row in modules)
    symbol = size - 2 * QUIET
    assert symbol >= 21 and (symbol - 21) % 4 == 0  # a QR version: 21, 25, 29, ... modules
    edges = modules[:QUIET] + modules[-QUIET:] + [row[:QUIET] + row[-QUIET:] for row in modules]
    assert not any(any(row) for row in edges)
    # The finder pattern's top-left corner: a 7 x 7 dark ring at the edge of the symbol.
    corner = [row[QUIET : QUIET + 7] for row in modules[QUIET : QUIET + 7]]
    assert corner[0] == [True] * 7 and corner[1] == [True] + [False] * 5 + [True]


def test_each_url_has_its_own_matrix_and_the_same_one_every_time():
    assert matrix(URLS[0]) == matrix(URLS[0])
    assert matrix(URLS[0]) != matrix(URLS[0].replace("nunez", "tran"))


@pytest.mark.parametrize("url", URLS)
def test_the_svg_draws_the_same_modules_as_the_matrix(url):
    modules = matrix(url)
    size, dark = svg_modules(url)
    assert size == len(modules)
    assert dark == {(r, c) for r, row in enumerate(modules) for c, cell in enumerate(row) if cell}
