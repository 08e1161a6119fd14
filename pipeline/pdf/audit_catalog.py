"""Audit, catalog and annotations: metadata, viewer preferences, version, ID and annotations.

Matterhorn 06 (XMP metadata), 07 (viewer preferences), 11-003, 11-004 and 11-006 (the language of outlines,
annotations and metadata) and 28 (annotations); pdf.version and pdf.id for the file itself.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pikepdf

from pipeline.pdf.audit_common import Found, language_problem, name, shorten, text
from pipeline.pdf.audit_structure import Tree

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def check_file(pdf: pikepdf.Pdf, header: bytes, found: Found) -> None:
    """The header's version (PDF/UA-1 is PDF 1.x) and the trailer's file identifier."""
    version = re.match(rb"%PDF-(\d)\.(\d)", header)
    if not version:
        found.add(0, "pdf.version", "the file does not start with a %PDF-1.n header")
    else:
        shown = version.group(0).decode()
        catalog = name(pdf.Root.get("/Version"))
        if version.group(1) != b"1" or catalog.startswith("2"):
            found.add(0, "pdf.version", f"the file is PDF {catalog or shown[5:]}; PDF/UA-1 files are PDF 1.x")
    ids = pdf.trailer.get("/ID")
    if not (isinstance(ids, pikepdf.Array) and len(ids) == 2 and all(len(bytes(i)) for i in ids)):
        found.add(0, "pdf.id", "the trailer has no file identifier (/ID with two strings)")


def check_metadata(pdf: pikepdf.Pdf, found: Found, lang: str | None) -> None:
    """Matterhorn 06-001..06-003, 07-001/07-002 and 11-006."""
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        found.add(0, "ua.06-001", "the catalog has no XMP metadata stream")
    else:
        _check_xmp(stream, found, lang)
    prefs = pdf.Root.get("/ViewerPreferences")
    shown = prefs.get("/DisplayDocTitle") if isinstance(prefs, pikepdf.Dictionary) else None
    if shown is None:
        found.add(0, "ua.07-001", "the catalog's ViewerPreferences have no DisplayDocTitle entry")
    elif shown is not True:
        found.add(0, "ua.07-002", "the catalog's ViewerPreferences say DisplayDocTitle false")


def _check_xmp(stream: pikepdf.Stream, found: Found, lang: str | None) -> None:
    try:
        data = stream.read_bytes()
        root = ET.fromstring(re.sub(rb"<\?xpacket[^>]*\?>", b"", data).strip())
    except (pikepdf.PdfError, ET.ParseError) as exc:
        found.add(0, "ua.06-001", f"the XMP metadata stream cannot be read as XML ({shorten(str(exc))})")
        return
    parts = [d.get(f"{PDFUAID}part") for d in root.iter(f"{RDF}Description")]
    parts += [(e.text or "").strip() for e in root.iter(f"{PDFUAID}part")]
    parts = [p for p in parts if p is not None]
    if not parts:
        found.add(0, "ua.06-002", "the XMP metadata has no PDF/UA identifier (pdfuaid:part)")
    elif "1" not in parts:
        found.add(0, "ua.06-002", f"the XMP metadata says pdfuaid:part {parts[0]!r}, not 1")
    titles = [li for title in root.iter(f"{DC}title") for li in title.iter(f"{RDF}li")]
    if not any((li.text or "").strip() for li in titles):
        found.add(0, "ua.06-003", "the XMP metadata has no dc:title")
        return
    langs = [li.get(XML_LANG) for li in titles if (li.text or "").strip()]
    for tag in langs:
        if tag and tag != "x-default" and (problem := language_problem(tag)):
            found.add(0, "ua.11-006", f"the dc:title's xml:lang {problem}")
    if not lang and not any(tag and tag != "x-default" for tag in langs):
        found.add(0, "ua.11-006", "the catalog has no usable /Lang, nor does the dc:title have an xml:lang")


def check_outline(pdf: pikepdf.Pdf, found: Found, lang: str | None) -> None:
    """Matterhorn 11-003: outline entries take their language from the catalog's /Lang alone."""
    outlines = pdf.Root.get("/Outlines")
    if not lang and isinstance(outlines, pikepdf.Dictionary) and "/First" in outlines:
        found.add(
            0, "ua.11-003", "the document has an outline (bookmarks) but the catalog has no usable /Lang"
        )


SKIPPED = {"Popup"}  # never shown on their own; their parent annotation carries the meaning
HIDDEN = 2  # annotation flag bit 2 (value 2): Hidden


def check_annotations(pdf: pikepdf.Pdf, tree: Tree, found: Found, lang: str | None) -> None:
    """Matterhorn 28-002, 28-004, 28-008..28-012 and 11-004, page by page."""
    owners = {objgen: element for element in tree.elements for objgen in element.annots}
    by_object = {e.obj.objgen: e for e in tree.elements if e.obj.is_indirect}
    for index, page in enumerate(pdf.pages):
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array) or not len(annots):
            continue
        number = index + 1
        tabs = page.obj.get("/Tabs")
        if tabs is None:
            found.add(number, "ua.28-008", "the page has annotations but no /Tabs entry")
        elif name(tabs) != "S":
            found.add(number, "ua.28-009", f"the page's /Tabs is {tabs}, not /S (structure order)")
        counts: dict[tuple[str, str], int] = {}
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            for code, message in _annotation(annot, tree, (owners, by_object), lang):
                counts[(code, message)] = counts.get((code, message), 0) + 1
        for (code, message), count in counts.items():
            found.add(number, code, message if count == 1 else f"{message} ({count} times)")


def _annotation(annot: pikepdf.Dictionary, tree: Tree, index: tuple[dict, dict], lang: str | None):
    """The problems of one annotation; `index` finds elements by the annotations they hold and by object."""
    subtype = name(annot.get("/Subtype"))
    flags = annot.get("/F")
    if subtype in SKIPPED or (isinstance(flags, int) and flags & HIDDEN):
        return
    owners, by_object = index
    element = owners.get(annot.objgen)
    parent = tree.parents.get(annot.get("/StructParent")) if "/StructParent" in annot else None
    if element is None and isinstance(parent, pikepdf.Dictionary) and parent.is_indirect:
        element = by_object.get(parent.objgen)
    role = element.role if element else ""
    contents = text(annot.get("/Contents"))
    if subtype == "Link":
        if role != "Link":
            where = f"in a {element.label()} element" if element else "in no structure element"
            yield "ua.28-011", f"a link annotation is {where}, not in a Link element (through an OBJR)"
        if not (contents or "").strip():
            yield "ua.28-012", "a link annotation has no /Contents (its alternate description)"
        elif problem := _description_problem(contents, annot.get("/Dest")):
            yield "ua.28-012", f"a link annotation's /Contents {problem}"
    elif subtype == "Widget":
        if role != "Form":
            yield "ua.28-010", "a widget annotation is not in a Form element"
    elif subtype != "PrinterMark":
        if role != "Annot" or element is None or (element.parent is None):
            yield "ua.28-002", f"a {subtype or 'untyped'} annotation is not in an Annot element"
        if not (contents or "").strip() and not (element and (element.alt or "").strip()):
            yield "ua.28-004", f"a {subtype or 'untyped'} annotation has no /Contents and its element no Alt"
    if contents and not lang and not (element and element.inherited_lang()):
        yield (
            "ua.11-004",
            "an annotation's /Contents has no language (no usable /Lang in the catalog or its element)",
        )


_SLUG = re.compile(r"#?[a-z0-9]+(?:[-_][a-z0-9]+)+")  # how anchor names look: s1-what-normalization-means
_ADDRESS = re.compile(r"(?i)(?:https?|ftp|mailto|file|www)[:.]")
_WHOLE_ADDRESS = re.compile(r"(?i)(?:https?://[^/\s?#]+\.[^/\s?#]+(?:[/?#]\S*)?|mailto:[^@\s]+@[^@\s]+\.\S+)")


def _description_problem(contents: str, dest) -> str | None:
    """Why a link's /Contents describes nothing: an anchor name (the link's own destination, or a slug), or
    an address that is broken (a space inside, no host)."""
    value = contents.strip()
    if _ADDRESS.match(value):
        if not _WHOLE_ADDRESS.fullmatch(value):
            return f"'{shorten(value)}' is a broken address"
        return None
    own = str(dest) if isinstance(dest, (pikepdf.String, pikepdf.Name)) else None
    if value in {own, (own or "")[1:]} or _SLUG.fullmatch(value):
        return f"'{shorten(value)}' is an anchor name, not a description of the link"
    return None
