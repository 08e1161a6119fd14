"""Step 6's tags: WeasyPrint 70's PDF/UA-1 structure completed where its HTML-to-tag mapping cannot be told.

WeasyPrint tags each box by its element's name alone (weasyprint/pdf/tags.py). What that leaves, and what
this module does about it (the README's "Accessibility audit" lists it per Matterhorn check):

- page-margin boxes (running heads, folios) are marked content no element holds: they become
  `/Artifact <</Type /Pagination /Subtype /Header>>` (or `/Footer`) in the page's content;
- footnotes are NonStruct: a footnote is a `Note` with an `ID`, its marker a `Lbl`, its call a `Reference`;
- ARIA roles mean nothing to it: `role="heading"` with `aria-level` makes an `H1`-`H6`, `role="note"` a
  `Note`, `role="doc-noteref"` a `Reference`, `role="presentation"` (or `none`) a `Div` whose list items
  (`dt`, `dd`, `li` without a role of their own) are paragraphs;
- anonymous boxes nest an element in itself (an `H2` in an `H2`, five `L` in a row for a list set as a table):
  they are merged into one, and white space between a list's items is an artifact, not text in an `L`;
- a link annotation's /Contents is its target ("s1-what-normalization-means"): it becomes "Go to section:
  <heading>" for a link to a heading (or to a section it labels), else the link's text;
- a right float (a side column) is tagged where it stands in the HTML, before the text it stands beside:
  it moves after the last sibling that starts above its foot, the order a sighted reader takes;
- letter-spaced text extracts letter by letter ("P O L I C Y"): its marked content gets an `/ActualText`;
- `aria-hidden="true"` means nothing to it: such an element is an artifact (a `/Watermark` when it is fixed,
  drawn on every page: the draft mark).

Two hooks do it inside `write_pdf`. `observe` wraps WeasyPrint's tag builder and only notes which box each
element and each marked-content id was made for; `finish` (WeasyPrint's documented `finisher`) rewrites the
tree (tagtree) and the page streams from those notes before the file is written. Both are deterministic:
the same document gives the same bytes. WeasyPrint is pinned (`<71`); tests/document/test_tagging.py pins
each of these behaviours, so a new WeasyPrint that changes its tagging fails there first.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags as weasyprint_tags

from pipeline.document.tagtree import (
    Tree,
    describe_links,
    gather_links,
    hidden,
    merge,
    reorder,
    retag,
    stray_space,
    unwrap_text,
)


@dataclass
class Seen:
    """What WeasyPrint's tag builder was given, for one PDF being written."""

    boxes: dict[int, object] = field(default_factory=dict)  # element object number -> its box
    texts: dict[tuple[int, int], object] = field(default_factory=dict)  # (page, MCID) -> text box
    margins: dict[tuple[int, int], str] = field(default_factory=dict)  # (page, MCID) -> Header/Footer/''
    roots: dict[int, object] = field(default_factory=dict)  # page -> its html element (a packet's parts)


_SEEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # pydyf.PDF -> Seen
_BUILD = weasyprint_tags._build_box_tree  # the one function observed (see the module's docstring)


def install() -> None:
    """Put the observer in front of WeasyPrint's tag builder (once per process; it only takes notes)."""
    if weasyprint_tags._build_box_tree is not observe:
        weasyprint_tags._build_box_tree = observe


def observe(box, parent, pdf, page_number, nums, annotations, tags):
    """WeasyPrint's `_build_box_tree`, noting the box of each element it makes and of each marked text."""
    seen = _SEEN.setdefault(pdf, Seen())
    if isinstance(box, boxes.MarginBox):
        where = {"@top": "Header", "@bot": "Footer"}.get(box.at_keyword[:4], "")
        for inner in _descendants(box):
            if inner in tags:
                seen.margins[(page_number, tags[inner]["mcid"])] = where
        yield from _BUILD(box, parent, pdf, page_number, nums, annotations, tags)
        return
    if box.element_tag == "html":
        seen.roots[page_number] = box.element
    for child in getattr(box, "children", ()):  # also through an absolutely positioned box's placeholder
        for inner in child.children if isinstance(child, boxes.LineBox) else (child,):
            if isinstance(inner, boxes.TextBox) and inner in tags:
                seen.texts[(page_number, tags[inner]["mcid"])] = inner
    own = isinstance(box, boxes.FootnoteAreaBox) or (
        box.element is not None and box.element_tag not in ("html", "body")
    )
    for element in _BUILD(box, parent, pdf, page_number, nums, annotations, tags):
        if own:
            seen.boxes.setdefault(element.number, box)
        yield element


def _descendants(box):
    stack = [box]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "children", ()))


def finish(document, pdf) -> None:
    """WeasyPrint's finisher: complete the structure tree and the page content of a tagged PDF."""
    seen = _SEEN.pop(pdf, None)
    if seen is None or "StructTreeRoot" not in pdf.catalog:
        return
    tree = Tree(pdf, seen.boxes)
    marks = _marks(pdf)
    artifacts = dict(seen.margins)
    retag(tree)
    merge(tree.top)
    for node in [tree.top, *tree.top.nodes()]:
        reorder(node)
    artifacts.update(stray_space(tree, seen.texts))
    artifacts.update(hidden(tree))
    unwrap_text(tree.top)
    gather_links(tree)
    describe_links(tree, seen.roots)
    _mark(marks, artifacts, seen)
    tree.write()


def _mark(marks: dict, artifacts: dict[tuple[int, int], str], seen: Seen) -> None:
    """The page content's marks: artifacts for what left the tree, ActualText for letter-spaced text."""
    for key, subtype in sorted(artifacts.items()):
        if key in marks:
            stream, at = marks[key]
            stream[at - 1] = "/Artifact"
            stream[at] = pydyf.Dictionary(
                {"Type": "/Pagination", "Subtype": f"/{subtype}"} if subtype else {"Type": "/Layout"}
            )
            if subtype == "Watermark" and key in seen.texts:  # drawn over the page, often turned: a line of
                stream[at]["ActualText"] = pydyf.String("\n" + seen.texts[key].text)  # its own when extracted
    for key, box in sorted(seen.texts.items()):
        if key in marks and key not in artifacts and _letter_spaced(box):
            stream, at = marks[key]
            stream[at]["ActualText"] = pydyf.String(box.text)


def _marks(pdf) -> dict[tuple[int, int], tuple[list, int]]:
    """(page, MCID) -> (the content list of the stream that marks it, the index of its property list). The
    streams of a page (its own, and the groups drawn from it) share WeasyPrint's per-page tag table."""
    pages = {}
    for index, reference in enumerate(pdf.page_references):
        stream = pdf.objects[int(pdf.objects[int(reference.split()[0])]["Contents"].split()[0])]
        pages[id(getattr(stream, "_tags", None))] = index
    found = {}
    for obj in pdf.objects:
        page = pages.get(id(getattr(obj, "_tags", None))) if hasattr(obj, "_tags") else None
        if page is None or not isinstance(obj, pydyf.Stream):
            continue
        for at, item in enumerate(obj.stream):
            if isinstance(item, pydyf.Dictionary) and "MCID" in item and at:
                found[(page, item["MCID"])] = (obj.stream, at)
    return found


def _letter_spaced(box) -> bool:
    spacing = box.style["letter_spacing"]
    return spacing != "normal" and bool(spacing) and float(spacing) > 0
