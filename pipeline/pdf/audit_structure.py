"""Audit, structure: the structure tree read once, and the checks on it.

Matterhorn 01-005 and 01-007 (the catalog's tagging flags), 02 (role map), 09-004..09-006 (tables, lists,
tables of contents), 11-001 and 11-002 (languages), 13-004, 14 (headings), 17-002 and 19-003/19-004 (notes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pikepdf

from pipeline.pdf.audit_common import Found, language_problem, name, plural, shorten, text

# The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4), which PDF/UA-1 builds on.
STANDARD = set(
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 H4 H5 H6 "
    "L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot "
    "Ruby RB RT RP Warichu WT WP Figure Formula Form".split()
)
HEADING = re.compile(r"H([1-6])")
MAX_DEPTH = 400  # deeper than any real document; a loop in /K stops here


@dataclass(eq=False)
class Element:
    """One structure element: its type as written and after the role map, where it is, what it holds."""

    kind: str
    role: str  # the standard type it maps to, or '' when it maps to none
    parent: Element | None
    order: int  # position in document (depth-first) order
    obj: pikepdf.Dictionary
    children: list[Element] = field(default_factory=list)
    mcids: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID)
    annots: list[tuple[int, int]] = field(default_factory=list)  # objgen of annotations held by OBJR
    lang: str | None = None
    alt: str | None = None
    actual: str | None = None
    id: str | None = None

    def inherited_lang(self) -> str | None:
        node: Element | None = self
        while node is not None:
            if node.lang is not None:
                return node.lang
            node = node.parent
        return None

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def label(self) -> str:
        return self.kind if self.kind == self.role or not self.role else f"{self.kind} (as {self.role})"


@dataclass
class Tree:
    """The structure tree of a document, or an empty one (`present` False)."""

    present: bool = False
    elements: list[Element] = field(default_factory=list)
    reachable: set[tuple[int, int]] = field(default_factory=set)  # (page index, MCID) held by an element
    by_mcid: dict[tuple[int, int], Element] = field(default_factory=dict)
    parents: dict[int, object] = field(default_factory=dict)  # the ParentTree, flattened
    role_map: dict[str, str] = field(default_factory=dict)
    role_problems: list[tuple[str, str, str]] = field(default_factory=list)  # (code, type, why)


def read_tree(pdf: pikepdf.Pdf) -> Tree:
    """Read the structure tree once: every element in document order, with its role-mapped type."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return Tree()
    tree = Tree(present=True)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    raw_map = root.get("/RoleMap")
    if isinstance(raw_map, pikepdf.Dictionary):
        tree.role_map = {key[1:]: name(value) for key, value in raw_map.items()}
    parent_tree = root.get("/ParentTree")
    if isinstance(parent_tree, pikepdf.Dictionary):
        tree.parents = dict(pikepdf.NumberTree(parent_tree).items())
    roles: dict[str, str] = {}
    stack = [(kid, None, None) for kid in reversed(_kids(root.get("/K")))]
    while stack:
        node, parent, page = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            if isinstance(node, int) and parent is not None:
                _add_mcid(tree, parent, page, node)
            continue
        kind = name(node.get("/Type"))
        own_page = pages.get(node.get("/Pg").objgen) if "/Pg" in node else page
        if kind == "MCR" and parent is not None:
            if "/Stm" not in node and isinstance(node.get("/MCID"), int):
                _add_mcid(tree, parent, own_page, node.get("/MCID"))
            continue
        if kind == "OBJR" and parent is not None:
            target = node.get("/Obj")
            if isinstance(target, pikepdf.Dictionary):
                parent.annots.append(target.objgen)
            continue
        if "/S" not in node or (parent is not None and _depth(parent) > MAX_DEPTH):
            continue
        element = _element(tree, node, parent, roles)
        stack.extend((kid, element, own_page) for kid in reversed(_kids(node.get("/K"))))
    return tree


def _kids(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _depth(element: Element) -> int:
    return sum(1 for _ in element.ancestors())


def _add_mcid(tree: Tree, element: Element, page: int | None, mcid: int) -> None:
    if page is None:
        return
    element.mcids.append((page, mcid))
    tree.reachable.add((page, mcid))
    tree.by_mcid.setdefault((page, mcid), element)


def _element(tree: Tree, node: pikepdf.Dictionary, parent: Element | None, roles: dict[str, str]) -> Element:
    kind = name(node.get("/S"))
    if kind not in roles:
        roles[kind] = _resolve(tree, kind)
    element = Element(kind, roles[kind], parent, len(tree.elements), node)
    element.lang = text(node.get("/Lang"))
    element.alt = text(node.get("/Alt"))
    element.actual = text(node.get("/ActualText"))
    element.id = text(node.get("/ID"))
    if parent is not None:
        parent.children.append(element)
    tree.elements.append(element)
    return element


def _resolve(tree: Tree, kind: str) -> str:
    """The standard type `kind` maps to, through the role map; '' (with a problem noted) when none."""
    if kind in STANDARD:
        return kind
    seen, current = [kind], kind
    while current in tree.role_map:
        current = tree.role_map[current]
        if current in seen:
            tree.role_problems.append(
                ("ua.02-003", kind, f"maps in a circle ({' -> '.join(seen + [current])})")
            )
            return ""
        seen.append(current)
        if current in STANDARD:
            return current
    why = "has no entry in the RoleMap" if len(seen) == 1 else f"maps to '{current}', which is not standard"
    tree.role_problems.append(("ua.02-001", kind, why))
    return ""


def check_structure(pdf: pikepdf.Pdf, tree: Tree, found: Found) -> None:
    """The checks on the catalog's tagging flags and on the structure tree itself."""
    mark = pdf.Root.get("/MarkInfo")
    marked = isinstance(mark, pikepdf.Dictionary) and mark.get("/Marked") is True
    if not marked:
        found.add(0, "ua.01-005", "the catalog's MarkInfo does not say /Marked true: the file is not tagged")
    if isinstance(mark, pikepdf.Dictionary) and mark.get("/Suspects") is True:
        found.add(0, "ua.01-007", "the catalog's MarkInfo says /Suspects true")
    if not tree.present:
        found.add(0, "ua.01-005", "the catalog has no StructTreeRoot: none of the content is tagged")
        return
    for code, kind, why in tree.role_problems:
        found.add(0, code, f"the structure type '{kind}' {why}")
    for key in sorted(tree.role_map):
        if key in STANDARD:
            found.add(0, "ua.02-004", f"the RoleMap remaps the standard type '{key}'")
    _check_nesting(tree, found)
    _check_alternatives(tree, found)
    _check_headings(tree, found)
    _check_notes(tree, found)


def _page_of(element: Element) -> int:
    """The 1-based page of an element's first content (0 when it has none of its own or below it)."""
    stack = [element]
    while stack:
        node = stack.pop(0)
        if node.mcids:
            return node.mcids[0][0] + 1
        stack[:0] = node.children
    return 0


_TABLE_ROWS = {"THead", "TBody", "TFoot"}
_ALLOWED_CHILDREN = {  # ISO 32000-1 Tables 333 (TOC), 336 (lists) and 337 (tables)
    "Table": ({"TR", "THead", "TBody", "TFoot", "Caption"}, "ua.09-004"),
    "THead": ({"TR"}, "ua.09-004"),
    "TBody": ({"TR"}, "ua.09-004"),
    "TFoot": ({"TR"}, "ua.09-004"),
    "TR": ({"TH", "TD"}, "ua.09-004"),
    "L": ({"L", "LI", "Caption"}, "ua.09-005"),
    "LI": ({"Lbl", "LBody"}, "ua.09-005"),
    "TOC": ({"TOC", "TOCI", "Caption"}, "ua.09-006"),
}
_REQUIRED_PARENT = {
    "TR": ({"Table"} | _TABLE_ROWS, "ua.09-004"),
    "TH": ({"TR"}, "ua.09-004"),
    "TD": ({"TR"}, "ua.09-004"),
    "THead": ({"Table"}, "ua.09-004"),
    "TBody": ({"Table"}, "ua.09-004"),
    "TFoot": ({"Table"}, "ua.09-004"),
    "LI": ({"L"}, "ua.09-005"),
    "LBody": ({"LI"}, "ua.09-005"),
    "TOCI": ({"TOC"}, "ua.09-006"),
}


def _check_nesting(tree: Tree, found: Found) -> None:
    for element in tree.elements:
        role = element.role
        if role in _ALLOWED_CHILDREN:
            allowed, code = _ALLOWED_CHILDREN[role]
            stray = sorted({child.label() for child in element.children if child.role not in allowed})
            if stray:
                found.add(
                    _page_of(element),
                    code,
                    f"a {element.label()} element holds {', '.join(stray)}; it may hold only "
                    + ", ".join(sorted(allowed)),
                )
        if role in _REQUIRED_PARENT:
            parents, code = _REQUIRED_PARENT[role]
            parent = element.parent.role if element.parent else "the StructTreeRoot"
            if element.parent is None or parent not in parents:
                shown = element.parent.label() if element.parent else parent
                found.add(
                    _page_of(element),
                    code,
                    f"a {element.label()} element sits in {shown}, not in " + " or ".join(sorted(parents)),
                )
        if role == "Link" and not element.annots:
            found.add(
                _page_of(element),
                "ua.28-011",
                "a Link element holds no link annotation (no OBJR among its kids)",
            )


def _check_alternatives(tree: Tree, found: Found) -> None:
    for element in tree.elements:
        if (
            element.role == "Figure"
            and not (element.alt or "").strip()
            and not (element.actual or "").strip()
        ):
            found.add(
                _page_of(element), "ua.13-004", f"a {element.label()} element has no Alt and no ActualText"
            )
        if element.role == "Formula" and not (element.alt or "").strip():
            found.add(_page_of(element), "ua.17-002", f"a {element.label()} element has no Alt")


def _check_headings(tree: Tree, found: Found) -> None:
    numbered = [
        (e, int(HEADING.fullmatch(e.role).group(1))) for e in tree.elements if HEADING.fullmatch(e.role)
    ]
    plain = [e for e in tree.elements if e.role == "H"]
    if numbered and plain:
        found.add(
            _page_of(plain[0]), "ua.14-007", f"the document uses both H ({len(plain)}) and H1-H6 headings"
        )
    for element in tree.elements:
        kids = [child for child in element.children if child.role == "H"]
        if len(kids) > 1:
            found.add(
                _page_of(element), "ua.14-006", f"a {element.label()} element holds {len(kids)} H headings"
            )
    if not numbered:
        return
    first, level = numbered[0]
    if level != 1:
        found.add(_page_of(first), "ua.14-002", f"the first heading is {first.label()}, not H1")
    previous = level
    for element, level in numbered[1:]:
        if level > previous + 1:
            found.add(
                _page_of(element),
                "ua.14-003",
                f"an {element.label()} follows an H{previous}: heading levels skip H{previous + 1}",
            )
        previous = level


def _check_notes(tree: Tree, found: Found) -> None:
    seen: dict[str, int] = {}
    for element in tree.elements:
        if element.role != "Note":
            continue
        if not element.id:
            found.add(_page_of(element), "ua.19-003", f"a {element.label()} element has no ID")
            continue
        seen[element.id] = seen.get(element.id, 0) + 1
    for note_id, count in sorted(seen.items()):
        if count > 1:
            found.add(0, "ua.19-004", f"{count} Note elements share the ID '{note_id}'")


def check_languages(pdf: pikepdf.Pdf, tree: Tree, found: Found) -> str | None:
    """Checkpoint 11 for the catalog and the elements: every /Lang a real tag, and a language for all text.
    Returns the catalog's usable /Lang, or None."""
    raw = pdf.Root.get("/Lang")
    catalog = text(raw)
    if catalog is not None and (problem := language_problem(catalog)):
        found.add(0, "ua.11-001", f"the catalog's /Lang {problem}")
        catalog = None
    elif raw is not None and catalog is None:
        found.add(0, "ua.11-001", "the catalog's /Lang is not a text string")
    bad: dict[str, int] = {}
    for element in tree.elements:
        if element.lang is not None and (problem := language_problem(element.lang)):
            key = f"/Lang {problem}"
            if key not in bad:
                bad[key] = _page_of(element)
    for problem, page in bad.items():
        found.add(page, "ua.11-001", f"a structure element's {problem}")
    if catalog:
        return catalog
    texts = [e for e in tree.elements if e.mcids and not _usable(e.inherited_lang())]
    if not tree.present:
        found.add(0, "ua.11-001", "the catalog has no usable /Lang, and no element can give the text one")
    elif texts:
        found.add(0, "ua.11-001", f"the catalog has no usable /Lang and {_elements(texts, 'with text')}")
    alts = [e for e in tree.elements if (e.alt or e.actual) and not _usable(e.inherited_lang())]
    if alts:
        found.add(
            0, "ua.11-002", f"the catalog has no usable /Lang and {_elements(alts, 'with Alt or ActualText')}"
        )
    return None


def _elements(found: list[Element], what: str) -> str:
    many = len(found) > 1
    return (
        f"{plural(len(found), 'element')} {what} {'have' if many else 'has'} none, "
        f"nor do {'their' if many else 'its'} parents"
    )


def _usable(lang: str | None) -> bool:
    return lang is not None and language_problem(lang) is None


def element_text(tree: Tree, element: Element, page_text: dict[tuple[int, int], str]) -> str:
    """The text an element holds (its MCIDs and those below it, in order), from a map of MCID texts."""
    parts, stack = [], [element]
    while stack:
        node = stack.pop()
        parts.extend(page_text.get(key, "") for key in node.mcids)
        stack.extend(reversed(node.children))
    return shorten("".join(parts), 60)
