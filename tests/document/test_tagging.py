"""pipeline.document.tagging: the tags WeasyPrint 70 leaves short, completed in every PDF typeset here."""

from __future__ import annotations

import ctypes
import io
import re

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

from pipeline.document.typeset import layout_html, write_pdf
from pipeline.pdf.audit import audit_bytes
from pipeline.pdf.audit_structure import read_tree
from tests.conftest import REPO

FONTS = "../../layouts/base/fonts"  # from the document's base URL, out/t/t.html
STYLE = f"""
@font-face {{ font-family: Serif; src: url({FONTS}/SourceSerif4-Regular.otf) }}
@font-face {{ font-family: Sans; src: url({FONTS}/SourceSans3-Regular.otf) }}
@page {{ size: 5in 4in; margin: 0.7in 0.5in }}
body {{ font: 10pt/1.3 Serif; margin: 0 }}
h1, h2, h3, dt {{ font: 10pt/1.3 Sans; margin: 0 }}
"""


def pdf_of(body: str, style: str = "", head: str = "") -> bytes:
    """A small document typeset as the project typesets every PDF (layout_html, then write_pdf)."""
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Tagging fixture</title>'
        f"<style>{STYLE}{style}</style>{head}</head><body>{body}</body></html>"
    )
    return write_pdf(layout_html(html, REPO, "t", "t"))


_OPEN: list = []  # the PDFs whose elements the tests hold (pikepdf objects die with their PDF)


def elements(data: bytes) -> list:
    """Every structure element, in document order (audit_structure's reading; the PDF stays open)."""
    pdf = pikepdf.open(io.BytesIO(data))
    _OPEN.append(pdf)
    return read_tree(pdf).elements


def kinds(data: bytes) -> list[str]:
    return [e.kind for e in elements(data)]


def runs(data: bytes) -> list[tuple[int, int, str]]:
    """Every text object pdfium finds: (page, MCID or -1, its text)."""
    document = pdfium.PdfDocument(data)
    found = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            for obj in page.get_objects(max_depth=4):
                if obj.type != raw.FPDF_PAGEOBJ_TEXT:
                    continue
                size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
                buffer = ctypes.create_string_buffer(size)
                raw.FPDFTextObj_GetText(
                    obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size
                )
                text = buffer.raw.decode("utf-16-le").rstrip("\0")
                found.append((index, raw.FPDFPageObj_GetMarkedContentID(obj.raw), text))
    finally:
        document.close()
    return found


def element_text(data: bytes, element) -> str:
    """The text an element holds, in the order of its kids (marked content and elements), spaces collapsed."""
    texts: dict[tuple[int, int], str] = {}
    for page, mcid, text in runs(data):
        texts[(page, mcid)] = texts.get((page, mcid), "") + text
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    parts = list(_texts(element.obj, pages, texts, None))
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def _texts(node, pages: dict, texts: dict, page):
    page = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            yield texts.get((page, int(kid)), "")
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield from _texts(kid, pages, texts, page)


def text_of(data: bytes, page: int = 0) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return document[page].get_textpage().get_text_range().replace("\r\n", "\n")
    finally:
        document.close()


def artifacts(data: bytes, page: int) -> list[str]:
    """The page's artifact sequences that draw text, in order, as their "/Type /Subtype"."""
    found, stack = [], []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for instruction in pikepdf.parse_content_stream(pdf.pages[page]):
            op = str(instruction.operator)
            if op in ("BDC", "BMC"):
                props = instruction.operands[1] if op == "BDC" else None
                kind = None
                if str(instruction.operands[0]) == "/Artifact" and isinstance(props, pikepdf.Dictionary):
                    kind = f"{props.get('/Type', '')} {props.get('/Subtype', '')}".strip()
                stack.append([kind, False])
            elif op == "EMC" and stack:
                kind, drew = stack.pop()
                if kind and drew:
                    found.append(kind)
            elif op in ("Tj", "TJ") and stack:
                stack[-1][1] = True
    return found


def annotations(data: bytes) -> list[str]:
    """The /Contents of every link annotation, page by page."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [str(a.get("/Contents")) for page in pdf.pages for a in page.get("/Annots", [])]


# --- the file -----------------------------------------------------------------------------------------------


def test_a_typeset_pdf_is_pdf_ua_1_with_its_title_and_an_identifier_and_audits_clean():
    data = pdf_of("<h1>A heading</h1><p>Some text.</p>")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert 'pdfuaid:part="1"' in xmp and '<rdf:li xml:lang="x-default">Tagging fixture</rdf:li>' in xmp
        assert len(pdf.trailer.ID) == 2 and str(pdf.Root.Lang) == "en"
        assert pdf.pdf_version == "1.7"
    assert audit_bytes(data, "t.pdf") == []


def test_the_same_document_written_twice_gives_the_same_bytes():
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>T</title>'
        f"<style>{STYLE}</style></head><body><h1>Title</h1>"
        '<p>Text<span style="float: footnote">A note.</span>'
        "</p></body></html>"
    )
    document = layout_html(html, REPO, "t", "t")
    assert write_pdf(document) == write_pdf(document) == write_pdf(layout_html(html, REPO, "t", "t"))


# --- running heads and page numbers -------------------------------------------------------------------------

PAGED = """
@page {
  @top-center { content: "Running head"; font: 8pt Sans }
  @bottom-center { content: "Page " counter(page); font: 8pt Sans }
}
p { break-after: page }
"""


def test_a_running_head_and_a_page_number_are_pagination_artifacts_held_by_no_element():
    data = pdf_of("<h1>Title</h1><p>First page.</p><p>Second page.</p>", PAGED)
    assert artifacts(data, 1) == ["/Pagination /Header", "/Pagination /Footer"]
    found = runs(data)
    assert [text for page, mcid, text in found if page == 1 and mcid < 0] == ["Running head", "Page 2"]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        held = read_tree(pdf).reachable
    assert all((page, mcid) in held for page, mcid, _ in found if mcid >= 0)
    assert audit_bytes(data, "t.pdf") == []


def test_a_fixed_element_hidden_from_readers_is_a_watermark_on_every_page_and_extracts_on_its_own():
    data = pdf_of(
        '<div aria-hidden="true" style="position: fixed; top: 1in; transform: rotate(-30deg)">Draft</div>'
        "<h1>Title</h1><p>First page ends here.</p><p>Second page.</p>",
        PAGED,
    )
    assert [artifacts(data, page) for page in (0, 1)] == [
        ["/Pagination /Watermark", "/Pagination /Header", "/Pagination /Footer"]
    ] * 2
    assert "Draft" not in [element_text(data, e) for e in elements(data)]
    assert audit_bytes(data, "t.pdf") == []  # no word glued to it


# --- notes --------------------------------------------------------------------------------------------------

FOOTNOTES = """
.fn { float: footnote }
.fn::footnote-call { content: counter(footnote); font-size: 0.6em; vertical-align: super }
.fn::footnote-marker { content: counter(footnote) ". " }
"""


def test_a_footnote_is_a_note_with_an_id_its_marker_a_label_and_its_call_a_reference():
    data = pdf_of(
        '<p>A claim.<span class="fn">First source.</span> Another.<span class="fn">Second source.</span></p>',
        FOOTNOTES,
    )
    found = elements(data)
    notes = [e for e in found if e.kind == "Note"]
    assert [(n.id, element_text(data, n)) for n in notes] == [
        ("note-1", "1. First source."),
        ("note-2", "2. Second source."),
    ]
    assert [n.children[0].kind for n in notes] == ["Lbl", "Lbl"]
    references = [e for e in found if e.kind == "Reference"]
    assert [(r.parent.kind, element_text(data, r)) for r in references] == [("P", "1"), ("P", "2")]
    assert audit_bytes(data, "t.pdf") == []


def test_aria_roles_make_a_note_a_reference_a_heading_and_paragraphs():
    data = pdf_of(
        '<h1>Title</h1><p>Claim<sup role="doc-noteref">1</sup></p><p role="note">1. The source.</p>'
        '<dl role="presentation"><dt role="heading" aria-level="2">A question?</dt><dd>Its answer.</dd></dl>'
    )
    found = elements(data)
    assert [(e.kind, element_text(data, e)) for e in found if e.kind in {"Reference", "Note", "H2", "P"}] == [
        ("P", "Claim 1"),
        ("Reference", "1"),
        ("Note", "1. The source."),
        ("H2", "A question?"),
        ("P", "Its answer."),
    ]
    assert [e.id for e in found if e.kind == "Note"] == ["note-1"]
    assert not {"L", "LI", "LBody"} & set(kinds(data))  # the list semantics of the dl are gone


# --- links --------------------------------------------------------------------------------------------------


def test_a_links_description_is_the_section_it_leads_to_or_its_text():
    data = pdf_of(
        '<h1>Links</h1><p><a href="#s1">See below</a>, <a href="#s2">and there</a>, '
        '<a href="#plain">a note</a> and '
        '<a href="https://example.org/a/b">https:\u200b//\u200bexample\u200b.org/\u2060a/\u2060b</a>.</p>'
        '<h2 id="s1"><span>1</span> First section</h2>'
        '<section id="s2" aria-labelledby="h2"><h2 id="h2">Second section</h2></section>'
        '<p id="plain">Plain text.</p>'
    )
    assert annotations(data) == [
        "Go to section: 1 First section",
        "Go to section: Second section",
        "a note",
        "https://example.org/a/b",
    ]
    links = [e for e in elements(data) if e.kind == "Link"]
    assert [len(link.annots) for link in links] == [1, 1, 1, 1]
    assert audit_bytes(data, "t.pdf") == []


def test_a_link_broken_over_two_lines_is_one_link_element_holding_both_annotations():
    data = pdf_of(
        '<p style="width: 1.6in">Read <a href="https://example.org/">the whole report on the site</a>'
        " now.</p>"
    )
    [link] = [e for e in elements(data) if e.kind == "Link"]
    assert len(link.annots) == 2 and set(annotations(data)) == {"the whole report on the site"}


# --- structure from anonymous boxes, floats -----------------------------------------------------------------


def test_an_element_split_into_anonymous_boxes_is_one_element_and_a_list_holds_only_its_items():
    data = pdf_of(
        '<h1>Title</h1><h2 style="position: relative"><span style="position: absolute; left: -20pt">1</span>'
        "Heading</h2>"
        '<ul style="display: table; list-style: none; padding: 0">'
        '<li style="display: inline-block; width: 40%">One</li> '
        '<li style="display: inline-block">Two</li></ul>'
    )
    found = elements(data)
    assert kinds(data).count("H2") == 1 and kinds(data).count("L") == 1
    [heading] = [e for e in found if e.kind == "H2"]
    assert element_text(data, heading) == "1 Heading"
    [items] = [e for e in found if e.kind == "L"]
    assert [child.kind for child in items.children] == ["LI", "LI"]
    assert audit_bytes(data, "t.pdf") == []


def test_a_right_float_is_read_after_the_text_beside_it_and_before_the_text_below_it():
    side = "The side column, long enough to stand beside both paragraphs of the main text."
    data = pdf_of(
        f'<h1>Title</h1><div style="float: right; width: 1.2in">{side}</div>'
        "<p>The main text, which runs beside the column.</p><p>More main text.</p>"
        '<p style="clear: both">Below both.</p><div style="float: right; width: 1.2in">A short one.</div>'
        "<p>Beside it.</p><p>And below it, after a paragraph long enough to pass its foot.</p>"
    )
    paragraphs = [element_text(data, e) for e in elements(data) if e.kind in {"P", "Div"}]
    assert [p for p in paragraphs if p] == [
        "The main text, which runs beside the column.",
        "More main text.",
        side,
        "Below both.",
        "Beside it.",
        "A short one.",
        "And below it, after a paragraph long enough to pass its foot.",
    ]


# --- extracted text -----------------------------------------------------------------------------------------

BASE_CSS = '<link rel="stylesheet" href="../../layouts/base/css/base.css">'
TOKENS = (
    ":root { --ink: #000; --font-text: Serif; --font-ui: Sans; --font-code: Serif; --body-size: 10pt; "
    "--leading: 1.3 }"
)


@pytest.mark.parametrize("word", ["internationally", "responsibilities"])
def test_a_word_the_base_layout_hyphenates_extracts_whole(word):
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>T</title>'
        f"<style>{STYLE}{TOKENS}</style>{BASE_CSS}</head>"
        f'<body><p style="width: 0.9in">The {word} of the {word}.</p></body></html>'
    )
    document = layout_html(html, REPO, "t", "t")
    lines = [box.text for box in _text_boxes(document.pages[0]._page_box)]
    assert any(line.endswith("-") for line in lines)  # the layout did break the word, with "-"
    data = write_pdf(document)
    text = text_of(data).replace("\ufffe", "")  # pdfium marks where it joined the halves
    assert text.count(word) == 2 and "\u2010" not in text
    assert audit_bytes(data, "t.pdf") == []


def _text_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", []):
        yield from _text_boxes(child)


def test_letter_spaced_capitals_extract_as_words():
    data = pdf_of('<p style="letter-spacing: 0.12em; text-transform: uppercase">Policy briefing</p>')
    assert text_of(data).strip() == "POLICY BRIEFING"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        marks = [
            i.operands[1] for i in pikepdf.parse_content_stream(pdf.pages[0]) if str(i.operator) == "BDC"
        ]
    assert [str(m.ActualText) for m in marks if "/ActualText" in m] == ["POLICY BRIEFING"]
