"""Tag tree: a PDF's structure elements as WeasyPrint made them, rewritten for tagging.finish, written back.

Each rewrite closes one gap of WeasyPrint 70's tags (tagging's docstring lists them): retag (notes,
references, labels, ARIA roles), merge (anonymous boxes), reorder (right floats), stray_space and hidden
(artifacts), unwrap_text (the Span around each run of text), gather_links and describe_links (links).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pydyf
from weasyprint.formatting_structure import boxes

PRESENTATION = {"presentation", "none"}
NOTE_ROLES = {"note", "doc-footnote", "doc-endnote"}
NO_TEXT = {"L", "Table", "TR", "THead", "TBody", "TFoot", "TOC"}  # may not hold text directly (ISO 32000-1)
INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")  # break opportunities the URL breaker adds, and such


@dataclass(eq=False)
class Node:
    """A structure element as the finisher rewrites it."""

    obj: pydyf.Dictionary
    role: str
    page: int | None
    box: object = None
    parent: Node | None = None
    kids: list = field(default_factory=list)  # Node, int (an MCID on `page`) or an OBJR dictionary
    retagged: bool = False

    def nodes(self):
        for kid in self.kids:
            if isinstance(kid, Node):
                yield kid
                yield from kid.nodes()


class Tree:
    """The structure tree of a pydyf PDF as Nodes, and written back with its ParentTree."""

    def __init__(self, pdf, boxes: dict):
        self.pdf = pdf
        self.pages = {ref: index for index, ref in enumerate(pdf.page_references)}
        self.root = self.get(pdf.catalog["StructTreeRoot"])
        self.top = self._read(self.get(self.root["K"][0]), None, boxes)
        self.notes = 0

    def get(self, reference):
        return self.pdf.objects[int(reference.split()[0])]

    def _read(self, obj, parent, boxes: dict) -> Node:
        page = self.pages.get(obj.get("Pg"))
        node = Node(obj, obj["S"][1:], page, boxes.get(obj.number), parent)
        for kid in obj["K"]:
            if isinstance(kid, int):
                node.kids.append(kid)
                continue
            target = self.get(kid)
            if target.get("Type") == "/OBJR":
                node.kids.append(target)
            else:
                node.kids.append(self._read(target, node, boxes))
        return node

    def write(self) -> None:
        """Each element's type, kids and parent, and the ParentTree, from the Nodes."""
        marks: dict[int, dict[int, bytes]] = {}
        annotations: dict[int, bytes] = {}
        kept = {id(node.obj) for node in [self.top, *self.top.nodes()]}
        for obj in self.pdf.objects:  # elements no longer in the tree (merged, unwrapped, page margins)
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem" and id(obj) not in kept:
                obj.clear()  # pydyf writes every object it was given: let these be empty
        for node in [self.top, *self.top.nodes()]:
            node.obj["S"] = f"/{node.role}"
            node.obj["K"] = pydyf.Array(
                kid.obj.reference if isinstance(kid, Node) else kid if isinstance(kid, int) else kid.reference
                for kid in node.kids
            )
            if node.parent is not None:
                node.obj["P"] = node.parent.obj.reference
            for kid in node.kids:
                if isinstance(kid, int) and node.page is not None:
                    marks.setdefault(node.page, {})[kid] = node.obj.reference
                elif isinstance(kid, pydyf.Dictionary):
                    annotations[self.get(kid["Obj"])["StructParent"]] = node.obj.reference
        tree = self.get(self.root["ParentTree"])
        old = tree["Nums"]
        nums = pydyf.Array()
        for at in range(0, len(old), 2):
            key = old[at]
            if key in annotations:
                nums.extend([key, annotations[key]])
            elif key < len(self.pages):
                page = marks.get(key, {})
                length = max(len(old[at + 1]), max(page, default=-1) + 1)
                nums.extend([key, pydyf.Array(page.get(mcid, "null") for mcid in range(length))])
        tree["Nums"] = nums


def _element(node: Node):
    return None if node.box is None else node.box.element


def _role(node: Node) -> str:
    element = _element(node)
    return (element.get("role") or "").strip().lower() if element is not None else ""


def retag(tree: Tree) -> None:
    for node in list(tree.top.nodes()):
        new = _new_role(node)
        if new and new != node.role:
            node.role, node.retagged = new, True
        if node.role == "Note" and "ID" not in node.obj:
            tree.notes += 1
            node.obj["ID"] = pydyf.String(f"note-{tree.notes}")


def _new_role(node: Node) -> str | None:
    box, role = node.box, _role(node)
    if box is None:
        return None
    tag = box.element_tag or ""
    parent = node.parent
    if parent is not None and parent.retagged and _element(parent) is box.element and "::" not in tag:
        return None  # an anonymous part of an element retagged above: merged into it
    parent_box = parent.box if parent is not None else None
    if tag.endswith("::footnote-call") or role == "doc-noteref":
        return "Reference"
    if tag.endswith("::footnote-marker"):
        return "Lbl"
    if "::" in tag:
        return None
    if isinstance(parent_box, boxes.FootnoteAreaBox) or role in NOTE_ROLES:
        return "Note"
    if box.element is None:
        return None
    if role == "heading":
        level = (_element(node).get("aria-level") or "2").strip()
        return f"H{level}" if level in {"1", "2", "3", "4", "5", "6"} else "H2"
    if role in PRESENTATION:
        return "Div"
    if (
        not role
        and box.element.tag in ("dt", "dd", "li")
        and node.parent is not None
        and _role(node.parent) in PRESENTATION
        and _element(node.parent) is not box.element
    ):
        return "P"
    return None


def merge(node: Node) -> None:
    """Fold into its parent each element made for the same HTML element by an anonymous box: one of the same
    type (an H2 in an H2), or, below an element retagged here, any that is not a pseudo-element's; and into
    its elder sibling each element that continues it (the second line of a link)."""
    for kid in node.kids:
        if isinstance(kid, Node):
            merge(kid)
    merged: list = []
    for kid in node.kids:
        if isinstance(kid, Node) and _same_element(node, kid):
            _adopt(node, kid.kids, merged)
        elif isinstance(kid, Node) and merged and _split_part(merged[-1], kid):
            _adopt(merged[-1], kid.kids, merged[-1].kids)
        else:
            merged.append(kid)
    node.kids = merged


def _adopt(parent: Node, kids: list, into: list) -> None:
    for kid in kids:
        if isinstance(kid, Node):
            kid.parent = parent
        into.append(kid)


def _split_part(before, kid: Node) -> bool:
    """Whether `kid` continues `before`: the next line's part of one inline element (a link on two lines)."""
    return (
        isinstance(before, Node)
        and before.role == kid.role
        and before.page == kid.page
        and _element(kid) is not None
        and _element(kid) is _element(before)
        and (kid.box.element_tag or "") == (before.box.element_tag or "")
        and not kid.retagged
        and not before.retagged
    )


def _same_element(parent: Node, kid: Node) -> bool:
    element = _element(kid)
    if element is None or element is not _element(parent) or kid.page != parent.page or kid.retagged:
        return False
    return kid.role == parent.role or (parent.retagged and "::" not in (kid.box.element_tag or ""))


def reorder(node: Node) -> None:
    """A right float moves after the siblings that start beside it (their border box above its foot)."""
    kids = node.kids
    for kid in [k for k in kids if isinstance(k, Node) and _floats_right(k.box)]:
        at = kids.index(kid)
        foot = kid.box.position_y + kid.box.margin_height()
        beside = [
            i
            for i, other in enumerate(kids)
            if i > at
            and isinstance(other, Node)
            and other.box is not None
            and other.box.border_box_y() < foot
        ]
        if beside:
            kids.insert(beside[-1] + 1, kid)
            del kids[at]


def _floats_right(box) -> bool:
    return box is not None and box.style["float"] == "right" and box.element_tag not in ("html", "body")


def stray_space(tree: Tree, texts: dict) -> dict[tuple[int, int], str]:
    """White space drawn between the items of a list (or the rows of a table), held by a text element of its
    own where only items may stand: an artifact, and the element goes."""
    found = {}
    for node in [tree.top, *tree.top.nodes()]:
        if node.role not in NO_TEXT:
            continue
        kept = []
        for kid in node.kids:
            mcids = _only_mcids(kid)
            drawn = [texts.get((kid.page, m)) for m in mcids]
            if drawn and all(t is not None and not t.text.strip() for t in drawn):
                found.update({(kid.page, m): "" for m in mcids})
            else:
                kept.append(kid)
        node.kids = kept
    return found


def hidden(tree: Tree) -> dict[tuple[int, int], str]:
    """An element marked aria-hidden="true" is no content: an artifact, a watermark when it is fixed (drawn on
    every page, as the draft mark is), and out of the tree."""
    found: dict[tuple[int, int], str] = {}
    for node in list(tree.top.nodes()):
        element = _element(node)
        if element is None or (element.get("aria-hidden") or "").strip().lower() != "true":
            continue
        if node.parent is None or node not in node.parent.kids:
            continue  # inside a hidden element already taken out
        kind = "Watermark" if node.box.style["position"] == "fixed" else ""
        for inner in [node, *node.nodes()]:
            found.update({(inner.page, k): kind for k in inner.kids if isinstance(k, int)})
        node.parent.kids.remove(node)
    return found


def unwrap_text(node: Node) -> None:
    """The Span WeasyPrint makes around each run of text (a line's piece of an element) says nothing its
    element does not: its marked content goes to the element itself. Half the elements, and their bytes, go.
    Text directly in a list or table keeps its Span (it may not stand there bare)."""
    kids = []
    for kid in node.kids:
        if isinstance(kid, Node):
            unwrap_text(kid)
            if node.role not in NO_TEXT and kid.role == "Span" and kid.box is None and _only_mcids(kid):
                kids.extend(kid.kids)
                continue
        kids.append(kid)
    node.kids = kids


def _only_mcids(kid) -> list[int]:
    """The MCIDs of an element that holds nothing else (a text element), or []."""
    if isinstance(kid, Node) and kid.kids and all(isinstance(k, int) for k in kid.kids):
        return list(kid.kids)
    return []


def gather_links(tree: Tree) -> None:
    """A link annotation WeasyPrint gave a box inside a link (a block in an `a`) goes to that link's element;
    one in a text element of no link makes that element the Link."""
    for node in list(tree.top.nodes()):
        links = [k for k in node.kids if isinstance(k, pydyf.Dictionary) and _is_link(tree, k)]
        if not links or node.role == "Link":
            continue
        holder = next((a for a in _ancestors(node) if a.role == "Link"), None)
        if holder is not None:
            node.kids = [k for k in node.kids if not any(k is link for link in links)]
            holder.kids.extend(links)
        elif node.role in ("Span", "NonStruct"):
            node.role, node.retagged = "Link", True
    for node in tree.top.nodes():
        if node.role == "Link":
            _drop_repeated(tree, node)


def _drop_repeated(tree: Tree, node: Node) -> None:
    """A link WeasyPrint annotated twice over the same area (a block link and the image filling it) keeps one
    annotation: a listener would meet the same link twice."""
    seen = set()
    for kid in list(node.kids):
        if not isinstance(kid, pydyf.Dictionary) or not _is_link(tree, kid):
            continue
        annotation = tree.get(kid["Obj"])
        key = tuple(_data(annotation.get(name)) for name in ("Rect", "Dest", "A"))
        if key in seen:
            node.kids.remove(kid)
            page = tree.get(kid["Pg"])
            page["Annots"] = pydyf.Array(a for a in page["Annots"] if a != kid["Obj"])
        seen.add(key)


def _data(value) -> bytes:
    """A pydyf value as the bytes it is written as (b"" when absent)."""
    if value is None:
        return b""
    return value.data if hasattr(value, "data") else str(value).encode()


def _is_link(tree: Tree, objr) -> bool:
    return tree.get(objr["Obj"]).get("Subtype") == "/Link"


def _ancestors(node: Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def describe_links(tree: Tree, roots: dict) -> None:
    ids: dict[int, dict] = {}  # per html root: id -> element
    for node in tree.top.nodes():
        if node.role != "Link" or _element(node) is None:
            continue
        objrs = [kid for kid in node.kids if isinstance(kid, pydyf.Dictionary)]
        if objrs:
            root = roots.get(node.page)
            if root is not None and id(root) not in ids:
                ids[id(root)] = {e.get("id"): e for e in root.iter() if e.get("id")}
            text = describe(_element(node), ids.get(id(root), {}))
            for objr in objrs:
                tree.get(objr["Obj"])["Contents"] = pydyf.String(text)


def describe(link, ids: dict) -> str:
    """What a link does, for a listener: "Go to section: <heading>" for a link to a heading or to a section a
    heading labels; else the link's text (without the invisible break opportunities of a URL), or the alt text
    of its image; else where it leads. `ids` finds the elements of the link's document by id."""
    href = (link.get("href") or "").strip()
    text = plain(link) or next((i.get("alt", "").strip() for i in link.iter("img") if i.get("alt")), "")
    if href.startswith("#"):
        heading = _heading(ids.get(href[1:]), ids)
        if heading:
            return f"Go to section: {heading}"
    return text or (link.get("aria-label") or link.get("title") or "").strip() or href


def plain(element) -> str:
    """An element's text as a reader hears it: white space collapsed, invisible characters left out."""
    return re.sub(r"\s+", " ", INVISIBLE.sub("", "".join(element.itertext()))).strip()


def _heading(target, ids: dict) -> str:
    if target is None:
        return ""
    if target.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or target.get("role") == "heading":
        return plain(target)
    labelled = (target.get("aria-labelledby") or "").split()
    if labelled:
        label = ids.get(labelled[0])
        return plain(label) if label is not None else ""
    return ""
