"""The CSL vocabulary (item types and variables, read from citeproc-py's schema) and BibTeX entries turned into CSL items."""
from __future__ import annotations

import re
from pathlib import Path

import citeproc

from pipeline.errors import Report
from pipeline.sources.load import read_text

_SCHEMA = Path(citeproc.__file__).parent / "data" / "schema" / "schemas" / "styles"


def _names(file: str, start: str = "") -> set[str]:
    text = (_SCHEMA / file).read_text(encoding="utf-8")
    if start:
        text = text[text.index(start):]
        text = text[: re.search(r"\n\s*\n|}", text).start()]
    return set(re.findall(r'"([A-Za-z][A-Za-z_-]*)"', text))


CSL_TYPES = _names("csl-types.rnc", "item-types =")
CSL_VARIABLES = _names("csl-variables.rnc")
DATE_VARIABLES = {"accessed", "available-date", "event-date", "issued", "original-date", "submitted"}
NAME_VARIABLES = _names("csl-variables.rnc", "variables.names =") - {"variables"}

BIBTEX_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference", "conference": "paper-conference",
    "manual": "report", "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "unpublished": "manuscript", "misc": "document",
    "online": "webpage", "electronic": "webpage", "www": "webpage", "legislation": "legislation",
    "law": "legislation", "jurisdiction": "legal_case", "newspaper": "article-newspaper",
}
BIBTEX_FIELDS = {
    "title": "title", "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "publisher": "publisher", "institution": "publisher",
    "organization": "publisher", "school": "publisher", "address": "publisher-place",
    "location": "publisher-place", "url": "URL", "doi": "DOI", "isbn": "ISBN", "issn": "ISSN",
    "number": "number", "volume": "volume", "pages": "page", "note": "note", "type": "genre",
    "edition": "edition", "series": "collection-title", "chapter": "chapter-number",
    "abstract": "abstract", "howpublished": "medium", "language": "language", "shorttitle": "title-short",
}
BIBTEX_IGNORED = {"keywords", "file", "langid", "timestamp", "owner", "month", "year", "day", "date",
                  "author", "editor", "urldate"}
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def bibtex_items(path: Path, shown: str, report: Report) -> list[tuple[str, dict, tuple]]:
    """(key, CSL item, where) for every entry of a BibTeX file; problems go to `report`."""
    import bibtexparser

    text = read_text(path, shown, report)
    if text is None:
        return []
    library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        line = (getattr(block, "start_line", 0) or 0) + 1
        reason = str(getattr(block, "error", "") or "").strip()
        reason = reason or "a brace is not closed or a comma is missing"
        report.error((shown, line, 1), f"BibTeX entry cannot be read: {reason}", "citation.bibtex")
    out = []
    for entry in library.entries:
        where = (shown, entry.start_line + 1, 1)
        item = _entry(entry, where, report)
        if item:
            out.append((entry.key, item, where))
    return out


def _entry(entry, where: tuple, report: Report) -> dict | None:
    from pipeline.document.cite import _normalize

    kind = BIBTEX_TYPES.get(entry.entry_type.lower())
    if kind is None:
        report.error(where, f"unknown BibTeX entry type '@{entry.entry_type}'", "citation.bibtex")
        return None
    raw = {f.key.lower(): str(f.value) for f in entry.fields}
    fields = {key: _strip(value, latex=key not in ("url", "doi")) for key, value in raw.items()}
    item: dict = {"id": entry.key, "type": kind}
    for key, value in fields.items():
        if key in BIBTEX_FIELDS:
            item[BIBTEX_FIELDS[key]] = value
        elif key not in BIBTEX_IGNORED:
            report.warning(where, f"BibTeX field '{key}' of '{entry.key}' is not used", "citation.bibtex")
    for role in ("author", "editor"):
        if role in raw:
            item[role] = [_name(n) for n in _split_names(raw[role]) if n.strip()]
    issued = _issued(fields)
    if issued:
        item["issued"] = issued
    if "urldate" in fields and re.fullmatch(r"\d{4}-\d{2}-\d{2}", fields["urldate"]):
        item["accessed"] = fields["urldate"]
    if "title" not in item:
        report.error(where, f"BibTeX entry '{entry.key}' has no title", "citation.bibtex")
        return None
    if "URL" in item and not re.match(r"^https?://\S+$", item["URL"]):
        report.error(where, f"url of '{entry.key}' must start with https://", "citation.bibtex")
        return None
    return _normalize(item)


def _strip(value: str, latex: bool = True) -> str:
    """Plain text from a BibTeX value: LaTeX accents, commands and dashes decoded (not in URLs), braces dropped."""
    from pylatexenc.latex2text import LatexNodes2Text

    if latex:  # a bare & or % is text to a BibTeX author, not LaTeX syntax
        value = re.sub(r"(?<!\\)([&%])", r"\\\1", value)
    text = LatexNodes2Text(math_mode="verbatim").latex_to_text(value) if latex else value
    return re.sub(r"\s+", " ", text.replace("{", "").replace("}", "")).strip()


def _split_names(value: str) -> list[str]:
    """Split 'A and B' at the top level only: braces keep '{Bill and Melinda Gates Foundation}' one name."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start:match.start()])
            start = match.end()
    return names + [value[start:]]


def _name(raw: str) -> dict:
    raw = raw.strip()
    if raw.startswith("{") or " " not in raw and "," not in raw:
        return {"literal": _strip(raw)}
    if "," in raw:
        family, given = raw.split(",", 1)
        return {"family": _strip(family), "given": _strip(given)}
    given, family = raw.rsplit(" ", 1)
    return {"family": _strip(family), "given": _strip(given)}


def _issued(fields: dict) -> str | None:
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", fields.get("date", "")):
        return fields["date"]
    year = fields.get("year", "")
    if not re.fullmatch(r"\d{4}", year):
        return None
    month = MONTHS.get(fields.get("month", "")[:3].lower()) or (
        int(fields["month"]) if fields.get("month", "").isdigit() else None)
    day = fields.get("day", "")
    if month and day.isdigit():
        return f"{year}-{month:02d}-{int(day):02d}"
    return f"{year}-{month:02d}" if month else year
