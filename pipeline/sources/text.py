"""Inline Markdown with Pandoc citations: parsed for checks, HTML for rendering (raw HTML never passes)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_inline.link import link as link_rule
from markdown_it.token import Token

# A citation key as Pandoc reads it: starts with a letter, digit or _, may hold internal punctuation.
KEY = r"[A-Za-z0-9_](?:[\w:.#$%&+?<>~/-]*[\w])?"
PART = re.compile(rf"^\s*(?P<prefix>[^@]*?)\s*(?<![\w.])@(?P<key>{KEY})(?P<rest>.*)$", re.S)
CLUSTER = re.compile(r"\[(?P<body>[^\[\]]*(?<![\w.])@[^\[\]]*)\](?!\()")
BEFORE_PAREN = re.compile(
    CLUSTER.pattern.removesuffix(r"(?!\()") + r"(?=\()"
)  # [@a](https://...) or [@a](p. 3)

# Locator labels Pandoc and CSL understand; the value is the CSL locator term.
LABELS = {
    "p.": "page",
    "pp.": "page",
    "page": "page",
    "pages": "page",
    "ch.": "chapter",
    "chap.": "chapter",
    "chapter": "chapter",
    "chapters": "chapter",
    "sec.": "section",
    "section": "section",
    "§": "section",
    "§§": "section",
    "para.": "paragraph",
    "paragraph": "paragraph",
    "¶": "paragraph",
    "fig.": "figure",
    "figure": "figure",
    "vol.": "volume",
    "volume": "volume",
    "n.": "note",
    "note": "note",
    "l.": "line",
    "line": "line",
    "pt.": "part",
    "part": "part",
}
LOCATOR = re.compile(r"^(?P<label>[^\d\s]+)?\s*(?P<value>[\divxlcdmIVXLCDM][\w\u2013,\- ]*)$")

QUOTES = {
    "en": "“”‘’",
    "fr": ["«\u202f", "\u202f»", "‹\u202f", "\u202f›"],
    "de": "„“‚‘",
    "es": "«»“”",
    "ar": "«»‹›",
}


@dataclass(frozen=True)
class CiteItem:
    """One reference inside a citation: `see @key, p. 12`."""

    key: str
    label: str | None = None  # CSL locator term, e.g. "page"
    locator: str | None = None
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Cluster:
    """A bracketed citation `[@a; @b, p. 3]` as written in the source."""

    raw: str
    items: tuple[CiteItem, ...]


def parse_cluster(raw: str) -> Cluster | None:
    """Read `[...]` as a citation; None when it is not one (no `@key` parts)."""
    match = CLUSTER.fullmatch(raw)
    if not match:
        return None
    items = []
    for part in match["body"].split(";"):
        found = PART.match(part)
        if not found:
            return None
        label, locator, suffix = _locator(found["rest"])
        items.append(CiteItem(found["key"], label, locator, found["prefix"].strip(), suffix))
    return Cluster(raw, tuple(items))


def _locator(rest: str) -> tuple[str | None, str | None, str]:
    rest = rest.strip()
    if not rest.startswith(","):
        return None, None, rest
    text = rest[1:].strip()
    found = LOCATOR.match(text)
    if found:
        label = (found["label"] or "").strip().lower()
        if not label:
            return "page", found["value"].strip(), ""
        if label in LABELS:
            return LABELS[label], found["value"].strip(), ""
    return None, None, text


@dataclass
class Findings:
    """What a Markdown text refers to: citations, images and links, each with its raw text."""

    clusters: list[Cluster] = field(default_factory=list)
    in_images: list[Cluster] = field(
        default_factory=list
    )  # in an image's description: plain text, never drawn
    images: list[tuple[str, str]] = field(default_factory=list)  # (src, alt)
    links: list[str] = field(default_factory=list)
    too_deep: list[int] = field(default_factory=list)  # lines (0-based) of lists or quotes past MAX_NESTING


def _citation_rule(state, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    match = CLUSTER.match(state.src, state.pos) or _unlinked(state)
    if not match or parse_cluster(match.group(0)) is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"cluster": parse_cluster(match.group(0))}
    state.pos = match.end()
    return True


def _unlinked(state):
    """A citation right before '(' where no link starts (`[@a](p. 3)`); `[@a](https://...)` is a link."""
    match = BEFORE_PAREN.match(state.src, state.pos)
    if match is None:
        return None
    start = state.pos
    try:
        return None if link_rule(state, True) else match
    finally:
        state.pos = start


def make_markdown(language: str = "en") -> MarkdownIt:
    """A CommonMark parser without raw HTML or headings, with smart quotes for the language and citations."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.options["quotes"] = QUOTES.get(language.split("-")[0], QUOTES["en"])
    md.enable(["replacements", "smartquotes"])
    md.disable(["heading", "lheading", "code", "fence", "html_block", "html_inline", "hr", "reference"])
    md.validateLink = lambda url: True  # every link and image is checked by us, with a located message
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("image", _render_image)
    return md


_PARSERS: dict[str, MarkdownIt] = {}
_SMART: dict[str, MarkdownIt] = {}


def smart(text: str, language: str = "en") -> str:
    """Plain text with typographic quotes, apostrophes and dashes (no other Markdown is read)."""
    key = language.split("-")[0]
    if key not in _SMART:
        md = MarkdownIt("zero", {"typographer": True})
        md.options["quotes"] = QUOTES.get(key, QUOTES["en"])
        _SMART[key] = md.enable(["replacements", "smartquotes"])
    return html.unescape(_SMART[key].renderInline(text))


def parser(language: str = "en") -> MarkdownIt:
    """A cached parser per language."""
    key = language.split("-")[0]
    if key not in _PARSERS:
        _PARSERS[key] = make_markdown(key)
    return _PARSERS[key]


def scan(text: str, language: str = "en") -> Findings:
    """The citations, images and links in a Markdown text, in order."""
    found = Findings()

    def walk(tokens: list[Token], in_image: bool = False) -> None:
        for token in tokens:
            if token.type == "citation":
                (found.in_images if in_image else found.clusters).append(token.meta["cluster"])
            elif token.type == "image":
                found.images.append((unquote(token.attrGet("src") or ""), token.content))
            elif token.type == "link_open":
                found.links.append(token.attrGet("href") or "")
            if token.children:
                walk(token.children, in_image or token.type == "image")

    tokens = parser(language).parse(text)
    walk(tokens)
    found.too_deep = _too_deep(tokens)
    return found


MAX_NESTING = 4  # lists (and quotes) inside each other; Markdown's parser silently drops what is past ~10
CONTAINERS = ("bullet_list_open", "ordered_list_open", "blockquote_open")


def _too_deep(tokens: list[Token]) -> list[int]:
    """The first line of each list or quote that opens more than MAX_NESTING levels deep."""
    depth, lines = 0, []
    for token in tokens:
        if token.type in CONTAINERS:
            depth += 1
            if depth == MAX_NESTING + 1 and token.map:
                lines.append(token.map[0])
        elif token.type.replace("_close", "_open") in CONTAINERS:
            depth -= 1
    return lines


def to_html(
    text: str,
    cite: Callable[[Cluster], str],
    image: Callable[[str, str], str],
    language: str = "en",
    block: bool = False,
    in_text: bool = False,
) -> str:
    """HTML for a Markdown text; citations and images are drawn by the given callbacks.

    Like Pandoc, citations move to suit the style: notes and source marks go after the punctuation
    next to them, in-text citations ("(Author, 2021)") before it, wherever the writer put them."""
    md = parser(language)
    env = {"cite": cite, "image": image}
    tokens = md.parse(text, env) if block else md.parseInline(text.strip(), env)
    for token in tokens:
        if token.children:
            _place_citations(token.children, in_text)
    return md.renderer.render(tokens, md.options, env)


PUNCTUATION = ".,;:!?"


def _place_citations(children: list[Token], in_text: bool) -> None:
    """Move sentence punctuation across citations: before notes, after in-text citations."""
    i = 0
    while i < len(children):
        token = children[i]
        i += 1
        if token.type != "citation":
            continue
        k = i - 1
        before = children[k - 1] if k > 0 and children[k - 1].type == "text" else None
        after = children[k + 1] if k + 1 < len(children) and children[k + 1].type == "text" else None
        if in_text and before is not None and before.content[-1:] and before.content[-1] in PUNCTUATION:
            mark = before.content[-1]
            before.content = before.content[:-1].rstrip() + " "
            if after is None:
                after = Token("text", "", 0)
                children.insert(k + 1, after)
            after.content = mark + after.content
        elif in_text and before is not None and not before.content.endswith(" "):
            before.content += " "
        elif in_text and before is None:  # a citation on its own (a key fact's cite) follows other text
            children.insert(k, Token("text", "", 0, content=" "))
            i += 1
        elif not in_text and after is not None and after.content[:1] and after.content[0] in PUNCTUATION:
            mark, after.content = after.content[0], after.content[1:]
            if before is not None:
                before.content = before.content.rstrip() + mark
            else:
                children.insert(k, Token("text", "", 0, content=mark))
                i += 1


def _render_citation(self, tokens, idx, options, env):
    return env["cite"](tokens[idx].meta["cluster"])


def _render_image(self, tokens, idx, options, env):
    alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
    return env["image"](unquote(tokens[idx].attrGet("src") or ""), alt)
