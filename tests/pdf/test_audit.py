"""press audit: one compliant PDF/UA-1 page passes every check, and for each check a PDF that breaks exactly
that condition gets exactly the finding expected. The PDFs are made by WeasyPrint and edited with pikepdf."""

from __future__ import annotations

import json

import pikepdf
import pytest

from pipeline.cli import main
from pipeline.pdf.audit import audit_file
from pipeline.pdf.audit_structure import read_tree
from tests.pdf.fixtures import (
    PAGED_BODY,
    PAGED_STYLE,
    adopt_orphans,
    annotation,
    artifact_orphans,
    catalog,
    draw,
    elements,
    findings,
    first_text,
    font,
    link,
    made,
    notes_as_note,
    render,
    retag,
    tagged,
    xmp,
)

D = "error: "  # a finding bound to the document
P1 = "page 1: error: "


def _cidfont(pdf):
    return font(pdf).DescendantFonts[0]


def _set(getter, key, value):
    def edit(pdf):
        target = getter(pdf)
        if value is None:
            del target[key]
        else:
            target[key] = value

    return edit


def _text_bytes(pdf, content_of):
    resource, string = first_text(pdf)
    return content_of(resource.encode(), string.hex().encode())


def untagged_text(pdf):
    draw(_text_bytes(pdf, lambda f, s: b"BT %s 10 Tf 40 60 Td <%s> Tj ET" % (f, s)))(pdf)


def orphan_text(pdf):
    draw(_text_bytes(pdf, lambda f, s: b"/P <</MCID 77>> BDC BT %s 10 Tf 40 60 Td <%s> Tj ET EMC" % (f, s)))(
        pdf
    )


def glued_text(pdf):
    """The first line's text twice, the second 7pt lower (a text rise): pdfium extracts them as one word."""
    content = _text_bytes(pdf, lambda f, s: b"BT %s 10 Tf 40 60 Td <%s> Tj -7 Ts <%s> Tj ET" % (f, s, s))
    draw(tagged(pdf, content))(pdf)


def role_circle(pdf):
    pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary(A=pikepdf.Name.B, B=pikepdf.Name.A)
    retag("P", "A")(pdf)


def role_mapped(pdf):
    pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary(Para=pikepdf.Name.P)
    retag("P", "Para")(pdf)


def formula(pdf):
    figure = elements(pdf, "Figure")[0]
    del figure.Alt
    figure.S = pikepdf.Name.Formula


def two_h(pdf):
    retag("H1", "H")(pdf)
    retag("H2", "H")(pdf)


def shared_note_ids(pdf):
    for span in elements(pdf, "Span")[:2]:
        span.S = pikepdf.Name.Note
        span.ID = pikepdf.String("n1")


def document_lang(pdf):
    del pdf.Root.Lang
    elements(pdf, "Document")[0].Lang = pikepdf.String("en")


def link_without_objr(pdf):
    element = elements(pdf, "Link")[0]
    element.K = pikepdf.Array(
        [k for k in element.K if not (isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR")]
    )


def type2(mapping):
    def edit(pdf):
        cidfont = _cidfont(pdf)
        cidfont.Subtype = pikepdf.Name.CIDFontType2
        if mapping is None:
            del cidfont.CIDToGIDMap
        else:
            cidfont.CIDToGIDMap = mapping

    return edit


def unicode_map(old: bytes, new: bytes):
    def edit(pdf):
        stream = font(pdf).ToUnicode
        data = stream.read_bytes()
        assert old in data
        stream.write(data.replace(old, new, 1))

    return edit


def notdef(pdf):
    """The first glyph the page shows becomes CID 0 (.notdef in a CFF CIDFont)."""
    instructions, done = [], False
    for operands, operator in pikepdf.parse_content_stream(pdf.pages[0]):
        if not done and str(operator) == "TJ":
            array = pikepdf.Array(operands[0])
            index = next(i for i, v in enumerate(array) if isinstance(v, pikepdf.String))
            array[index] = pikepdf.String(b"\0\0" + bytes(array[index])[2:])
            operands, done = [array], True
        instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
    pdf.pages[0].obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


LANG_MISSING = [
    D
    + "the catalog has no usable /Lang and 15 elements with text have none, nor do their parents [ua.11-001]",
    D + "the catalog has no usable /Lang and 1 element with Alt or ActualText has none, nor do its parents "
    "[ua.11-002]",
    D + "the document has an outline (bookmarks) but the catalog has no usable /Lang [ua.11-003]",
    D + "the catalog has no usable /Lang, nor does the dc:title have an xml:lang [ua.11-006]",
    P1
    + "an annotation's /Contents has no language (no usable /Lang in the catalog or its element) (2 times) "
    "[ua.11-004]",
]
TITLE = b'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Audit fixture</rdf:li></rdf:Alt></dc:title>'
FONT = "font YCHJWQ+AuditSans: "

# (id, edits, the findings expected): each PDF is the compliant page with these edits.
CASES = [
    (
        "01-005 not marked",
        [catalog("/MarkInfo")],
        [D + "the catalog's MarkInfo does not say /Marked true: the file is not tagged [ua.01-005]"],
    ),
    (
        "01-005 no tree",
        [catalog("/StructTreeRoot")],
        [
            D + "the catalog has no StructTreeRoot: none of the content is tagged [ua.01-005]",
            P1 + "a link annotation is in no structure element, not in a Link element (through an OBJR) "
            "(2 times) "
            "[ua.28-011]",
        ],
    ),
    (
        "01-005 untagged text",
        [untagged_text],
        [
            P1
            + "content is neither tagged nor an Artifact: 1 text outside any marked content with an MCID or "
            "/Artifact [ua.01-005]"
        ],
    ),
    (
        "01-005 untagged path",
        [draw(b"0 0 5 5 re f")],
        [
            P1
            + "content is neither tagged nor an Artifact: 1 path outside any marked content with an MCID or "
            "/Artifact [ua.01-005]"
        ],
    ),
    (
        "01-005 MCID not in tree",
        [orphan_text],
        [P1 + "1 marked-content sequence (MCID 77) is not in the structure tree [ua.01-005]"],
    ),
    (
        "01-003",
        [lambda pdf: draw(tagged(pdf, b"/Artifact BMC 0 0 5 5 re f EMC"))(pdf)],
        [P1 + "1 Artifact inside tagged content [ua.01-003]"],
    ),
    (
        "01-004",
        [lambda pdf: draw(b"/Artifact BMC " + tagged(pdf, b"0 0 5 5 re f") + b" EMC")(pdf)],
        [P1 + "1 tagged sequence (with an MCID) inside an Artifact [ua.01-004]"],
    ),
    (
        "01-007",
        [catalog("/MarkInfo", pikepdf.Dictionary(Marked=True, Suspects=True))],
        [D + "the catalog's MarkInfo says /Suspects true [ua.01-007]"],
    ),
    (
        "02-001",
        [retag("P", "Custom")],
        [D + "the structure type 'Custom' has no entry in the RoleMap [ua.02-001]"],
    ),
    ("02-003", [role_circle], [D + "the structure type 'A' maps in a circle (A -> B -> A) [ua.02-003]"]),
    (
        "02-004",
        [_set(lambda pdf: pdf.Root.StructTreeRoot, "/RoleMap", pikepdf.Dictionary(P=pikepdf.Name.Span))],
        [D + "the RoleMap remaps the standard type 'P' [ua.02-004]"],
    ),
    ("02 mapped", [role_mapped], []),
    ("06-001", [catalog("/Metadata")], [D + "the catalog has no XMP metadata stream [ua.06-001]"]),
    (
        "06-001 not XML",
        [xmp(b"<x:xmpmeta", b"<x:xmpmeta <")],
        [
            D + "the XMP metadata stream cannot be read as XML "
            "(not well-formed (invalid token): line 1, column…) "
            "[ua.06-001]"
        ],
    ),
    (
        "06-002",
        [xmp(b' pdfuaid:part="1"', b"")],
        [D + "the XMP metadata has no PDF/UA identifier (pdfuaid:part) [ua.06-002]"],
    ),
    (
        "06-002 part 2",
        [xmp(b'pdfuaid:part="1"', b'pdfuaid:part="2"')],
        [D + "the XMP metadata says pdfuaid:part '2', not 1 [ua.06-002]"],
    ),
    ("06-003", [xmp(TITLE, b"")], [D + "the XMP metadata has no dc:title [ua.06-003]"]),
    (
        "07-001",
        [catalog("/ViewerPreferences")],
        [D + "the catalog's ViewerPreferences have no DisplayDocTitle entry [ua.07-001]"],
    ),
    (
        "07-002",
        [catalog("/ViewerPreferences", pikepdf.Dictionary(DisplayDocTitle=False))],
        [D + "the catalog's ViewerPreferences say DisplayDocTitle false [ua.07-002]"],
    ),
    (
        "09-004",
        [retag("TR", "Div")],
        [
            P1 + "a TBody element holds Div; it may hold only TR [ua.09-004]",
            P1 + "a TH element sits in Div, not in TR [ua.09-004]",
        ],
    ),
    (
        "09-005",
        [retag("LI", "Div")],
        [
            P1 + "a L element holds Div; it may hold only Caption, L, LI [ua.09-005]",
            P1 + "a LBody element sits in Div, not in LI [ua.09-005]",
        ],
    ),
    (
        "09-005 LI",
        [retag("LBody", "P")],
        [P1 + "a LI element holds P; it may hold only LBody, Lbl [ua.09-005]"],
    ),
    ("09-006", [retag("P", "TOCI")], [P1 + "a TOCI element sits in Document, not in TOC [ua.09-006]"]),
    (
        "11-001 element",
        [_set(lambda pdf: elements(pdf, "P")[0], "/Lang", pikepdf.String("english"))],
        [P1 + "a structure element's /Lang 'english' does not start with a known language code [ua.11-001]"],
    ),
    (
        "11-001 catalog",
        [catalog("/Lang", pikepdf.String("en_US"))],
        [D + "the catalog's /Lang 'en_US' is not a language tag (BCP 47, as 'en' or 'en-US') [ua.11-001]"]
        + LANG_MISSING,
    ),  # and, with no usable /Lang, all that follows
    ("11 no /Lang", [catalog("/Lang")], LANG_MISSING),
    ("11 /Lang on the Document", [document_lang], LANG_MISSING[2:4]),
    (
        "11-006",
        [xmp(b'xml:lang="x-default"', b'xml:lang="english"')],
        [D + "the dc:title's xml:lang 'english' does not start with a known language code [ua.11-006]"],
    ),
    (
        "13-004",
        [_set(lambda pdf: elements(pdf, "Figure")[0], "/Alt", None)],
        [P1 + "a Figure element has no Alt and no ActualText [ua.13-004]"],
    ),
    ("17-002", [formula], [P1 + "a Formula element has no Alt [ua.17-002]"]),
    ("14-002", [retag("H1", "H2")], [P1 + "the first heading is H2, not H1 [ua.14-002]"]),
    ("14-003", [retag("H2", "H3")], [P1 + "an H3 follows an H1: heading levels skip H2 [ua.14-003]"]),
    ("14-006", [two_h], [P1 + "a Document element holds 2 H headings [ua.14-006]"]),
    ("14-007", [retag("H2", "H")], [P1 + "the document uses both H (1) and H1-H6 headings [ua.14-007]"]),
    ("19-003", [retag("P", "Note")], [P1 + "a Note element has no ID [ua.19-003]"]),
    ("19-004", [shared_note_ids], [D + "2 Note elements share the ID 'n1' [ua.19-004]"]),
    (
        "28-002",
        [annotation("Text", "A comment")],
        [P1 + "a Text annotation is not in an Annot element [ua.28-002]"],
    ),
    (
        "28-004",
        [annotation("Text", None, role="Annot")],
        [P1 + "a Text annotation has no /Contents and its element no Alt [ua.28-004]"],
    ),
    ("28 Annot", [annotation("Text", "A comment", role="Annot")], []),
    ("28 Popup", [annotation("Popup")], []),
    (
        "28-008",
        [_set(lambda pdf: pdf.pages[0].obj, "/Tabs", None)],
        [P1 + "the page has annotations but no /Tabs entry [ua.28-008]"],
    ),
    (
        "28-009",
        [_set(lambda pdf: pdf.pages[0].obj, "/Tabs", pikepdf.Name.R)],
        [P1 + "the page's /Tabs is /R, not /S (structure order) [ua.28-009]"],
    ),
    ("28-010", [annotation("Widget")], [P1 + "a widget annotation is not in a Form element [ua.28-010]"]),
    ("28 Form", [annotation("Widget", role="Form")], []),
    (
        "28-011",
        [retag("Link", "Span")],
        [P1 + "a link annotation is in a Span element, not in a Link element (through an OBJR) [ua.28-011]"],
    ),
    (
        "28-011 no OBJR",
        [link_without_objr],
        [P1 + "a Link element holds no link annotation (no OBJR among its kids) [ua.28-011]"],
    ),
    (
        "28-012",
        [_set(link, "/Contents", None)],
        [P1 + "a link annotation has no /Contents (its alternate description) [ua.28-012]"],
    ),
    (
        "28-012 anchor",
        [_set(link, "/Contents", pikepdf.String("s1-what-normalization-means"))],
        [
            P1 + "a link annotation's /Contents 's1-what-normalization-means' is an anchor name, "
            "not a description "
            "of the link [ua.28-012]"
        ],
    ),
    (
        "28-012 broken",
        [_set(link, "/Contents", pikepdf.String("https://exam ple.org/"))],
        [P1 + "a link annotation's /Contents 'https://exam ple.org/' is a broken address [ua.28-012]"],
    ),
    ("28-012 words", [_set(link, "/Contents", pikepdf.String("The example site"))], []),
    (
        "31-004",
        [type2(pikepdf.Name.Custom)],
        [P1 + FONT + "the Type 2 CIDFont's CIDToGIDMap is neither a stream nor /Identity [ua.31-004]"],
    ),
    ("31-005", [type2(None)], [P1 + FONT + "the Type 2 CIDFont has no CIDToGIDMap [ua.31-005]"]),
    (
        "31-009",
        [_set(lambda pdf: _cidfont(pdf).FontDescriptor, "/FontFile3", None)],
        [P1 + FONT + "the font program is not embedded [ua.31-009]"],
    ),
    (
        "CIDSystemInfo",
        [_set(_cidfont, "/CIDSystemInfo", None)],
        [P1 + FONT + "the CIDFont has no CIDSystemInfo (a required entry) [pdf.font]"],
    ),
    (
        "31-027",
        [_set(font, "/ToUnicode", None)],
        [P1 + FONT + "it has no ToUnicode map, and nothing else maps its codes to Unicode [ua.31-027]"],
    ),
    (
        "31-028",
        [unicode_map(b"<0002> <0041>", b"<0002> <0000>")],
        [P1 + FONT + "its ToUnicode map maps a code to U+0000 [ua.31-028]"],
    ),
    (
        "31-029",
        [unicode_map(b"<0002> <0041>", b"<0002> <FEFF>")],
        [P1 + FONT + "its ToUnicode map maps a code to U+FEFF or U+FFFE [ua.31-029]"],
    ),
    ("31-030", [notdef], [P1 + "text shows the .notdef glyph of font YCHJWQ+AuditSans 1 time [ua.31-030]"]),
    (
        "text.glued",
        [glued_text],
        [P1 + "'fixture' and 'Audit' are on two lines but extract as one word 'fixtureAudit' [text.glued]"],
    ),
]


def test_the_compliant_page_passes_every_check(tmp_path):
    assert findings(made(tmp_path, render())) == []


@pytest.mark.parametrize(("edits", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_check_fails_on_a_page_that_breaks_it(tmp_path, edits, expected):
    assert sorted(findings(made(tmp_path, render(), *edits))) == sorted(expected)


def test_weasyprint_writes_no_file_identifier(tmp_path):
    path = tmp_path / "raw.pdf"
    path.write_bytes(render())  # not saved by pikepdf, which adds one
    assert findings(path) == [D + "the trailer has no file identifier (/ID with two strings) [pdf.id]"]


def test_a_pdf_2_file_is_not_pdf_ua_1(tmp_path):
    path = tmp_path / "two.pdf"
    with pikepdf.open(made(tmp_path, render())) as pdf:
        pdf.save(path, force_version="2.0", fix_metadata_version=False)
    assert findings(path) == [D + "the file is PDF 2.0; PDF/UA-1 files are PDF 1.x [pdf.version]"]


def test_running_heads_and_page_numbers_must_be_artifacts(tmp_path):
    paged = render(PAGED_BODY, PAGED_STYLE)
    assert findings(made(tmp_path, paged, artifact_orphans, notes_as_note)) == []
    assert findings(made(tmp_path, paged, adopt_orphans, notes_as_note)) == [
        f"page {n}: error: running heads and page numbers are tagged as content, not as Artifacts: "
        f"'Audit fixture', 'Page {n}' [ua.18-001]"
        for n in (1, 2, 3)
    ]


def test_footnotes_must_be_notes(tmp_path):
    paged = render(PAGED_BODY, PAGED_STYLE)
    assert findings(made(tmp_path, paged, artifact_orphans)) == [
        f"page {n}: error: 1 footnote ({n}) is not tagged Note (the first is a Span in NonStruct) [ua.19-001]"
        for n in (1, 2)
    ]


def markers_as_labels(pdf: pikepdf.Pdf) -> None:
    """Tag the footnotes' markers Lbl (a label of no list), leaving the footnotes themselves Span."""
    for element in read_tree(pdf).elements:
        area = element.parent.parent if element.parent is not None else None
        if element.kind == "NonStruct" and area is not None and area.parent is not None:
            if area.kind == "NonStruct" and area.parent.kind == "Document":
                element.obj.S = pikepdf.Name.Lbl


def test_a_footnote_with_a_label_outside_any_list_is_still_a_footnote(tmp_path):
    paged = render(PAGED_BODY, PAGED_STYLE)
    assert findings(made(tmp_path, paged, artifact_orphans, markers_as_labels)) == [
        f"page {n}: error: 1 footnote ({n}) is not tagged Note (the first is a Span in Lbl) [ua.19-001]"
        for n in (1, 2)
    ]


def test_weasyprint_leaves_margin_boxes_out_of_the_tree(tmp_path):
    """Why the two tests above edit WeasyPrint's output: its margin boxes are marked but in no element."""
    paged = render(PAGED_BODY, PAGED_STYLE)
    found = findings(made(tmp_path, paged, notes_as_note))
    assert found == [
        "page 1: error: 2 marked-content sequences (MCID 5, 6) are not in the structure tree [ua.01-005]",
        "page 2: error: 2 marked-content sequences (MCID 4, 5) are not in the structure tree [ua.01-005]",
        "page 3: error: 2 marked-content sequences (MCID 1, 2) are not in the structure tree [ua.01-005]",
    ]


def test_hyphenation_left_in_extracted_text(tmp_path):
    body = (
        '<p style="hyphens: auto; width: 60pt; text-align: justify">The government and their governments '
        "government</p><p>government</p>"
    )
    assert findings(made(tmp_path, render(body))) == [
        P1 + "'govern‐\\nment' extracts with the line-end hyphen left in; the word is 'government' "
        "[text.hyphen]",
        P1 + "'gov‐\\nernment' extracts with the line-end hyphen left in; the word is 'government' "
        "[text.hyphen]",
    ]

    # The fix passes: the line-end hyphen mapped to U+00AD (soft hyphen), which pdfium drops, joining words.
    def soft_hyphen(pdf):
        stream = font(pdf).ToUnicode
        stream.write(stream.read_bytes().replace(b"<2010>", b"<00AD>"))

    assert findings(made(tmp_path, render(body), soft_hyphen)) == []
    # A word that occurs only broken is not judged: it might be a compound broken at its own hyphen.
    once = '<p style="hyphens: auto; width: 60pt; text-align: justify">The governments government</p>'
    assert findings(made(tmp_path, render(once))) == []


def test_letter_spaced_words(tmp_path):
    body = '<p style="letter-spacing: 0.6em">SYRIAN refugees</p><p>A B C are three letters.</p>'
    assert findings(made(tmp_path, render(body))) == [
        P1
        + "'S Y R I A N r e f u g e e s' extracts as single letters with spaces between (letter-spaced text) "
        "[text.letterspaced]"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Hello, this is not a PDF\n", "this is not a PDF file (no %PDF- header)"),
        (b"", "this is not a PDF file (no %PDF- header)"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 40, None),
    ],
    ids=["text", "empty", "damaged"],
)
def test_a_file_that_is_not_a_readable_pdf_is_one_finding(tmp_path, content, message):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    found = audit_file(path)
    assert [f.code for f in found] == ["audit.read"]
    assert message is None or found[0].message == message


def test_an_encrypted_file_is_one_finding(tmp_path):
    path = tmp_path / "secret.pdf"
    with pikepdf.open(made(tmp_path, render())) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="u"))
    assert [str(f) for f in audit_file(path, shown="x.pdf")] == [
        "x.pdf: error: the file is encrypted with a password; it cannot be audited [audit.read]"
    ]


def test_the_command_line(tmp_path, capsys):
    good = made(tmp_path, render(), name="good.pdf")
    (tmp_path / "sub").mkdir()
    made(tmp_path / "sub", render(), catalog("/Metadata"), name="bad.pdf")
    (tmp_path / ".hidden").mkdir()
    made(tmp_path / ".hidden", render(), catalog("/Metadata"), name="cached.pdf")

    assert main(["audit", str(good)]) == 0
    assert capsys.readouterr().out == "press audit: 1 file, no findings\n"

    assert main(["audit", str(tmp_path)]) == 1  # folders searched recursively, hidden folders skipped
    assert capsys.readouterr().err == (
        f"{tmp_path}/sub/bad.pdf: error: the catalog has no XMP metadata stream [ua.06-001]\n"
        "press audit: 1 finding in 1 of 2 files (ua.06-001 1)\n"
    )

    assert main(["audit", "--json", str(tmp_path / "sub")]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["counts"] == {"ua.06-001": 1}
    assert report["findings"] == [
        {
            "file": f"{tmp_path}/sub/bad.pdf",
            "page": None,
            "code": "ua.06-001",
            "message": "the catalog has no XMP metadata stream",
        }
    ]

    assert main(["audit", str(tmp_path / "missing.pdf")]) == 2
    assert "missing.pdf: no such file or folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["audit", str(tmp_path / "empty")]) == 2
    assert "no PDF files in" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["audit"])
    assert exit_.value.code == 2
