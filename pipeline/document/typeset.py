"""Step 6, typeset: HTML to PDF with WeasyPrint, reading only the project; every logged problem fails."""

from __future__ import annotations

import logging
import mimetypes
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from pipeline.document import assets, glyphs
from pipeline.document.problem import Problem
from pipeline.errors import PressError
from pipeline.sources import files

ALLOWED_DIRS = ("sources", "layouts")  # and the shipped base layout, read for layouts/base/ (files.locate)
PDF_OPTIONS = {"pdf_tags": True}
VARIANT = "pdf/ua-1"  # every PDF a reader gets (README, "Accessibility audit")


def require_environment() -> None:
    """Stop (PressError) when this machine cannot make reproducible PDFs: WeasyPrint needs HarfBuzz's
    subsetter."""
    from weasyprint.text.ffi import harfbuzz_subset

    if not harfbuzz_subset:
        raise PressError(
            "WeasyPrint cannot find the HarfBuzz subsetting library, so fonts would be subset slowly "
            "and not reproducibly; install it (Debian and Ubuntu: apt-get install libharfbuzz-subset0; "
            "`make` does this when it runs as root)"
        )


class Refused(FatalURLFetchingError):
    """A URL the fetcher will not read; stops the render. `problem` says why, and about what."""

    def __init__(self, message: str, url: str, code: str = "render.url", where: tuple | None = None):
        super().__init__(message)
        self.problem = Problem(message, code=code, url=url, where=where)


class ProjectFetcher(URLFetcher):
    """Reads data: URLs and files under the project's sources/ and layouts/ (a file under layouts/base/ that
    the project does not have from the shipped base layout, and nothing else of the package); refuses
    everything else."""

    def __init__(self, root: Path):
        super().__init__(
            allowed_protocols={"data", "file"}, allow_redirects=False, fail_on_errors=True, timeout=1
        )
        self.roots = [(root / name).resolve() for name in ALLOWED_DIRS] + [files.SHIPPED.resolve()]
        self.root = root.resolve()
        self.refused: list[Problem] = []  # every refusal, also those WeasyPrint catches and only logs

    def fetch(self, url, headers=None):
        try:
            return self._fetch(url, headers)
        except Refused as exc:
            self.refused.append(exc.problem)
            raise

    def _fetch(self, url, headers):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            response = super().fetch(url, headers)
            data = response.read()
            shown = url if len(url) <= 40 else url[:40] + "..."
            found = assets.data_problem(data, response.content_type, shown)
            if found:
                raise Refused(found[0], url, found[1])
            return URLFetcherResponse(url, data, response.headers)
        if scheme == "file":
            path = self._located(Path(unquote(urlsplit(url).path)).resolve())
            inside = any(root in path.parents for root in self.roots)
            if inside and path.is_file():
                found = assets.problem(path, self._shown(path))
                if found:
                    raise Refused(found[0], url, found[1], found[2])
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            if inside:
                raise Refused(f"'{self._shown(path)}' does not exist", url)
            raise Refused(
                f"refused to read '{url}': documents may only use files under sources/ and layouts/", url
            )
        raise Refused(f"refused to fetch '{url}': rendering never uses the network", url)

    def _located(self, path: Path) -> Path:
        """The file a project path stands for: the shipped base layout's for a layouts/base/ file the project
        does not have (URLs keep naming layouts/base/, so relative ones inside it resolve there too)."""
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            return path
        return files.locate(self.root, relative).resolve()

    def _shown(self, path: Path) -> str:
        return files.shown(path, self.root)


class TypesetError(Exception):
    """WeasyPrint could not make a clean document; `problems` (messages, or Problems) says why."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(_problem_of(record))


def _problem_of(record: logging.LogRecord) -> Problem:
    """What WeasyPrint logged, as a Problem that knows what it is about."""
    message, form = record.getMessage(), str(record.msg)
    args = record.args if isinstance(record.args, tuple) else ()
    text = f"WeasyPrint: {message}"
    if args and form.startswith(".notdef glyph"):
        return Problem(text, code="render.font", char=str(args[0]))
    if args and form.startswith(("Failed to load image", "Failed to render SVG")):
        return Problem(text, code="render.image", url=str(args[0]))
    if args and form.startswith("Failed to load stylesheet"):
        return Problem(text, code="render.url", url=str(args[0]))
    if args and form.startswith("Font-face"):
        return Problem(text, code="render.font", family=str(args[0]))
    position = re.search(r" at (\d+):(\d+)", message)
    if position and "css" in Path(record.pathname).parts:
        return Problem(text, code="render.css", css=(int(position[1]), int(position[2]), message))
    return Problem(text)


def _problems(fetcher, messages: list[Problem]) -> list[Problem]:
    """The refusals first; WeasyPrint's "Failed to ..." lines that follow from them say nothing more."""
    refused = list(getattr(fetcher, "refused", []))
    if hasattr(fetcher, "refused"):
        fetcher.refused.clear()
    if refused:
        return refused + [m for m in messages if not m.startswith("WeasyPrint: Failed to")]
    return messages


@contextmanager
def weasyprint_log():
    """Collect what WeasyPrint logs at WARNING and above (and keep it off the terminal)."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def layout_html(markup: str, root: Path, stem: str, topic: str):
    """Lay out HTML into a WeasyPrint Document; a refused fetch or a logged problem raises TypesetError."""
    base_url = (root / "out" / topic / f"{stem}.html").resolve().as_uri()
    fetcher = ProjectFetcher(root)
    with weasyprint_log() as messages:
        try:
            document = HTML(string=markup, base_url=base_url, url_fetcher=fetcher).render(**PDF_OPTIONS)
        except FatalURLFetchingError as exc:  # a BaseException: `except Exception` would miss it
            cause = exc if isinstance(exc, Refused) else (exc.__cause__ or exc)
            raise TypesetError(_problems(fetcher, []) or [Problem(str(cause))]) from None
    problems = _problems(fetcher, messages)
    if problems:
        raise TypesetError(problems)
    return document


def write_pdf(document, layout=None, **options) -> bytes:
    """The PDF bytes of a laid-out document (deterministic: no clock, content-derived identifier). Given the
    document's `layout`, a character none of its fonts has, and a font in the PDF that it does not declare,
    are problems too. `options` change WeasyPrint's (a print-shop PDF's variant and finisher)."""
    with weasyprint_log() as messages:
        # a print-shop variant brings its own options; every other PDF is PDF/UA-1
        data = document.write_pdf(**(PDF_OPTIONS | options if options else variant_options()))
    problems = _problems(document.url_fetcher, messages)
    if layout is not None:
        problems = [glyphs.named(p, layout) if p.char else p for p in problems] or glyphs.stray_fonts(
            data, layout
        )
    if problems:
        raise TypesetError(problems)
    return data


def variant_options(variant: str = VARIANT) -> dict:
    """WeasyPrint's write options for a PDF variant. PDF/UA-1: tags, XMP metadata (pdfuaid:part, dc:title from
    the HTML's <title>), a file identifier hashed from the content (so the same document gives the same
    bytes), and `tagging.finish`, which completes the tags WeasyPrint leaves short."""
    from pipeline.document import tagging

    tagging.install()
    return {"pdf_variant": variant, "pdf_identifier": True, "finisher": tagging.finish}


def missing_targets(document) -> list[str]:
    """Internal links whose target is on no page (a table of contents would print page 0 for them)."""
    anchors = set()
    for page in document.pages:
        anchors.update(page.anchors)
    links = set()
    for page in document.pages:
        for link_type, target, _, _ in page.links:
            if link_type == "internal":
                links.add(target)
    return [f"link to '#{t}' has no target, so its page number would be 0" for t in sorted(links - anchors)]


def overfull_lines(document, tolerance: float = 0.5) -> list[str]:
    """Lines whose content runs past the right edge of the block holding them (text in the margin, or cut)."""
    found = []
    for number, page in enumerate(document.pages, 1):
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.ParentBox):
                right = box.content_box_x() + box.width if box.width != "auto" else None
                for child in box.children:
                    if isinstance(child, boxes.LineBox) and child.children and right is not None:
                        end = max(c.position_x + c.margin_width() for c in child.children)
                        if end > right + tolerance:
                            text = clean(_text(child))
                            found.append(
                                f"page {number}: line overruns by {(end - right) * 0.75:.1f}pt: '{text[:60]}'"
                            )
                    else:
                        stack.append(child)
    return found


def clipped(page) -> list[str]:
    """Boxes with fixed size and hidden overflow whose content runs past them (cut off without a word)."""
    found = []
    stack = list(getattr(page._page_box, "children", []))
    while stack:
        box = stack.pop()
        children = getattr(box, "children", [])
        if children and box.style["overflow"] != "visible" and box.height != "auto":
            bottom = box.content_box_y() + box.height
            inner = [c for c in _descendants(box) if isinstance(c, (boxes.LineBox, boxes.ReplacedBox))]
            lowest = max((c.position_y + c.margin_height() for c in inner), default=bottom)
            if lowest > bottom + 0.5:
                found.append(
                    f"content cut off {(lowest - bottom) * 0.75:.1f}pt below a fixed-height box: "
                    f"'{clean(_text(box))[:60]}'"
                )
                continue
        stack.extend(children)
    return found


def _descendants(box):
    for child in getattr(box, "children", []):
        yield child
        yield from _descendants(child)


def _text(box) -> str:
    """The text of a box; lines and blocks joined by spaces."""
    if isinstance(box, boxes.TextBox):
        return box.text
    if isinstance(box, boxes.InlineBox):
        return "".join(_text(c) for c in box.children)
    if isinstance(box, boxes.ParentBox):
        return " ".join(_text(c) for c in box.children)
    return ""


def content_bottom(page) -> float:
    """The y (CSS px) where the page's content area ends."""
    box = page._page_box
    return box.content_box_y() + box.height


def clean(text: str) -> str:
    """Collapse white space, for messages."""
    return re.sub(r"\s+", " ", text).strip()
