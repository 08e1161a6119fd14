"""Step 5, render: a document's HTML from its topic, its layout's templates and its formatted citations."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from babel.dates import format_date
from markupsafe import Markup, escape

from pipeline import __version__
from pipeline.document.cite import Citer
from pipeline.document.page import FitSettings, page_rule
from pipeline.document.urls import url_links
from pipeline.sources.files import shown
from pipeline.sources.layouts import Fit, Layout, font_face_css, render_template, token_css
from pipeline.sources.model import Organization, Topic
from pipeline.sources.references import Library
from pipeline.sources.text import scan, smart, to_html


@dataclass
class Doc:
    """One document ready to typeset: its HTML and what the typeset step must check."""

    topic: str
    kind: str  # "briefing" or "one-pager"
    html: str
    stem: str  # out/<topic>/<stem>.pdf and .html
    page_size: str
    families: list[str] = field(default_factory=list)  # font families the layout declares
    blocks: list[str] = field(default_factory=list)
    pinned: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)
    limits: Fit | None = None  # how far a one-pager may step down (the layout's one_pager.fit)
    settings: FitSettings | None = None  # how this HTML sets a one-pager
    words: dict[str, int] = field(default_factory=dict)  # words per block, for fit reports
    band: dict | None = None  # what the personalization band holds (see render)
    again: Callable[[FitSettings], str] | None = field(default=None, repr=False, compare=False)

    def refit(self, settings: FitSettings) -> Doc:
        """The same document set with other fit settings: its template rendered again with them (the
        citations and Markdown already formatted are replayed, so this costs only the template)."""
        return replace(self, html=self.again(settings), settings=settings)


def blocks_for(kind: str, topic: Topic, layout: Layout) -> list[str]:
    """The block order: the topic's own, else its layout's."""
    own = topic.briefing.blocks if kind == "briefing" else topic.one_pager.blocks
    settings = layout.briefing if kind == "briefing" else layout.one_pager
    return list(own or settings.get("blocks", []))


class _Replay:
    """Markdown formatted once, in template order, and given back in the same order on later renders."""

    def __init__(self, format: Callable[[str, bool], str]):
        self.format, self.kept, self.recording, self.at = format, None, None, 0

    def __call__(self, text: str | None, block: bool = False) -> Markup:
        if not text:
            return Markup("")
        if self.kept is not None:
            self.at += 1
            return self.kept[self.at - 1]
        out = Markup(self.format(text, block))
        if self.recording is not None:
            self.recording.append(out)
        return out

    def record(self, render: Callable[[], str]) -> str:
        """Render once while keeping every Markdown result, for the renders after it to replay."""
        self.recording = []
        try:
            return render()
        finally:
            self.kept, self.recording = self.recording, None

    def rewind(self) -> None:
        self.at = 0


def render(
    kind: str,
    topic: Topic,
    org: Organization,
    layout: Layout,
    library: Library,
    style_path,
    build_date: date | None = None,
    drop: tuple[str, ...] = (),
    band: dict | None = None,
    fit: FitSettings | None = None,
    site: dict | None = None,
) -> Doc:
    """Render one document (briefing or one-pager) to HTML; citations are numbered in reading order.

    `band` fills the one-pager's personalization band: {"lines": [...], "qr": svg data URL, "alt": ...} for
    one office, or {"lines": []} to hold its space empty for `press personalize` to stamp. `fit` sets a
    one-pager (default: the layout's largest body size and normal spacing). `site` renders the document's
    web page instead (the template site/<kind>.html.j2): what it holds joins the templates' context, and its
    `asset` gives the URL of a project file (an image) from the page; notes become endnotes that link both
    ways, and a one-pager's source marks link to its sources."""
    language = topic.language or org.defaults.language
    topic = _typographic(topic, language)
    locale = language.replace("-", "_")
    settings = layout.briefing if kind == "briefing" else layout.one_pager
    blocks = [b for b in blocks_for(kind, topic, layout) if b not in drop]
    pinned = [b for b in settings.get("pinned", []) if b in blocks]
    notes = settings.get("notes", "footnotes")
    mode = "numbered" if kind == "one-pager" else ("footnote" if notes == "footnotes" else "endnote")
    marks = None
    if site is not None:
        mode = "numbered" if kind == "one-pager" else "endnote"
        marks = {"note": layout.labels.get("note", "Note"), "source": layout.labels.get("source", "Source")}
    citer = Citer(library, style_path, language, mode, marks)
    image = _image if site is None else _linked_image(site["asset"])
    limits = layout.fit
    fit = fit or FitSettings(limits.body_max)
    facts_at = topic.one_pager.facts or list(range(1, min(3, len(topic.key_facts)) + 1))
    page_size = org.defaults.page_size
    modified = build_date or topic.as_of
    markdown = _Replay(
        lambda text, block: url_links(
            to_html(text, citer.cite, image, language, block=block, in_text=citer.mode == "in-text")
        )
    )

    template = layout.env.get_template(f"site/{kind}.html.j2" if site is not None else f"{kind}.html.j2")
    sections = [
        Section(s.heading, s.body, s.id or _anchor(s.heading, i)) for i, s in enumerate(topic.sections, 1)
    ]
    context = dict(
        kind=kind,
        topic=topic,
        org=org,
        layout=layout,
        lang=language,
        blocks=blocks,
        pinned=pinned,
        labels=layout.labels,
        sections=sections,
        halves=_halves,
        toc=_toc(blocks, topic, sections, layout.labels, citer.mode, language),
        template_file=shown_path(template.filename, layout.root),
        md=lambda text: markdown(text),
        md_block=lambda text: markdown(text, block=True),
        keep=keep_last,
        facts=[topic.key_facts[i - 1] for i in facts_at if i <= len(topic.key_facts)],
        short_questions=[q for q in topic.questions if q.short],
        date_long=format_date(topic.as_of, "long", locale=babel_locale(locale)),
        date_month=format_date(topic.as_of, "MMMM y", locale=babel_locale(locale)),
        band=band,
        citer=citer,
        fonts_css=Markup(font_face_css(layout)),
        tokens_css=Markup(token_css(layout)),
        page_css=Markup(page_rule(page_size) + "\n" + _strings_css(kind, topic, org, layout.labels)),
        fit_style=Markup(fit.style(page_size)),
        stylesheets=layout.css[kind],
        version=__version__,
        meta=dict(
            title=(f"{layout.labels.get('draft', 'Draft').upper()}: " if topic.status == "draft" else "")
            + (f"{topic.title}: {topic.subtitle}" if topic.subtitle else topic.title),
            author=", ".join(a.name for a in topic.authors) + f" ({org.name})",
            description=_plain(topic.summary),
            keywords=", ".join(topic.keywords + (["draft"] if topic.status == "draft" else [])),
            created=topic.as_of.isoformat(),
            modified=modified.isoformat(),
        ),
    )
    context.update(site or {})
    citer.collecting = True
    render_template(template, context)  # first pass: every citation formatted in reading order
    citer.replay()
    markup = markdown.record(lambda: render_template(template, context))

    def again(other: FitSettings) -> str:
        markdown.rewind()
        return render_template(template, dict(context, fit_style=Markup(other.style(page_size))))

    return Doc(
        topic=topic.id,
        kind=kind,
        html=markup,
        stem=f"{topic.id}-{kind}",
        page_size=page_size,
        families=sorted({face.family for face, _ in layout.fonts}),
        blocks=blocks,
        pinned=pinned,
        optional=[b for b in limits.optional if b in blocks],
        limits=limits,
        settings=fit,
        words=_words_per_block(markup),
        band=band,
        again=again,
    )


def keep_last(text: str) -> Markup:
    """A title or heading whose last two words cannot part (a span that does not wrap), so that no word stands
    alone on its last line (typography.lone-word); its text, bookmark and extracted words stay as written."""
    head, space, tail = text.rstrip().rpartition(" ")
    if not space or not head.strip():
        return escape(text)
    before, gap, last = head.rpartition(" ")
    return Markup('{}{}<span class="keep">{} {}</span>').format(before, gap, last, tail)


def _typographic(topic: Topic, language: str) -> Topic:
    """The topic with typographic quotes and dashes in its plain-text fields (Markdown fields get them
    anyway)."""

    def t(text):
        return smart(text, language) if text else text

    asks = [
        a.model_copy(
            update={"bill": a.bill.model_copy(update={"title": t(a.bill.title), "status": t(a.bill.status)})}
        )
        if a.bill
        else a
        for a in topic.asks
    ]
    return topic.model_copy(
        update={
            "title": t(topic.title),
            "subtitle": t(topic.subtitle),
            "asks": asks,
            "sections": [s.model_copy(update={"heading": t(s.heading)}) for s in topic.sections],
            "questions": [q.model_copy(update={"q": t(q.q)}) for q in topic.questions],
            "authors": [a.model_copy(update={"role": t(a.role)}) for a in topic.authors],
        }
    )


@dataclass(frozen=True)
class Section:
    """A section as templates see it: with the anchor the table of contents links to."""

    heading: str
    body: str
    anchor: str


def _anchor(heading: str, number: int) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
    return f"s{number}-{words[:40].rstrip('-')}"


def _toc(
    blocks: list[str], topic: Topic, sections: list[Section], labels: dict, mode: str, language: str
) -> list[dict]:
    """Entries for the table of contents: what follows the contents block, with the ids it links to (the
    bibliography only when the briefing cites something: a topic without citations has none)."""
    if "contents" not in blocks:
        return []
    entries = []
    for name in blocks[blocks.index("contents") + 1 :]:
        if name == "sections":
            entries += [dict(id=s.anchor, text=s.heading, level=1) for s in sections]
        elif name == "questions" and topic.questions:
            entries.append(dict(id="questions", text=labels.get("questions", "Questions"), level=1))
        elif (
            (name == "facts" and topic.key_facts)
            or (name == "bibliography" and _cites(topic, language))
            or (name == "notes" and mode == "endnote")
        ):
            entries.append(dict(id=name, text=labels.get(name, name.title()), level=1))
    return entries


def _cites(topic: Topic, language: str) -> bool:
    """Whether the briefing cites anything (the one-pager's own points and short answers left out)."""
    briefing = [text for path, text in topic.texts() if path[0] != "one_pager" and path[-1] != "short"]
    return any(scan(text, language).clusters for text in briefing)


def _halves(notes: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split numbered notes into two runs of about equal text length, for two columns."""
    total = sum(len(text) for _, text in notes)
    running, cut = 0, len(notes)
    for i, (_, text) in enumerate(notes):
        if running + len(text) / 2 > total / 2:
            cut = i
            break
        running += len(text)
    return [notes[:cut], notes[cut:]]


def css_string(text: str) -> str:
    """A CSS string literal that nothing in `text` can break out of (every unusual character escaped)."""
    return '"' + "".join(c if c.isalnum() or c in " .,-" else f"\\{ord(c):x} " for c in text) + '"'


def _strings_css(kind: str, topic: Topic, org: Organization, labels: dict) -> str:
    strings = {
        "running-topic": topic.title,
        "running-org": org.name,
        "running-kind": labels.get(kind, kind),
        "label-page": labels.get("page", "Page"),
        "label-of": labels.get("of", "of"),
    }
    lines = [f"  --{k}: {css_string(v)};" for k, v in strings.items()]
    # the page total a folio prints: the document's own, unless a packet sets the packet's (packet.numbered)
    lines.append("  --page-total: counter(pages);")
    return ":root {\n" + "\n".join(lines) + "\n}"


def shown_path(filename: str | None, root) -> str:
    """A template file as the HTML names it: relative to the project (layouts/base/... for a shipped one)."""
    if not filename:
        return str(filename)
    return str(shown(Path(filename).resolve(), Path(root).resolve()))


def _image(src: str, alt: str) -> str:
    return f'<img src="sources/{html.escape(src)}" alt="{html.escape(alt)}">'


def _linked_image(asset: Callable[[str], str]) -> Callable[[str, str], str]:
    """A Markdown image on a web page: its URL from the page, as `asset` gives it."""
    return lambda src, alt: f'<img src="{html.escape(asset("sources/" + src))}" alt="{html.escape(alt)}">'


def babel_locale(locale: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale)
        return locale
    except (UnknownLocaleError, ValueError):
        return locale.split("_")[0]


def _plain(text: str) -> str:
    """Markdown as plain text, for metadata: marks and citations removed."""
    text = re.sub(r"\[[^\[\]]*@[^\[\]]*\]", "", text)
    text = re.sub(r"[*_`]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _words_per_block(markup: str) -> dict[str, int]:
    words = {}
    for match in re.finditer(r'data-block="([a-z0-9-]+)"(.*?)id="end-\1"', markup, re.S):
        text = re.sub(r"<[^>]+>", " ", match.group(2))
        words[match.group(1)] = len(html.unescape(text).split())
    return words
