"""Step 5b, cite: format a document's citations, notes and bibliography with its CSL style."""

from __future__ import annotations

import html
import re
import warnings
from functools import lru_cache
from pathlib import Path

from pipeline.sources.references import Library
from pipeline.sources.text import Cluster

# A word joiner before a note mark: WeasyPrint may otherwise break a line between "pace." and its mark,
# leaving the mark alone at the start of the next line.
GLUE = "\u2060"


def tidy(markup: str, language: str, title: str | None = None) -> str:
    """Mend what citeproc-py gets wrong: a stray 'Edition' term, a title printed twice when it stands in for
    a missing author, and (in American English) commas and periods outside closing quotes."""
    markup = re.sub(r"[.,] Edition(?=[.,])", "", markup)
    if title and markup.count(title) > 1:
        urls = [m.span() for m in re.finditer(r"https?://\S+", markup)]
        outside = [
            m for m in re.finditer(re.escape(title), markup) if not any(a <= m.start() < b for a, b in urls)
        ]
        if len(outside) > 1:
            first = outside[0].end()
            second = re.compile(r"(?:“|<i>)?" + re.escape(title) + r"(?:”|</i>)?(?: \([^)]*\))?[.,]?\s?")
            markup = markup[:first] + second.sub("", markup[first:], count=1)
    if language.startswith("en-US") or language == "en":
        markup = re.sub(r"”([.,])", r"\1”", markup)
    return markup


# --- checking the citations in a topic ---------------------------------------------------------


# --- formatting --------------------------------------------------------------------------------


def _cache_macros() -> None:
    """citeproc-py looks every CSL macro up by XPath each time it is used (most of its run time here);
    the macros of a parsed style never change, so remember them (same results, about 3x faster)."""
    from citeproc import model

    original = model.CitationStylesElement.get_macro
    if getattr(original, "cached", False):
        return
    found: dict = {}

    def get_macro(self, name):
        key = (id(self.get_root()), name)  # styles are kept alive by _style's cache, so ids stay theirs
        if key not in found:
            found[key] = original(self, name)
        return found[key]

    get_macro.cached = True
    model.CitationStylesElement.get_macro = get_macro


@lru_cache(maxsize=8)
def _style(path: Path, locale: str):
    from citeproc import CitationStylesStyle

    _cache_macros()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(str(path), validate=False, locale=locale)


def _locale(language: str) -> str:
    from citeproc.frontend import LOCALES_PATH

    for candidate in (language, language.split("-")[0]):
        for name in (
            candidate,
            {"en": "en-US", "fr": "fr-FR", "de": "de-DE", "es": "es-ES"}.get(candidate, ""),
        ):
            if name and (Path(LOCALES_PATH) / f"locales-{name}.xml").is_file():
                return name
    return "en-US"


URL = re.compile(r"https?://[^\s<>\"]+")


def linkify(markup: str) -> str:
    """Wrap the URLs in formatted references in links, with line-break chances after slashes and dots."""

    def link(match: re.Match) -> str:
        url = match.group(0)
        trail = ""
        while url and (url[-1] in ".,;:" or (url[-1] == ")" and url.count(")") > url.count("("))):
            url, trail = url[:-1], url[-1] + trail
        raw = html.unescape(url)
        scheme, rest = raw.split("//", 1)
        pieces = re.split(r"(?<=[/.?&=_-])", rest)
        shown = "<wbr>".join(html.escape(piece, quote=False) for piece in pieces)
        return f'<a class="url" href="{html.escape(raw)}">{scheme}//{shown}</a>{trail}'

    return URL.sub(link, markup)


class Citer:
    """Formats the citations of one document in reading order: footnotes, endnotes, in-text, or numbered
    sources.

    Templates are rendered twice: the first pass formats every citation in reading order (so that numbers,
    short forms and disambiguation are right wherever a list of notes stands), the second replays them.
    """

    MODES = ("footnote", "endnote", "in-text", "numbered")

    def __init__(self, library: Library, style: Path, language: str, mode: str):
        from citeproc import CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        self.language = language
        self.items = library.items
        self.style = _style(style, _locale(language))
        self.is_note_style = self.style.root.get("class") == "note"
        if mode in ("footnote", "endnote") and not self.is_note_style:
            mode = "in-text"
        assert mode in self.MODES, mode
        self.mode = mode
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._bib = CitationStylesBibliography(
                self.style, CiteProcJSON(list(library.items.values())), formatter.html
            )
        self.order: list[str] = []  # keys in order of first use
        self.notes: list[str] = []  # formatted note texts (footnote and endnote modes)
        self._formatted: list[str] = []
        self._replay: int | None = None
        self._entries: list[tuple[str, str]] | None = None
        self.collecting = False  # set by a renderer for its first pass

    def cite(self, cluster: Cluster) -> str:
        """The HTML for one citation, in reading order."""
        if self._replay is not None:
            self._replay += 1
            return self._formatted[self._replay - 1]
        for item in cluster.items:
            if item.key not in self.order:
                self.order.append(item.key)
        if self.mode == "numbered":
            numbers = sorted({self.order.index(i.key) + 1 for i in cluster.items})
            out = f'{GLUE}<sup class="src">{",".join(str(n) for n in numbers)}</sup>'
        else:
            text = tidy(self._format(cluster), self.language)
            if self.mode == "in-text":
                out = f'<span class="cite">{text}</span>'
            else:
                self.notes.append(linkify(text))
                n = len(self.notes)
                out = GLUE + (
                    f'<span class="footnote">{self.notes[-1]}</span>'
                    if self.mode == "footnote"
                    else f'<a class="note-call" href="#note-{n}" id="call-{n}">{n}</a>'
                )
        self._formatted.append(out)
        return out

    def replay(self) -> None:
        """Start the second pass: the same citations, in the same order, give the same HTML."""
        self._replay = 0
        self.collecting = False

    def _format(self, cluster: Cluster) -> str:
        from citeproc import Citation, CitationItem
        from citeproc.source import Locator

        items = []
        for item in cluster.items:
            kwargs = {}
            if item.locator:
                kwargs["locator"] = Locator(item.label or "page", item.locator)
            if item.prefix:
                kwargs["prefix"] = html.escape(item.prefix, quote=False) + " "
            if item.suffix:
                kwargs["suffix"] = ", " + html.escape(item.suffix, quote=False)
            items.append(CitationItem(item.key, **kwargs))
        citation = Citation(items)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._bib.register(citation)
            return str(self._bib.cite(citation, lambda item: None))

    def bibliography(self) -> list[tuple[str, str]]:
        """(key, formatted entry) for every cited reference, sorted as the style says.
        Empty while collecting (a first pass whose output is thrown away); computed once after."""
        if self.collecting:
            return []
        if self._entries is None:
            self._entries = self._format_bibliography()
        return self._entries

    def _format_bibliography(self) -> list[tuple[str, str]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.mode == "numbered":
                self._bib.register(self._citation_of(self.order))
            self._bib.sort()
            keys = [str(item.key) for item in self._bib.items]
            entries = [
                linkify(tidy(str(entry), self.language, self.items.get(key, {}).get("title")))
                for key, entry in zip(keys, self._bib.bibliography(), strict=False)
            ]
        return list(zip(keys, entries, strict=False))

    def sources(self) -> list[tuple[int, str]]:
        """(number, formatted entry) in order of first use, for numbered source notes."""
        entries = dict(self.bibliography())
        return [(n, entries[key]) for n, key in enumerate(self.order, 1) if key in entries]

    @staticmethod
    def _citation_of(keys: list[str]):
        from citeproc import Citation, CitationItem

        return Citation([CitationItem(key) for key in keys])
