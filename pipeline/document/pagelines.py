"""Laid-out pages read back as lines, text runs, tables and URLs, each traced to the topic field it prints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes

PT = 0.75  # points per CSS px
INVISIBLE = str.maketrans("", "", "\u200b\u2060\u00ad\ufeff")  # break hints and soft hyphens print nothing
# The ids the templates put on the elements that print one topic field, and the field they print.
IDS = (
    (re.compile(r"ask-(\d+)"), lambda n: ("asks", n, "ask")),
    (re.compile(r"a-(\d+)"), lambda n: ("questions", n, "a")),
    (re.compile(r"q-(\d+)"), lambda n: ("questions", n, "q")),
    (re.compile(r"short-(\d+)"), lambda n: ("questions", n, "short")),
    (re.compile(r"fact-(\d+)"), lambda n: ("key_facts", n)),
    (re.compile(r"point-(\d+)"), lambda n: ("one_pager", "points", n)),
)
CLASSES = {"subtitle": ("subtitle",), "lede": ("summary",), "bill": ("asks",), "fact-list": ("key_facts",)}
HEADINGS = {"h2", "h3", "h4", "dt"}


def plain(text: str) -> str:
    """Text as a reader sees it: no break hints, no soft hyphens."""
    return text.translate(INVISIBLE)


@dataclass
class Line:
    """One laid-out line of the document's flow (running heads and footnotes aside)."""

    page: int
    top: float  # CSS px
    bottom: float
    text: str  # as printed
    holder: int  # the identity of the element whose box holds the line (a paragraph, a list item)
    field: tuple  # the topic field it prints (a path for Source.where), () when none is known
    role: str  # "title" (h1), "heading" (h2-h4, a question), or "text"
    block: str  # the one-pager block it is in ('' in a briefing)
    left: float = 0.0  # CSS px
    right: float = 0.0
    placed: int = 0  # the absolutely placed box it is in (0: none; -1: a watermark, over the text by design)


@dataclass
class Pages:
    """What the checks read from a laid-out document."""

    lines: list[Line] = field(default_factory=list)
    sizes: list[tuple[float, str, tuple, int]] = field(default_factory=list)  # (pt, text, field, page)
    tables: dict[int, tuple[tuple, set]] = field(default_factory=dict)  # element -> (field, pages)
    urls: dict[int, tuple[str, list]] = field(default_factory=dict)  # a.url: (href, [(serial, piece, line)])
    serial: int = 0  # lines read so far, flow or not (a URL's pieces on consecutive lines break it)
    fill: list[float] = field(default_factory=list)  # per page, the share of the content area used
    placed: list[tuple] = field(
        default_factory=list
    )  # absolutely placed boxes: (page, id, left, top, right, bottom)


@dataclass(frozen=True)
class Context:
    field: tuple = ()
    role: str = "text"
    block: str = ""
    url: int = 0  # the identity of the a.url element the box is in
    placed: int = 0  # the identity of the absolutely placed box the box is in


def read(document) -> Pages:
    """Every line, text run, table and URL of `document`'s pages, in reading order."""
    found, sections = Pages(), {}
    for number, page in enumerate(document.pages, 1):
        root = page._page_box
        top, height = root.content_box_y(), root.height
        lowest, notes = top, 0.0
        for child in root.children:
            if isinstance(child, boxes.MarginBox):
                _walk(child, Context(), number, found, sections, flow=False)
            elif isinstance(child, boxes.FootnoteAreaBox):
                notes = child.margin_height() if child.children else 0.0
                _walk(child, Context(), number, found, sections, flow=False)
            else:
                _walk(child, Context(), number, found, sections, flow=True)
        for line in found.lines:
            if line.page == number:
                lowest = max(lowest, line.bottom)
        found.fill.append(min(1.0, (lowest - top + notes) / height) if height else 1.0)
    return found


def _context(box, ctx: Context, sections: dict) -> Context:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", "").endswith(("::marker", "::before", "::after")):
        return ctx
    tag, ident = box.element_tag, element.get("id", "")
    classes = set(element.get("class", "").split())
    place, role, block, url = ctx.field, ctx.role, ctx.block, ctx.url
    block = element.get("data-block", block)
    if tag == "section" and "position" in classes:
        index = sections.setdefault(id(element), len(sections))
        place = ("sections", index, "body")
    for name in sorted(classes & CLASSES.keys()):
        place = CLASSES[name]
    if tag == "h1":
        place, role = ("title",), "title"
    elif (tag in HEADINGS and (tag != "dt" or element.get("role") == "heading")) or (
        "q" in classes and tag != "strong"
    ):
        role = "heading"
        if place[:1] == ("sections",):
            place = place[:2] + ("heading",)
    for pattern, path in IDS:
        matched = pattern.fullmatch(ident)
        if matched:
            place = path(int(matched[1]) - 1)
    if place[:1] == ("key_facts",) and len(place) == 2:
        place = place + ("value",) if "fact-value" in classes else place
        place = place + ("label",) if "fact-label" in classes else place
    if ident.startswith("ref-"):
        place = ("ref", ident[4:])
    if tag == "a" and "url" in classes:
        url = id(element)
    return Context(place, role, block, url, ctx.placed)


def _walk(box, ctx: Context, number: int, found: Pages, sections: dict, flow: bool) -> None:
    box = getattr(box, "_box", box)  # an absolutely positioned box stands in the tree behind a placeholder
    ctx = _context(box, ctx, sections)
    if flow and isinstance(box, boxes.BlockBox) and box.style["position"] in ("absolute", "fixed"):
        # a mark meant to lie over the text (a DRAFT watermark, hidden from screen readers) is in no one's way
        ident = -1 if box.element is not None and box.element.get("aria-hidden") == "true" else id(box)
        if ident != -1:
            x, y = box.border_box_x(), box.border_box_y()
            found.placed.append((number, ident, x, y, x + box.border_width(), y + box.border_height()))
        ctx = Context(ctx.field, ctx.role, ctx.block, ctx.url, ident)
    element = getattr(box, "element", None)
    if isinstance(box, boxes.TableBox) or (element is not None and ctx.field == ("key_facts",)):
        if element is not None and isinstance(box, (boxes.TableBox, boxes.BlockBox)):
            found.tables.setdefault(id(element), (ctx.field, set()))[1].add(number)
    if isinstance(box, boxes.LineBox):
        _line(box, ctx, number, found, flow)
        return
    if isinstance(box, boxes.TextBox):
        _text(box, ctx, number, found)
        return
    for child in getattr(box, "children", ()):
        _walk(child, ctx, number, found, sections, flow)


def _line(box, ctx: Context, number: int, found: Pages, flow: bool) -> None:
    pieces: list[tuple[Context, str]] = []
    _runs(box, ctx, number, found, pieces)
    text = "".join(t for _, t in pieces)
    if not plain(text).strip():
        return
    holder = id(box.element) if getattr(box, "element", None) is not None else 0
    if flow:
        top, left = box.position_y, box.position_x
        bottom, right = top + box.height, left + box.width
        found.lines.append(
            Line(number, top, bottom, text, holder, ctx.field, ctx.role, ctx.block, left, right, ctx.placed)
        )
    found.serial += 1
    for inner, piece in pieces:
        if inner.url:
            href = "".join(_hrefs(box, inner.url))
            found.urls.setdefault(inner.url, (href, []))[1].append((found.serial, piece, text))


def _runs(box, ctx: Context, number: int, found: Pages, pieces: list) -> None:
    """The text runs of a line, each with its context (notes, links and fields inside the line)."""
    for child in getattr(box, "children", ()):
        inner = _context(child, ctx, {})
        if isinstance(child, boxes.TextBox):
            _text(child, inner, number, found)
            pieces.append((inner, child.text))
        elif isinstance(child, boxes.ParentBox):  # inline boxes, inline-blocks: their text is on the line
            _runs(child, inner, number, found, pieces)


def _hrefs(box, ident: int):
    element = getattr(box, "element", None)
    if element is not None and id(element) == ident:
        yield element.get("href", "")
        return
    for child in getattr(box, "children", ()):
        yield from _hrefs(child, ident)


def _text(box, ctx: Context, number: int, found: Pages) -> None:
    text = plain(box.text).strip()
    if text:
        found.sizes.append((box.style["font_size"] * PT, text, ctx.field, number))
