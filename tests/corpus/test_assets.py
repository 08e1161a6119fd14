"""Corpus: images, SVG files and font files that are broken, huge, or reach outside the project.

A binary file's problem is reported where it is referred to (the Markdown image, the url(), the file:); an SVG
file's own fault inside the SVG file."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import pytest
from PIL import Image

from tests.corpus.harness import Case, both, check, replace, write

TOPIC = "sources/topics/mini.yaml"
LOGO = "sources/assets/logo.svg"
CSS = "layouts/base/css/briefing/extra.css"  # images it uses sit beside it: only the briefing is made again
OPEN_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 30" width="120" height="30">\n'


def png(width: int, height: int) -> bytes:
    """A grey PNG, written by hand so that a huge one stays small (1 bit per pixel, compressed rows)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    squeeze = zlib.compressobj(9)
    row = b"\0" + b"\x55" * ((width + 7) // 8)
    pixels = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return data


def photo(kind: str, cut: int = 0) -> bytes:
    """A noisy picture (so that every part of the file holds pixels), optionally cut `cut` bytes short."""
    out = io.BytesIO()
    Image.effect_noise((160, 120), 60).convert("RGB").save(out, kind)
    return out.getvalue()[:-cut] if cut else out.getvalue()


def figure(name: str, data: bytes):
    """The topic's first paragraph shows sources/assets/<name>, which holds `data`."""
    return both(
        write(f"sources/assets/{name}", data),
        replace(TOPIC, "A paragraph with *emphasis*", f"A paragraph with ![a map](assets/{name}) *emphasis*"),
    )


def logo(svg: str):
    return write(LOGO, svg)


AT_FIGURE = f"{TOPIC}:24:33"  # where the figure's file name is written in the topic
BOTH = ["mini/"]  # a topic or shared asset change makes both documents again; one of them may succeed

CASES = [
    Case(
        "png-truncated",
        figure("map.png", photo("PNG", cut=20000)),
        [(AT_FIGURE, "error", "render.image")],
        message=["image 'sources/assets/map.png' is damaged or cut short (image file is truncated)"],
        remade=BOTH,
    ),
    Case(
        "png-20000-by-20000",
        figure("map.png", png(20000, 20000)),
        [(AT_FIGURE, "error", "render.image")],
        message=["is 20000 x 20000 pixels (400 million); an image may have at most 40 million"],
        remade=BOTH,
    ),
    Case(
        "png-huge-as-css-background",
        both(
            write("layouts/base/css/briefing/paper.png", png(10000, 10000)),
            write(CSS, "/* the page */\nbody { background: url(paper.png); }\n"),
        ),
        [(f"{CSS}:2:24", "error", "render.image")],
        message=["image 'layouts/base/css/briefing/paper.png' is 10000 x 10000 pixels (100 million)"],
    ),
    Case(
        "png-bomb-in-a-data-url",
        write(
            CSS,
            "body { background: url(data:image/png;base64,"
            + base64.b64encode(png(12000, 12000)).decode()
            + "); }\n",
        ),
        [(f"{CSS}:1:24", "error", "render.image")],
        message=["image 'data:image/png;base64,iVBORw0KGgoAAAANSU...' is 12000 x 12000 pixels"],
    ),
    Case(
        "png-named-jpg-builds",
        both(
            write("layouts/base/css/briefing/rule.jpg", png(60, 40)),
            write(CSS, "h2 { background: url(rule.jpg) no-repeat; }\n"),
        ),
        [],
        status=0,
        remade=["mini/mini-briefing"],
    ),
    Case(
        "image-empty-file",
        both(
            write("layouts/base/css/briefing/rule.png", b""),
            write(CSS, "/* rules */\nh2 { background: url(rule.png); }\n"),
        ),
        [(f"{CSS}:2:22", "error", "render.image")],
        message=["image 'layouts/base/css/briefing/rule.png' is an empty file"],
    ),
    Case(
        "image-that-is-text",
        both(
            write("layouts/base/css/briefing/rule.gif", b"404 Not Found\n"),
            write(CSS, "/* rules */\nh2 { background: url(rule.gif); }\n"),
        ),
        [(f"{CSS}:2:22", "error", "render.image")],
        message=["is not an image WeasyPrint can read (PNG, JPEG, GIF, WebP or SVG)"],
    ),
    Case(
        "organization-logo-jpeg-truncated",
        both(
            write("sources/assets/logo.jpg", photo("JPEG", cut=600)),
            replace("sources/organization.yaml", "file: assets/logo.svg", "file: assets/logo.jpg"),
        ),
        [("sources/organization.yaml:5:9", "error", "render.image")],
        message=["image 'sources/assets/logo.jpg' is damaged or cut short"],
    ),
    Case(
        "svg-image-file-url",
        logo(OPEN_SVG + '<image href="file:///etc/passwd" width="10" height="10"/>\n</svg>\n'),
        [(f"{LOGO}:2:14", "error", "render.url")],
        message=["refused to read 'file:///etc/passwd'"],
    ),
    Case(
        "svg-xlink-to-http",
        logo(
            OPEN_SVG.replace("<svg ", '<svg xmlns:xlink="http://www.w3.org/1999/xlink" ')
            + '<image xlink:href="http://example.org/x.png" width="10" height="10"/>\n</svg>\n'
        ),
        [(f"{LOGO}:2:20", "error", "render.url")],
        message=["refused to fetch 'http://example.org/x.png': rendering never uses the network"],
    ),
    Case(
        "svg-external-entity",
        logo(
            '<?xml version="1.0"?>\n<!DOCTYPE svg [\n  <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
            + OPEN_SVG
            + "<text>&secret;</text></svg>\n"
        ),
        [(f"{LOGO}:3:3", "error", "render.image")],
        message=["SVG image 'sources/assets/logo.svg' declares an entity"],
    ),
    Case(
        "svg-entity-expansion-bomb",
        logo(
            '<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
            + OPEN_SVG
            + "<text>&b;</text></svg>\n"
        ),
        [(f"{LOGO}:2:1", "error", "render.image")],
    ),
    Case(
        "svg-not-well-formed",
        logo(OPEN_SVG + '<rect width="10" height="10">\n</svg>\n'),
        [(f"{LOGO}:3:3", "error", "render.image")],
        message=["is not well-formed XML: mismatched tag"],
    ),
    Case(
        "svg-that-is-html",
        logo("<html><body>Moved</body></html>\n"),
        [(f"{LOGO}:1:1", "error", "render.image")],
        message=[
            "image 'sources/assets/logo.svg' is not an SVG image: its first element is <html>, not <svg>"
        ],
    ),
    Case(
        "font-file-that-is-not-a-font",
        write("layouts/base/fonts/SourceSerif4-Bold.otf", "<html>Not found</html>\n"),
        [("layouts/base/layout.yaml:98:36", "error", "render.font")],
        message=[  # the project overrides the font file only: its `file:` is in the shipped layout.yaml
            "font file 'layouts/base/fonts/SourceSerif4-Bold.otf' is not an OpenType, TrueType or WOFF font",
            "file there (the file is from the base layout shipped with Position Press)",
        ],
    ),
    Case(
        "font-file-damaged-behind-a-good-signature",
        write("layouts/base/fonts/SourceSerif4-Bold.otf", b"OTTO" + b"\x00\x0a" * 200),
        [("layouts/base/layout.yaml:98:36", "error", "render.font")],
        message=["font file 'layouts/base/fonts/SourceSerif4-Bold.otf' (family 'Source Serif 4') is damaged"],
    ),
    Case(
        "font-file-empty",
        write("layouts/base/fonts/SourceSans3-Regular.otf", b""),
        [("layouts/base/layout.yaml:101:35", "error", "render.font")],
        message=["font file 'layouts/base/fonts/SourceSans3-Regular.otf' is empty"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_assets(case, built, tmp_path):
    check(case, built, tmp_path)
