"""pipeline.pdf.collate: the print file, one page and one bookmark per entry, the shared base drawn once."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pypdf import PdfReader

from pipeline.pdf.audit import audit_file
from pipeline.pdf.collate import print_file
from pipeline.pdf.update import band_content, prepare, stamp
from pipeline.personalize import qr
from tests.pdf.pages import (
    ANCHORS,
    PAGE_TEXT,
    SANS,
    URL,
    one_page,
    page_count,
    qr_codes,
    syntax_problems,
    text_of,
    untagged_page,
)


def write_copies(base, folder, numbers) -> list[tuple[str, object]]:
    """Stamped copies of `base` for offices 'Office N', as (bookmark title, file)."""
    entries = []
    for n in numbers:
        path = folder / f"office-{n}.pdf"
        url = f"{URL}{n}"
        path.write_bytes(stamp(base, band_content(base, [(f"Office {n}", 11.0)], qr.matrix(url)), url))
        entries.append((f"Representative Office {n} · {n}00 Rayburn House Office Building", path))
    return entries


def bookmarks(data: bytes) -> list[tuple[str, int]]:
    reader = PdfReader(io.BytesIO(data))
    assert all(not isinstance(item, list) for item in reader.outline)  # one level
    return [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]


def forms(data: bytes) -> list[tuple[int, int]]:
    """The form XObjects in a PDF, by object number."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            o.objgen for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"
        ]


def test_copies_of_one_base_share_its_drawing_and_each_page_keeps_its_tags(sans_base, tmp_path):
    entries = write_copies(sans_base, tmp_path, [3, 8, 2])
    data = print_file(entries)
    assert page_count(data) == 3 and syntax_problems(data, tmp_path) == []
    for page, n in enumerate([3, 8, 2]):
        assert text_of(data, page).split("\n") == [f"Office {n}", "Page title", PAGE_TEXT]
        assert qr_codes(data, page) == [f"{URL}{n}"]
    assert bookmarks(data) == [(title, page) for page, (title, _) in enumerate(entries)]
    path = tmp_path / "print.pdf"
    path.write_bytes(data)
    # Tagged as press audit sees it: every page's text, band and code (the test page, made with pdf_tags alone
    # and not the PDF/UA-1 variant, has no XMP metadata).
    assert [f.code for f in audit_file(path)] == ["ua.06-001"]
    with pikepdf.open(io.BytesIO(data)) as pdf, pikepdf.open(io.BytesIO(sans_base.data)) as base:
        drawn = [[part.objgen for part in list(page.Contents)[1:]] for page in pdf.pages]
        assert drawn[0] == drawn[1] == drawn[2]  # the base page's drawing, once
        body = b"\n".join(part.read_bytes() for part in list(base.pages[0].Contents)[1:])
        assert b"\n".join(pdf.get_object(o).read_bytes() for o in drawn[0]) == body
        document = pdf.Root.StructTreeRoot.K[0]
        pages = [page.objgen for page in pdf.pages]
        # Each page's elements, in page order: the band's paragraph, the QR code's link, then the page.
        assert [(str(e.S), pages.index(e.Pg.objgen)) for e in document.K] == [
            (kind, page) for page in range(3) for kind in ("/P", "/Link", "/Div", "/H1", "/P")
        ]
        links = [e for e in document.K if e.S == "/Link"]
        assert [str(link.K[1].Obj.A.URI) for link in links] == [f"{URL}{n}" for n in (3, 8, 2)]
        assert [str(link.K[0].Alt) for link in links] == [
            f"QR code: the full briefing at {URL}{n}" for n in (3, 8, 2)
        ]
        assert str(pdf.Root.Lang) == "en" and pdf.Root.MarkInfo.Marked is True
    assert len(data) < len(sans_base.data) + 3 * 3000  # each further page costs its band and elements only


def test_copies_of_an_untagged_base_draw_its_page_once_as_a_form(band_font, tmp_path):
    base = prepare(untagged_page(), ANCHORS, band_font, "#000")
    entries = write_copies(base, tmp_path, [1, 2])
    data = print_file(entries)
    assert page_count(data) == 2 and [qr_codes(data, page) for page in (0, 1)] == [[f"{URL}1"], [f"{URL}2"]]
    [form] = forms(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert {page.Resources.XObject.PressBase.objgen for page in pdf.pages} == {form}


def test_a_print_file_is_the_same_bytes_every_time(sans_base, tmp_path):
    entries = write_copies(sans_base, tmp_path, [1, 2])
    assert print_file(entries) == print_file(entries)


@pytest.mark.parametrize("at", [0, 2])
def test_a_copy_of_another_base_makes_plain_page_copies(sans_base, serif_base, tmp_path, at):
    entries = write_copies(sans_base, tmp_path, [1, 2])
    other = tmp_path / "other.pdf"
    other.write_bytes(stamp(serif_base, band_content(serif_base, [("Office 9", 11.0)], qr.matrix(URL + "9"))))
    entries.insert(at, ("The other office", other))
    data = print_file(entries)
    assert page_count(data) == 3 and syntax_problems(data, tmp_path) == []
    expected = [["Office 1", "Page title", PAGE_TEXT], ["Office 2", "Page title", PAGE_TEXT]]
    expected.insert(at, ["Office 9", "Page title", "Serif text."])
    assert [text_of(data, page).split("\n") for page in range(3)] == expected
    assert bookmarks(data) == [(title, page) for page, (title, _) in enumerate(entries)]
    assert forms(data) == []  # nothing shared: each page is its copy's own


@pytest.mark.parametrize("at", [0, 2])
def test_a_file_that_is_not_a_stamped_copy_makes_plain_page_copies(sans_base, tmp_path, at):
    entries = write_copies(sans_base, tmp_path, [1, 2])
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(one_page(SANS, "A full render."))
    entries.insert(at, ("A full render", plain))
    data = print_file(entries)
    assert page_count(data) == 3
    assert text_of(data, at) == "Page title\nA full render."
    assert bookmarks(data) == [(title, page) for page, (title, _) in enumerate(entries)]
    assert forms(data) == []


def test_one_entry_is_one_page(sans_base, tmp_path):
    data = print_file(write_copies(sans_base, tmp_path, [5]))
    assert page_count(data) == 1 and text_of(data).startswith("Office 5\n")


def test_an_empty_list_of_entries_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        print_file([])
