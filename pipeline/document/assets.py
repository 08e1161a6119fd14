"""Files a document embeds, checked before WeasyPrint decodes them: images by header and decoding, fonts."""

from __future__ import annotations

import functools
import io
import re
import warnings
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff"}
FONT_SUFFIXES = {".otf", ".ttf", ".woff", ".woff2"}
FONT_SIGNATURES = (b"OTTO", b"\x00\x01\x00\x00", b"true", b"wOFF", b"wOF2", b"ttcf")
# PNG, JPEG, GIF, WebP, TIFF: checked as images whatever the file is called (stylesheets aside).
RASTER_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
MAX_PIXELS = 40_000_000  # a full letter page at 600 dpi is 33.7 million pixels
ENTITY = re.compile(rb"<!ENTITY\b")


@functools.lru_cache(maxsize=256)
def _checked(path: str, size: int, mtime: int, shown: str) -> tuple[str, str, tuple | None] | None:
    data = Path(path).read_bytes()
    suffix = Path(path).suffix.lower()
    if suffix in FONT_SUFFIXES:
        return _font_problem(data, shown)
    if suffix in IMAGE_SUFFIXES or (suffix != ".css" and _raster(data)):
        return _image_problem(data, shown)
    return None


def _raster(data: bytes) -> bool:
    return data.startswith(RASTER_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def problem(path: Path, shown: str) -> tuple[str, str, tuple | None] | None:
    """Why a project file may not be embedded, as (message, code, where inside the file or None), or None.
    Images must be whole, decodable and at most MAX_PIXELS; SVG well-formed and without entities; fonts
    OpenType, TrueType or WOFF. Results are kept while the file is unchanged."""
    stat = path.stat()
    return _checked(str(path), stat.st_size, stat.st_mtime_ns, shown)


def data_problem(data: bytes, mime: str, shown: str) -> tuple[str, str, None] | None:
    """Why the content of a data: URL may not be embedded, as for a file (an image in it is checked)."""
    if _raster(data):
        return _raster_problem(data, shown)
    if mime == "image/svg+xml":
        found = _image_problem(data, shown)
        return (found[0], found[1], None) if found else None  # a place inside it is no place in a file
    return None


def _font_problem(data: bytes, shown: str) -> tuple[str, str, None] | None:
    if not data:
        return f"font file '{shown}' is empty", "render.font", None
    if not data.startswith(FONT_SIGNATURES):
        return (
            f"font file '{shown}' is not an OpenType, TrueType or WOFF font; put the font's .otf, .ttf or "
            ".woff2 file there",
            "render.font",
            None,
        )
    return None


def _image_problem(data: bytes, shown: str) -> tuple[str, str, tuple | None] | None:
    if not data:
        return f"image '{shown}' is an empty file", "render.image", None
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        return _svg_problem(data, shown)
    return _raster_problem(data, shown)


def _raster_problem(data: bytes, shown: str) -> tuple[str, str, None] | None:
    import imagesize
    from PIL import Image

    try:
        width, height = imagesize.get(io.BytesIO(data))
    except (ValueError, OSError, IndexError):
        width, height = -1, -1
    if width * height > MAX_PIXELS:
        return (
            f"image '{shown}' is {width} x {height} pixels ({width * height / 1e6:.0f} million); an image "
            f"may have at most {MAX_PIXELS // 1_000_000} million (a full page at 300 dpi needs about 9): "
            "scale it down",
            "render.image",
            None,
        )
    try:
        with _strict_decoding(), warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except Image.UnidentifiedImageError:
        return (
            f"image '{shown}' is not an image WeasyPrint can read (PNG, JPEG, GIF, WebP or SVG)",
            "render.image",
            None,
        )
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        return (
            f"image '{shown}' is damaged or cut short ({exc}); export or download it again",
            "render.image",
            None,
        )
    return None


@contextmanager
def _strict_decoding():
    """Importing WeasyPrint tells Pillow to fill in truncated images silently (LOAD_TRUNCATED_IMAGES); for
    this check, a truncated image is an error."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _svg_problem(data: bytes, shown: str) -> tuple[str, str, tuple] | None:
    entity = ENTITY.search(data)
    if entity:
        return (
            f"SVG image '{shown}' declares an entity (<!ENTITY ...>); SVG images may not declare entities",
            "render.image",
            (shown, *_line_col(data, entity.start())),
        )
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        line, col = exc.position
        reason = str(exc).split(":")[0]
        return f"SVG image '{shown}' is not well-formed XML: {reason}", "render.image", (shown, line, col + 1)
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        name = root.tag.rsplit("}", 1)[-1]
        return (
            f"image '{shown}' is not an SVG image: its first element is <{name}>, not <svg>",
            "render.image",
            (shown, 1, 1),
        )
    return None


def _line_col(data: bytes, index: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, index) + 1
    return line, len(data[data.rfind(b"\n", 0, index) + 1 : index].decode("utf-8", "replace")) + 1


@functools.lru_cache(maxsize=64)
def cmap(path: str) -> frozenset[int]:
    """The code points a font file has glyphs for (empty when it cannot be read)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        return frozenset(TTFont(path, lazy=True).getBestCmap() or {})
    except (OSError, TTLibError, AssertionError, KeyError):
        return frozenset()
