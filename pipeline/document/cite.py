"""Step 5b, cite: format a document's citations, notes and bibliography with its CSL style."""

from __future__ import annotations

import html
import re
import warnings
from functools import lru_cache
from pathlib import Path

from pipeline.document import mend
from pipeline.document.titles import short_title
from pipeline.document.urls import linkify
from pipeline.sources.references import Library
from pipeline.sources.text import Cluster

# A word joiner before a note mark: WeasyPrint may otherwise break a line between "pace." and its mark,
# leaving the mark alone at the start of the next line.
GLUE = "\u2060"


def tidy(markup: str, language: str) -> str:
    """Mend what citeproc-py leaves in its output (see mend for what it gets wrong inside): in American
    English, commas and periods go inside closing quotes (CSL's punctuation-in-quote), a quotation inside a
    quoted title takes single quotes, and a title ending in ? or ! takes no period after it."""
    markup = _inner_quotes(markup)
    if language.startswith("en-US") or language == "en":
        markup = re.sub(r"((?:’)?”)((?:</i>)?)([.,])", r"\3\1\2", markup)  # also after an italic title
    return re.sub(r"([?!])([’”]*)\.", r"\1\2", markup)


def _inner_quotes(markup: str) -> str:
    """“A “quoted” title” becomes “A ‘quoted’ title” (Chicago 6.11: single quotes within double)."""
    out, depth = [], 0
    for char in markup:
        if char == "“":
            depth += 1
            char = "‘" if depth == 2 else char
        elif char == "”" and depth:
            char = "’" if depth == 2 else char
            depth -= 1
        out.append(char)
    return "".join(out)


# --- checking the citations in a topic ---------------------------------------------------------


# --- formatting --------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _style(path: Path, locale: str):
    from citeproc import CitationStylesStyle

    mend.install()
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


def _with_short_title(item: dict) -> dict:
    """The item with a short title for notes: its own `title-short`, else one made from its title's head."""
    if "title-short" in item or "title" not in item:
        return item
    short = short_title(item["title"])
    return {**item, "title-short": short} if short != item["title"] else item


class Citer:
    """Formats the citations of one document in reading order: footnotes, endnotes, in-text, or numbered
    sources.

    Templates are rendered twice: the first pass formats every citation in reading order (so that numbers,
    short forms and disambiguation are right wherever a list of notes stands), the second replays them.
    """

    MODES = ("footnote", "endnote", "in-text", "numbered")

    def __init__(self, library: Library, style: Path, language: str, mode: str, marks: dict | None = None):
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
            self._source = CiteProcJSON([_with_short_title(item) for item in library.items.values()])
            self._bib = CitationStylesBibliography(self.style, self._source, formatter.html)
        self.order: list[str] = []  # keys in order of first use
        self.notes: list[str] = []  # formatted note texts (footnote and endnote modes)
        self._formatted: list[str] = []
        self._replay: int | None = None
        self._entries: list[tuple[str, str]] | None = None
        self.collecting = False  # set by a renderer for its first pass
        # For a web page (`marks`: the words read before a mark's number, {"note": ..., "source": ...}): every
        # mark is a link to its note or source, with an id that the note or source links back to.
        self.marks = marks
        self.calls: dict[int, list[str]] = {}  # numbered mode with marks: source number -> its marks' ids

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
            role = ' role="doc-noteref"' if self.marks is None else ""  # on the web each link is one
            out = f'{GLUE}<sup class="src"{role}>{",".join(self._source_mark(n) for n in numbers)}</sup>'
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
                    else f'<a class="note-call" href="#note-{n}" id="call-{n}"{self._hidden("note")}{n}</a>'
                )
        self._formatted.append(out)
        return out

    def _hidden(self, word: str) -> str:
        """The end of a mark's opening tag, with the word a listener hears before its number on a web page."""
        if self.marks is None:
            return ">"
        return f' role="doc-noteref"><span class="visually-hidden">{html.escape(self.marks[word])} </span>'

    def _source_mark(self, number: int) -> str:
        """A numbered source's mark: its number; on a web page, a link to the source that it links back to."""
        if self.marks is None:
            return str(number)
        calls = self.calls.setdefault(number, [])
        mark = f"cite-{number}-{len(calls) + 1}"
        calls.append(mark)
        return f'<a href="#source-{number}" id="{mark}"{self._hidden("source")}{number}</a>'

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
        """Entries from the cited references themselves, not from their first cites: citeproc-py would
        otherwise print a cite's locator ("415") where an entry gives the page range ("412–430")."""
        from citeproc import CitationStylesBibliography, formatter

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bib = CitationStylesBibliography(self.style, self._source, formatter.html)
            bib.register(self._citation_of(self.order))
            bib.sort()
            keys = [str(item.key) for item in bib.items]
            entries = [linkify(tidy(str(entry), self.language)) for entry in bib.bibliography()]
        return list(zip(keys, entries, strict=False))

    def sources(self) -> list[tuple[int, str]]:
        """(number, formatted entry) in order of first use, for numbered source notes."""
        entries = dict(self.bibliography())
        return [(n, entries[key]) for n, key in enumerate(self.order, 1) if key in entries]

    @staticmethod
    def _citation_of(keys: list[str]):
        from citeproc import Citation, CitationItem

        return Citation([CitationItem(key) for key in keys])
