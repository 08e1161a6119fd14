"""Packets: the cover and its contents, page numbers, links, outline, tags and metadata of the combined PDF,
and parts that stay writable on their own. Three sample topics, laid out once per module."""

from __future__ import annotations

import dataclasses
import io
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.document.fit import fit
from pipeline.document.packet import PacketError, assemble, contents
from pipeline.document.render import render
from pipeline.document.typeset import layout_html, write_pdf
from pipeline.errors import Report
from pipeline.pdf.inspect import check_fonts, embedded_fonts
from pipeline.sources.gather import gather
from pipeline.sources.layouts import discover, resolve
from tests.conftest import copy_project

TOPICS = ["aid-diversion", "captagon", "sanctions"]
FAMILIES = ["Source Sans 3", "Source Serif 4", "Source Serif 4 Display"]


@dataclasses.dataclass
class Sample:
    root: Path
    org: object
    base: object
    parts: dict  # kind -> [(topic, document)]
    alone: dict  # (kind, topic id) -> the part's own PDF, written before any packet was made
    library: object = None  # the references, and the citation style, to render a part again
    style: object = None


def laid_out(project, kind: str) -> list:
    """(topic, document) per topic, as the build lays them out: one-pagers fitted, briefings typeset."""
    parts = []
    for topic, _ in project.topics:
        layout = project.layouts[topic.layout]
        doc = render(kind, topic, project.org, layout, project.library, project.style)
        if kind == "one-pager":
            document = fit(
                doc,
                project.root,
                lambda drop, topic=topic, layout=layout: render(
                    kind, topic, project.org, layout, project.library, project.style, None, drop
                ),
            ).document
        else:
            document = layout_html(doc.html, project.root, doc.stem, doc.topic)
        parts.append((topic, document))
    return parts


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Sample:
    root = copy_project(tmp_path_factory.mktemp("packet"))
    report = Report()
    project = gather(root, report, today=date(2024, 12, 1), only=TOPICS)
    assert project is not None, report.lines()
    base = resolve("base", discover(root, report), root, ("layouts/base/layout.yaml", 0, 0), report)
    parts = {kind: laid_out(project, kind) for kind in ("one-pager", "briefing")}
    alone = {(kind, topic.id): write_pdf(document) for kind in parts for topic, document in parts[kind]}
    return Sample(root, project.org, base, parts, alone, project.library, project.style)


@pytest.fixture(scope="module")
def packets(sample) -> dict:
    """kind -> (packet PDF bytes, reader, contents entries)."""
    out = {}
    for kind, parts in sample.parts.items():
        data = write_pdf(assemble(kind, parts, sample.org, sample.base, sample.root, date(2026, 3, 2)))
        out[kind] = (data, PdfReader(io.BytesIO(data)), contents(parts))
    return out


def dest_page(reader: PdfReader, dest) -> int:
    """The 0-based page index of an annotation's /Dest (a named destination or an explicit array)."""
    if isinstance(dest, list):
        return reader.get_page_number(dest[0].get_object())
    return reader.get_destination_page_number(reader.named_destinations[str(dest)])


def internal_links(reader: PdfReader, index: int) -> list[tuple[str, int]]:
    """(destination name, target page index) of every internal link annotation on a page."""
    found = []
    for ref in reader.pages[index].get("/Annots", []) or []:
        annot = ref.get_object()
        if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
            found.append((str(annot["/Dest"]), dest_page(reader, annot["/Dest"])))
    return found


def outline(reader: PdfReader, items=None, depth: int = 0) -> list[tuple[int, str, int]]:
    """The outline flattened: (depth, title, page index)."""
    flat = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            flat += outline(reader, item, depth + 1)
        else:
            flat.append((depth, item.title, reader.get_destination_page_number(item)))
    return flat


def struct_elements(reader: PdfReader) -> list[str]:
    """The /S (role) of every structure element under /StructTreeRoot."""
    roles, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                roles.append(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(node, list):
            stack.extend(node)
    return roles


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("kind", ["one-pager", "briefing"])
def test_pages_are_the_parts_plus_one_cover_page(sample, packets, kind):
    _, reader, entries = packets[kind]
    sizes = [len(document.pages) for _, document in sample.parts[kind]]
    assert len(reader.pages) == sum(sizes) + 1
    assert [e.start for e in entries] == [2 + sum(sizes[:i]) for i in range(len(sizes))]
    if kind == "one-pager":
        assert [e.start for e in entries] == [2, 3, 4]


@pytest.mark.parametrize("kind", ["one-pager", "briefing"])
def test_the_cover_lists_every_topic_with_its_first_page(sample, packets, kind):
    _, reader, entries = packets[kind]
    text = flat(reader.pages[0].extract_text())
    assert ("Leave-behinds" if kind == "one-pager" else "Policy briefings") in text
    assert (
        "Syrian Emergency Task Force" in text and "march 2, 2026" in text.lower()
    )  # the date is set in capitals
    for entry, following in zip(entries, entries[1:] + [None], strict=False):
        assert entry.title in text
        tail = text[text.index(entry.title) + len(entry.title) :]
        tail = tail[: tail.index(following.title)] if following else tail
        assert re.search(rf"(?<!\d){entry.start}(?!\d)", tail), (entry, tail)
    # The part's own first page is where the contents says.
    for entry in entries:
        assert entry.title in flat(reader.pages[entry.start - 1].extract_text())


@pytest.mark.parametrize("kind", ["one-pager", "briefing"])
def test_each_contents_line_links_to_its_parts_first_page(packets, kind):
    _, reader, entries = packets[kind]
    links = internal_links(reader, 0)
    assert {name for name, _ in links} == {f"packet-part-{e.topic}" for e in entries}
    for name, page in links:
        entry = next(e for e in entries if name == f"packet-part-{e.topic}")
        assert page == entry.start - 1


@pytest.mark.parametrize("kind", ["one-pager", "briefing"])
def test_outline_has_one_entry_per_topic_with_the_parts_bookmarks_beneath(sample, packets, kind):
    _, reader, entries = packets[kind]
    got = outline(reader)
    top = [(title, page) for depth, title, page in got if depth == 0]
    assert top == [("Contents", 0)] + [(e.title, e.start - 1) for e in entries]
    for (topic, _), entry in zip(sample.parts[kind], entries, strict=False):
        own = outline(PdfReader(io.BytesIO(sample.alone[(kind, topic.id)])))
        if own and own[0][1] == entry.title:
            own = own[1:]  # the part's title bookmark is the topic's entry itself
        position = [title for _, title, _ in got].index(entry.title)
        beneath = got[position + 1 : position + 1 + len(own)]
        assert [(depth, title, page) for depth, title, page in beneath] == [
            (depth + 1, title, page + entry.start - 1) for depth, title, page in own
        ]
        assert len(own) >= (4 if kind == "one-pager" else 10)
    assert sum(1 for depth, _, _ in got if depth == 0) == len(entries) + 1
    # The outline opens on the list of topics: each topic's entry is closed (a negative /Count).
    item, counts = reader.trailer["/Root"]["/Outlines"]["/First"].get_object(), []
    while True:
        counts.append(item.get("/Count", 0))
        if "/Next" not in item:
            break
        item = item["/Next"].get_object()
    assert counts[0] == 0 and all(count < 0 for count in counts[1:])


def test_links_inside_a_part_land_in_that_part(sample, packets):
    _, reader, entries = packets["briefing"]
    counted = 0
    for entry in entries:
        own = PdfReader(io.BytesIO(sample.alone[("briefing", entry.topic)]))
        expected = [(name, page) for i in range(len(own.pages)) for name, page in internal_links(own, i)]
        got = [
            (name, page)
            for i in range(entry.start - 1, entry.start - 1 + entry.pages)
            for name, page in internal_links(reader, i)
        ]
        assert expected, "the sample briefings have a contents block with internal links"
        assert got == [(f"{entry.topic}--{name}", page + entry.start - 1) for name, page in expected]
        counted += len(got)
    assert counted == sum(len(internal_links(reader, i)) for i in range(1, len(reader.pages)))


@pytest.mark.parametrize("kind", ["one-pager", "briefing"])
def test_tags_language_and_fonts_survive(sample, packets, kind):
    data, reader, entries = packets[kind]
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en-US"
    # Every part's structure is there, whole, under the packet's one /Document; what is left is the cover's.
    parts = Counter()
    for entry in entries:
        parts += Counter(struct_elements(PdfReader(io.BytesIO(sample.alone[(kind, entry.topic)]))))
    roles = Counter(struct_elements(reader))
    assert roles["/Document"] == 1 and parts["/Document"] == len(entries)
    del roles["/Document"], parts["/Document"]
    cover = roles - parts
    assert roles == parts + cover, "every part's elements are in the packet"
    assert cover["/H1"] == 1 and cover["/H2"] == 1 and cover["/LI"] == len(entries) and cover["/Figure"] == 1
    assert cover["/Link"] >= len(entries) and sum(cover.values()) < 60 * len(entries) + 60
    assert check_fonts(embedded_fonts(data), FAMILIES) == []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descriptor["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font[
                "/BaseFont"
            ]


def test_metadata_names_the_packet_the_organization_and_every_topics_keywords(sample, packets):
    _, reader, _ = packets["one-pager"]
    info = reader.metadata
    assert info.title == "Syrian Emergency Task Force: Leave-behinds"
    assert info.author == "Syrian Emergency Task Force"
    keywords = info["/Keywords"]
    for topic, _ in sample.parts["one-pager"]:
        for word in topic.keywords:
            assert word.lower() in keywords.lower()
    assert info["/CreationDate"].startswith("D:20260302")


def test_assembling_twice_gives_identical_bytes_and_leaves_the_parts_as_they_were(sample, packets):
    kind = "briefing"
    again = write_pdf(
        assemble(kind, sample.parts[kind], sample.org, sample.base, sample.root, date(2026, 3, 2))
    )
    assert again == packets[kind][0]
    for topic, document in sample.parts[kind]:
        assert not any("--" in name for page in document.pages for name in page.anchors)
        assert write_pdf(document) == sample.alone[(kind, topic.id)]


def test_without_a_build_date_the_cover_gives_each_positions_date_and_no_print_date(sample):
    parts = sample.parts["one-pager"]
    document = assemble("one-pager", parts, sample.org, sample.base, sample.root, None)
    newest = max(topic.as_of for topic, _ in parts)
    assert document.metadata.created == newest.isoformat()
    text = flat(PdfReader(io.BytesIO(write_pdf(document))).pages[0].extract_text())
    assert "Printed" not in text and "current" not in text.lower()
    assert text.count("Position as of November 2024") == len(parts)
    assert "review was due" not in text  # no build date: nothing to say a review is overdue against
    assert 'href="#packet-part-captagon"' in document.press_cover_html


def test_a_printed_packet_says_when_it_was_printed_and_which_positions_are_past_review(sample, packets):
    text = flat(packets["one-pager"][1].pages[0].extract_text())
    assert "printed march 2, 2026" in text.lower() and "current" not in text.lower()  # set in capitals
    # each sample topic was due for review in May 2025, before the print date
    assert text.count("Position as of November 2024; review was due May 2025") == len(TOPICS)


def test_a_briefing_packet_numbers_the_parts_pages_as_the_cover_does(sample):
    parts = sample.parts["briefing"]
    markups = {}
    for topic, _ in parts:
        project_layout = resolve(
            topic.layout, discover(sample.root, Report()), sample.root, ("x", 0, 0), Report()
        )
        doc = render("briefing", topic, sample.org, project_layout, sample.library, sample.style)
        markups[topic.id] = (doc.stem, doc.html)
    data = write_pdf(assemble("briefing", parts, sample.org, sample.base, sample.root, None, markups))
    reader = PdfReader(io.BytesIO(data))
    total = len(reader.pages)
    entries = contents(parts)
    for entry in entries:
        for number in range(entry.start + 1, entry.start + entry.pages):  # the part's cover has no folio
            assert flat(reader.pages[number - 1].extract_text()).endswith(f"Page {number} of {total}")
    # the part's own contents (target-counter) give packet pages too: its first heading's page
    second = flat(reader.pages[entries[1].start].extract_text())
    assert re.search(rf"Contents .*? {entries[1].start + 1} ", second), second
    # the parts themselves still number their own pages
    own = PdfReader(io.BytesIO(sample.alone[("briefing", parts[0][0].id)]))
    assert flat(own.pages[1].extract_text()).endswith(f"Page 2 of {len(own.pages)}")


def test_the_cover_labels_come_from_the_layout(sample):
    labels = {
        **sample.base.labels,
        "packet-one-pager": "Merkblätter",
        "contents": "Inhalt",
        "packet-date": "Stand",
    }
    layout = dataclasses.replace(sample.base, labels=labels)
    data = write_pdf(
        assemble("one-pager", sample.parts["one-pager"], sample.org, layout, sample.root, date(2026, 3, 2))
    )
    reader = PdfReader(io.BytesIO(data))
    text = flat(reader.pages[0].extract_text())
    assert "Merkblätter" in text and "inhalt" in text.lower() and "stand march 2, 2026" in text.lower()
    assert reader.metadata.title.endswith(": Merkblätter")
    assert outline(reader)[0] == (0, "Inhalt", 0)


def many(parts: list, count: int) -> list:
    """`count` parts made from the given ones under other topic ids (for covers with long contents)."""
    return [
        (parts[i % len(parts)][0].model_copy(update={"id": f"topic-{i + 1}"}), parts[i % len(parts)][1])
        for i in range(count)
    ]


def test_a_longer_contents_is_set_tighter_with_its_subtitles(sample):
    parts = many(sample.parts["one-pager"], 6)
    document = assemble("one-pager", parts, sample.org, sample.base, sample.root, date(2026, 3, 2))
    assert "packet-tight" in document.press_cover_html
    reader = PdfReader(io.BytesIO(write_pdf(document)))
    assert len(reader.pages) == 7
    assert "An addictive drug trade" in flat(reader.pages[0].extract_text())  # a subtitle


def test_a_long_contents_drops_the_subtitles_to_stay_on_one_page(sample):
    parts = many(sample.parts["one-pager"], 10)
    data = write_pdf(assemble("one-pager", parts, sample.org, sample.base, sample.root, date(2026, 3, 2)))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 11
    text = flat(reader.pages[0].extract_text())
    assert "An addictive drug trade" not in text  # a subtitle
    assert text.count("Position as of November 2024; review was due May 2025") == 10  # the dates stay
    assert [page for _, page in internal_links(reader, 0)][-1] == 10


@pytest.mark.parametrize(
    "count, why",
    [
        (40, r"need 3 pages"),
        (
            12,
            r"run 0\.\d in too long for the space above the foot of the page",
        ),  # one page, but over the foot
    ],
)
def test_contents_too_long_for_one_page_is_an_error_that_says_so(sample, count, why):
    parts = many(sample.parts["one-pager"], count)
    with pytest.raises(
        PacketError,
        match=rf"one-pager packet: the cover's contents list {count} topics, which "
        rf"{why} even without subtitles; the cover must be one page",
    ):
        assemble("one-pager", parts, sample.org, sample.base, sample.root, date(2026, 3, 2))


def test_what_cannot_be_a_packet(sample):
    parts = sample.parts["one-pager"]
    with pytest.raises(PacketError, match="there are no documents"):
        assemble("one-pager", [], sample.org, sample.base, sample.root, None)
    with pytest.raises(PacketError, match="topic 'captagon' is in it twice"):
        assemble("one-pager", parts + parts[1:2], sample.org, sample.base, sample.root, None)
    with pytest.raises(PacketError, match="unknown packet kind 'flyer'"):
        assemble("flyer", parts, sample.org, sample.base, sample.root, None)
