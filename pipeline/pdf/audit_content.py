"""Audit, content: every page's content streams read once, for tagging and for the fonts that show text.

Matterhorn 01-003..01-005 (content tagged, or an Artifact, and not both) and 31-030 (.notdef); the fonts
found here are checked in audit_fonts. Form XObjects are followed with the marked content open around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf

from pipeline.pdf.audit_common import Found, name, plural
from pipeline.pdf.audit_structure import Tree

TEXT = {"Tj", "TJ", "'", '"'}
PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh"}
MAX_FORMS = 12  # nesting of form XObjects followed; deeper is a loop or a hostile file


@dataclass
class PageUse:
    """What one page's content does, as counted while reading it."""

    untagged: dict[str, int] = field(default_factory=dict)  # 'text', 'path', 'image' -> count
    unreachable: set[int] = field(default_factory=set)  # MCIDs the structure tree does not hold
    artifact_in_tagged: int = 0
    tagged_in_artifact: int = 0
    notdef: dict[str, int] = field(default_factory=dict)  # font name -> .notdef glyphs shown


@dataclass
class Fonts:
    """Every font that shows text, by object, with the first page (1-based) it shows text on."""

    used: dict[tuple[int, int], tuple[pikepdf.Dictionary, int]] = field(default_factory=dict)
    notdef: dict[tuple[int, int], object] = field(default_factory=dict)  # per font: how .notdef is found


@dataclass
class _State:
    marks: list[tuple[str, int | None]]  # the open marked-content sequences: (tag, MCID or None)
    font: pikepdf.Dictionary | None = None


def check_content(pdf: pikepdf.Pdf, tree: Tree, found: Found) -> Fonts:
    """Read each page's content: report untagged content and bad nesting per page; return the fonts used."""
    fonts = Fonts()
    for index, page in enumerate(pdf.pages):
        use = PageUse()
        _read(page.obj, _resources(page.obj), index, tree, use, fonts, [], _State([]))
        _report(index + 1, use, tree, found)
    return fonts


def _resources(obj: pikepdf.Dictionary) -> pikepdf.Dictionary:
    node, hops = obj, 0
    while isinstance(node, pikepdf.Dictionary) and hops < 64:
        resources = node.get("/Resources")
        if isinstance(resources, pikepdf.Dictionary):
            return resources
        node, hops = node.get("/Parent"), hops + 1
    return pikepdf.Dictionary()


def _read(source, resources, index, tree, use, fonts, forms, state) -> None:
    """Walk one content stream (a page's, or a form's drawn from it) with the marked content open on it."""
    depth = len(state.marks)
    saved: list[pikepdf.Dictionary | None] = []
    for instruction in pikepdf.parse_content_stream(source):
        op = str(instruction.operator)
        operands = instruction.operands
        if op in {"BDC", "BMC"}:
            _open(operands, op, resources, index, tree, use, state)
        elif op == "EMC":
            if len(state.marks) > depth:
                state.marks.pop()
        elif op == "q":
            saved.append(state.font)
        elif op == "Q" and saved:
            state.font = saved.pop()
        elif op == "Tf" and operands:
            font = _get(resources, "/Font", operands[0])
            state.font = font if isinstance(font, pikepdf.Dictionary) else None
        elif op in TEXT:
            _show(operands, index, use, fonts, state)
        elif op in PAINT:
            _content(use, state, "path")
        elif op == "INLINE IMAGE":
            _content(use, state, "image")
        elif op == "Do" and operands:
            _draw(operands[0], resources, index, tree, use, fonts, forms, state)
    del state.marks[depth:]


def _get(resources, kind: str, key):
    group = resources.get(kind) if isinstance(resources, pikepdf.Dictionary) else None
    if isinstance(group, pikepdf.Dictionary) and isinstance(key, pikepdf.Name):
        return group.get(str(key))
    return None


def _open(operands, op, resources, index, tree, use, state) -> None:
    tag = name(operands[0]) if operands else ""
    props = operands[1] if op == "BDC" and len(operands) > 1 else None
    if isinstance(props, pikepdf.Name):
        props = _get(resources, "/Properties", props)
    mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
    mcid = mcid if isinstance(mcid, int) and not isinstance(mcid, bool) else None
    tagged = any(m is not None for _, m in state.marks)
    artifact = any(t == "Artifact" for t, _ in state.marks)
    if tag == "Artifact" and tagged:
        use.artifact_in_tagged += 1
    if mcid is not None:
        if artifact:
            use.tagged_in_artifact += 1
        elif tree.present and (index, mcid) not in tree.reachable:
            use.unreachable.add(mcid)
    state.marks.append((tag, mcid))


def _covered(state: _State) -> bool:
    return any(m is not None or t == "Artifact" for t, m in state.marks)


def _content(use: PageUse, state: _State, kind: str) -> None:
    if not _covered(state):
        use.untagged[kind] = use.untagged.get(kind, 0) + 1


def _show(operands, index, use, fonts, state) -> None:
    _content(use, state, "text")
    font = state.font
    if font is None:
        return
    if font.objgen not in fonts.used:
        fonts.used[font.objgen] = (font, index + 1)
    strings = operands[0] if operands and isinstance(operands[0], pikepdf.Array) else operands[-1:]
    zeros = sum(_notdefs(font, bytes(s), fonts) for s in strings if isinstance(s, pikepdf.String))
    if zeros:
        label = name(font.get("/BaseFont")) or "(unnamed)"
        use.notdef[label] = use.notdef.get(label, 0) + zeros


def _notdefs(font: pikepdf.Dictionary, data: bytes, fonts: Fonts) -> int:
    """How many glyphs of `data` are .notdef, for the fonts where that is decidable: Type0 with Identity-H/V
    (two-byte CIDs; CID 0 of a CFF CIDFont, or the glyph CIDToGIDMap gives, is .notdef). Otherwise 0."""
    key = font.objgen
    if key == (0, 0) or key not in fonts.notdef:
        decided = _notdef_rule(font)
        if key == (0, 0):
            return _count_notdefs(decided, data)
        fonts.notdef[key] = decided
    return _count_notdefs(fonts.notdef[key], data)


def _notdef_rule(font: pikepdf.Dictionary):
    """How to find a font's .notdef glyphs, decided once per font: None (undecidable), 0 (CID 0 is .notdef),
    or the CIDToGIDMap's bytes."""
    if name(font.get("/Subtype")) != "Type0" or name(font.get("/Encoding")) not in {
        "Identity-H",
        "Identity-V",
    }:
        return None
    kids = font.get("/DescendantFonts")
    cidfont = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) else None
    if not isinstance(cidfont, pikepdf.Dictionary):
        return None
    mapping = cidfont.get("/CIDToGIDMap")
    if name(cidfont.get("/Subtype")) == "CIDFontType0" or name(mapping) == "Identity":
        return 0
    if not isinstance(mapping, pikepdf.Stream):
        return None
    return mapping.read_bytes()


def _count_notdefs(rule, data: bytes) -> int:
    if rule is None or len(data) < 2:
        return 0
    cids = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
    if rule == 0:
        return cids.count(0)
    return sum(1 for cid in cids if rule[2 * cid : 2 * cid + 2] in (b"\0\0", b"\0", b""))


def _draw(key, resources, index, tree, use, fonts, forms, state) -> None:
    xobject = _get(resources, "/XObject", key)
    if not isinstance(xobject, pikepdf.Stream):
        return
    subtype = name(xobject.get("/Subtype"))
    if subtype == "Image":
        _content(use, state, "image")
    elif subtype == "Form" and xobject.objgen not in forms and len(forms) < MAX_FORMS:
        if any(t == "Artifact" for t, _ in state.marks):
            return  # all of it is an artifact
        inner = xobject.get("/Resources")
        inner = inner if isinstance(inner, pikepdf.Dictionary) else resources
        saved = state.font
        _read(xobject, inner, index, tree, use, fonts, forms + [xobject.objgen], state)
        state.font = saved


def _report(page: int, use: PageUse, tree: Tree, found: Found) -> None:
    if use.untagged and tree.present:
        parts = [plural(count, kind) for kind, count in sorted(use.untagged.items())]
        found.add(
            page,
            "ua.01-005",
            f"content is neither tagged nor an Artifact: {', '.join(parts)} outside any marked content "
            "with an MCID or /Artifact",
        )
    if use.unreachable:
        shown = ", ".join(str(m) for m in sorted(use.unreachable)[:8]) + (
            ", …" if len(use.unreachable) > 8 else ""
        )
        found.add(
            page,
            "ua.01-005",
            f"{plural(len(use.unreachable), 'marked-content sequence')} (MCID {shown}) "
            f"{'is' if len(use.unreachable) == 1 else 'are'} not in the structure tree",
        )
    if use.artifact_in_tagged:
        found.add(page, "ua.01-003", f"{plural(use.artifact_in_tagged, 'Artifact')} inside tagged content")
    if use.tagged_in_artifact:
        found.add(
            page,
            "ua.01-004",
            f"{plural(use.tagged_in_artifact, 'tagged sequence')} (with an MCID) inside an Artifact",
        )
    for font, count in sorted(use.notdef.items()):
        found.add(page, "ua.31-030", f"text shows the .notdef glyph of font {font} {plural(count, 'time')}")
