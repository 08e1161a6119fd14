"""Packets: every leave-behind (or every briefing) in one PDF, behind a one-page cover with the contents.

A packet is combined from the rendered WeasyPrint documents before anything is written (never by merging
finished PDFs, which loses the tags), so the tags, links and bookmarks of every part survive:

    document = assemble("one-pager", [(topic, document), ...], org, base_layout, root, build_date)
    data = typeset.write_pdf(document)   # pages: 1 (the cover) + the parts' pages

The cover is laid out like every other document (`typeset.layout_html`, the project-only URL fetcher) from
the layout's `packet.html.j2` and its `css/*.css` + `css/packet/*.css`. Its page numbers are computed here
from the parts' page counts (WeasyPrint 70's target-counter is not relied on). Each part's pages are shallow
copies whose anchors and internal links are renamed `<topic id>--<name>`, so that the `#title`, `#questions`,
`#note-1` ... of different parts do not collide; the parts' own documents and pages are left as they were,
so they can still be written as PDFs of their own, before or after the packet.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.dates import format_date
from markupsafe import Markup, escape

from pipeline import __version__
from pipeline.document.page import page_rule
from pipeline.document.render import babel_locale, css_string, shown_path
from pipeline.document.typeset import TypesetError, layout_html, missing_targets
from pipeline.sources.layouts import KINDS, Layout, font_face_css, render_template, token_css
from pipeline.sources.model import Organization, Topic
from pipeline.sources.text import smart, to_html

# Words the cover prints, by label name, with the English the base layout also gives them.
DEFAULT_LABELS = {
    "packet-one-pager": "Leave-behinds",
    "packet-briefing": "Policy briefings",
    "packet-intro-one-pager": "Our positions, each on a single page",
    "packet-intro-briefing": "Our positions in full, with their sources",
    "packet-date": "Printed",
    "as-of": "Position as of",
    "review-due": "review was due",
    "contents": "Contents",
    "page": "Page",
}
SEPARATOR = "--"  # part anchors are "<topic id>--<name>"; topic ids are slugs, which never contain "--"
# How the cover is set, tried in turn until the contents fit: as designed; with less space around the title
# and between the lines; that and without the subtitles. The template adds `packet-<density>` to the body.
DENSITIES = ("normal", "tight", "compact")
TOPIC_STATE = "closed"  # the outline opens on the list of topics; each opens to its part's own bookmarks


class PacketError(TypesetError):
    """A packet that cannot be made (no parts, a cover that needs more than one page, a broken part)."""

    def __init__(self, problem: str):
        super().__init__([problem])


@dataclass(frozen=True)
class Entry:
    """One line of the packet's contents: a part, and the packet page it starts on (1 = the cover)."""

    topic: str
    title: str
    subtitle: str | None
    start: int
    pages: int
    as_of: date | None = None  # the position's date
    review_by: date | None = None  # when it was to be reviewed

    @property
    def anchor(self) -> str:
        """The name of the anchor at the top of the part's first page (what the contents links to)."""
        return start_anchor(self.topic)


def start_anchor(topic_id: str) -> str:
    """The anchor at the top of a part's first page; never of the form `<slug>--...` of a part's anchors."""
    return f"packet-part-{topic_id}"


def part_anchor(topic_id: str, name: str) -> str:
    """What a part's anchor (an element id of its own HTML) is called in the packet."""
    return f"{topic_id}{SEPARATOR}{name}"


def title(kind: str, layout: Layout) -> str:
    """The packet's title, for example "Leave-behinds" (the layout's label `packet-<kind>`)."""
    key = f"packet-{kind}"
    return layout.labels.get(key, DEFAULT_LABELS[key])


def contents(parts: list[tuple[Topic, object]], language: str = "en") -> list[Entry]:
    """The contents: each part's title, subtitle and first page in the packet (the cover is page 1)."""
    entries, start = [], 2
    for topic, document in parts:
        pages = len(document.pages)
        lang = topic.language or language
        subtitle = smart(topic.subtitle, lang) if topic.subtitle else None
        title = smart(topic.title, lang)
        entries.append(Entry(topic.id, title, subtitle, start, pages, topic.as_of, topic.review_by))
        start += pages
    return entries


def numbered(markup: str, start: int, total: int) -> str:
    """A part's HTML set to print the packet's page numbers: its first page is page `start` of `total`
    (the page counter set on the first page; the total through the folio's `--page-total`)."""
    counter = f"@page :first {{ counter-set: page {start}; }}"
    rule = f'<style>:root {{ --page-total: "{total}"; }} {counter}</style>'
    head = markup.rfind("</head>")
    return markup[:head] + rule + markup[head:] if head >= 0 else markup


def renumbered(parts: list, entries: list[Entry], markups: dict[str, tuple[str, str]], root: Path) -> list:
    """The parts of more than one page laid out again from their HTML (`markups`: topic id -> (stem, HTML))
    with the packet's page numbers, so that their folios and contents match the cover's; PacketError if a
    part's pages change in number."""
    total = 1 + sum(entry.pages for entry in entries)
    out = []
    for (topic, document), entry in zip(parts, entries, strict=True):
        if entry.pages > 1 and topic.id in markups:
            stem, markup = markups[topic.id]
            document = layout_html(numbered(markup, entry.start, total), root, stem, topic.id)
            if len(document.pages) != entry.pages:
                raise PacketError(
                    f"packet: the part '{topic.id}' has {len(document.pages)} pages with the packet's page "
                    f"numbers, {entry.pages} without"
                )
        out.append((topic, document))
    return out


def packet_date(parts: list[tuple[Topic, object]], build_date: date | None) -> date:
    """The date on the cover: the build date when given, else the newest `as_of` of the parts (never the
    clock)."""
    return build_date or max(topic.as_of for topic, _ in parts)


def stylesheets(layout: Layout) -> list[str]:
    """The cover's stylesheets, relative to the project root: each layer's css/*.css then css/packet/*.css,
    base first (listed, and checked, by `layout.resolve`)."""
    return list(layout.css["packet"])


def cover_html(
    kind: str,
    entries: list[Entry],
    org: Organization,
    layout: Layout,
    day: date,
    keywords: list[str],
    density: str = "normal",
    printed: bool = True,
) -> str:
    """The cover's HTML: branding, title, date and the contents, at a density of DENSITIES. `printed`: `day`
    is the build's date ("Printed ..."), not the newest position's; each entry gives its position's date and,
    past its review date, says so (a packet never calls a position current)."""
    language = org.defaults.language
    labels = layout.labels
    name = title(kind, layout)
    template = layout.env.get_template("packet.html.j2")
    contents_label = labels.get("contents", DEFAULT_LABELS["contents"])
    page_css = (
        page_rule(org.defaults.page_size) + "\n"
        f".packet-title h1 {{ bookmark-level: 1; bookmark-label: {css_string(contents_label)}; }}"
    )
    disclaimer = (
        Markup(to_html(org.disclaimer, lambda cluster: "", lambda src, alt: str(escape(alt)), language))
        if org.disclaimer
        else Markup("")
    )
    return render_template(
        template,
        dict(
            kind=kind,
            org=org,
            layout=layout,
            lang=language,
            labels=labels,
            entries=entries,
            density=density,
            title=name,
            kicker=org.name,
            date=day,
            printed=printed,
            month=lambda d: format_date(d, "MMMM y", locale=babel_locale(language.replace("-", "_"))),
            intro=labels.get(f"packet-intro-{kind}", DEFAULT_LABELS[f"packet-intro-{kind}"]),
            date_long=format_date(day, "long", locale=babel_locale(language.replace("-", "_"))),
            disclaimer=disclaimer,
            version=__version__,
            template_file=shown_path(template.filename, layout.root),
            fonts_css=Markup(font_face_css(layout)),
            tokens_css=Markup(token_css(layout)),
            page_css=Markup(page_css),
            stylesheets=stylesheets(layout),
            meta=dict(
                title=f"{org.name}: {name}",
                author=org.name,
                description="; ".join(e.title for e in entries),
                keywords=", ".join(keywords),
                created=day.isoformat(),
                modified=day.isoformat(),
            ),
        ),
    )


def keywords(parts: list[tuple[Topic, object]]) -> list[str]:
    """Every part's keywords, once each (first spelling kept), in the parts' order."""
    seen, out = set(), []
    for topic, _ in parts:
        for word in topic.keywords:
            word = word.replace(",", " ").strip()  # the HTML keywords meta is comma-separated
            if word and word.lower() not in seen:
                seen.add(word.lower())
                out.append(word)
    return out


def layout_cover(
    kind: str,
    entries: list[Entry],
    org: Organization,
    layout: Layout,
    root: Path,
    day: date,
    words: list[str],
    printed: bool = True,
):
    """The cover laid out on exactly one page, at the first of DENSITIES at which it fits; else PacketError.

    Fitting means one page, and, when the template marks them (ids `packet-contents-end` and `packet-foot`),
    the end of the contents above the foot, which is set at the bottom of the page and would overlap it."""
    for density in DENSITIES:
        markup = cover_html(kind, entries, org, layout, day, words, density, printed)
        document = layout_html(markup, root, f"{kind}-packet", "packets")
        problem = _overflow(document)
        if problem is None:
            return document, markup
    raise PacketError(
        f"{kind} packet: the cover's contents list {len(entries)} topics, which {problem} even without "
        "subtitles; the cover must be one page: make packets of fewer topics, or make the contents smaller "
        "in "
        f"the layout's css/packet/ styles"
    )


GAP = 12 * 96 / 72  # the least space (CSS px) between the end of the contents and the foot


def _overflow(document) -> str | None:
    """Why a laid-out cover does not fit its one page, or None."""
    if len(document.pages) != 1:
        return f"need {len(document.pages)} pages"
    anchors = document.pages[0].anchors
    end, foot = anchors.get("packet-contents-end"), anchors.get("packet-foot")
    if end is not None and foot is not None and end[1] > foot[1] - GAP:
        return f"run {(end[1] - foot[1] + GAP) / 96:.1f} in too long for the space above the foot of the page"
    return None


def _part_pages(topic: Topic, document, label: str) -> list:
    """Copies of a part's pages with its anchors and internal links renamed and its bookmarks one level down,
    under a level-1 bookmark (the topic's title) and a start anchor on its first page."""
    pages = []
    for number, page in enumerate(document.pages):
        new = copy.copy(
            page
        )  # the page box is shared; the part's own Page keeps its anchors, links, bookmarks
        new.anchors = {part_anchor(topic.id, name): where for name, where in page.anchors.items()}
        new.links = [
            (kind, part_anchor(topic.id, target) if kind == "internal" else target, rectangle, box)
            for kind, target, rectangle, box in page.links
        ]
        bookmarks = [(level + 1, text, point, state) for level, text, point, state in page.bookmarks]
        if number == 0:
            new.anchors = {start_anchor(topic.id): (0, 0, 0, 0), **new.anchors}
            if bookmarks and _same(bookmarks[0][1], label):
                bookmarks = bookmarks[1:]  # the part's own title: the topic's bookmark already says it
            bookmarks.insert(0, (1, label, (0, 0), TOPIC_STATE))
        new.bookmarks = bookmarks
        pages.append(new)
    return pages


def _same(a: str, b: str) -> bool:
    return re.sub(r"\s+", " ", a).strip() == re.sub(r"\s+", " ", b).strip()


def assemble(
    kind: str,
    parts: list[tuple[Topic, object]],
    org: Organization,
    layout: Layout,
    root: Path,
    build_date: date | None,
    markups: dict[str, tuple[str, str]] | None = None,
) -> weasyprint.Document:  # noqa: F821
    """One WeasyPrint document: a one-page cover, then every part's pages, in the order given.

    kind: "one-pager" or "briefing" (what the parts are; it names the packet, from the layout's labels).
    parts: (topic, laid-out document) pairs, for example the one-pagers as `fit()` left them or the briefings
        from `typeset.layout_html()`; topic ids must be distinct. Nothing in them is changed.
    org: the organization (branding, language, page size, disclaimer, PDF author).
    layout: the layout whose tokens, fonts, labels, `packet.html.j2` and `css/packet/` dress the cover; the
        base layout (`layout.resolve("base", ...)`), as packets are the organization's, not a topic's.
    root: the project root (the cover, like every document, may only read files under sources/ and layouts/).
    build_date: the date printed on the cover (SOURCE_DATE_EPOCH's); None for the newest `as_of` of the parts.
    markups: topic id -> (stem, HTML) of the parts: those of more than one page are laid out again so that
        their folios ("Page 9 of 38") and contents give packet page numbers, as the cover does.

    Write it with `typeset.write_pdf(document)`; `document.press_cover_html` is the cover's HTML (for writing
    beside the PDF, like every document's). Its pages: 1 + the parts' pages. Its outline: "Contents" (the
    cover), then per topic a level-1 entry with the part's own bookmarks beneath. Its metadata: the title
    "<organization>: <packet title>", the organization as author, the organization's language, every part's
    keywords. Raises PacketError (a TypesetError) when there is nothing to combine, a topic id repeats, a part
    links to an anchor it does not have, or the contents do not fit on the cover page; TypesetError when the
    cover cannot be laid out cleanly.
    """
    if kind not in KINDS:
        raise PacketError(f"unknown packet kind '{kind}'; known kinds: {', '.join(KINDS)}")
    if not parts:
        raise PacketError(f"{kind} packet: there are no documents to put in it")
    seen = set()
    for topic, document in parts:
        if topic.id in seen:
            raise PacketError(f"{kind} packet: topic '{topic.id}' is in it twice")
        seen.add(topic.id)
        if not document.pages:
            raise PacketError(f"{kind} packet: the {kind} of topic '{topic.id}' has no pages")
        for problem in missing_targets(document):
            raise PacketError(f"{kind} packet: the {kind} of topic '{topic.id}': {problem}")
    entries = contents(parts, org.defaults.language)
    if markups:
        parts = renumbered(parts, entries, markups, root)
    day = packet_date(parts, build_date)
    cover, markup = layout_cover(
        kind, entries, org, layout, root, day, keywords(parts), printed=build_date is not None
    )
    pages = list(cover.pages)
    for (topic, document), entry in zip(parts, entries, strict=False):
        pages += _part_pages(topic, document, entry.title)
    packet = cover.copy(pages)
    # The parts' font configurations own the temporary font files their pages draw with; a precaution: keep
    # them alive as long as the packet (letting go of the parts before writing was seen to work without it).
    packet.press_parts = [document for _, document in parts]
    packet.press_cover_html = markup  # to write beside the PDF, as the build does for every document
    return packet
