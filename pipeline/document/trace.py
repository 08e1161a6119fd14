"""Typeset problems traced to the line that causes them (stylesheet, SVG, template, layout, topic field)."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from pipeline import KINDS
from pipeline.document import assets
from pipeline.document.glyphs import quoted
from pipeline.document.problem import Problem
from pipeline.errors import Report
from pipeline.sources.files import layout_files, locate, shown
from pipeline.sources.layouts import token_where
from pipeline.sources.load import Source, line_col

CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<ref>.*?)(?P=q)\s*\)""", re.S)
CSS_IMPORT = re.compile(r"""@import\s+(?P<q>['"])(?P<ref>.*?)(?P=q)""")
MARKUP_REF = re.compile(r"""(?<![\w-])(?:xlink:href|href|src)\s*=\s*(?P<q>['"])(?P<ref>.*?)(?P=q)""", re.S)
ENTITY_REF = re.compile(r"""\bSYSTEM\s+(?P<q>['"])(?P<ref>.*?)(?P=q)""")
MD_IMAGE = re.compile(r"""!\[[^\]]*\]\(\s*<?(?P<ref>[^)\s>]+)""")
FILE_KEY = re.compile(r"""(?<![\w-])file:\s*(?P<q>['"]?)(?P<ref>[^\s'",}]+)(?P=q)""")
FAMILY = re.compile(r"""(?<![\w-])font(?P<family>-family)?\s*:\s*(?P<value>[^;{}]+)""")
SIZE = re.compile(
    r"(?:^|\s)(?:[\d.]+(?:[a-z]+|%)|(?:xx?-)?(?:small|large)|medium|smaller|larger)(?:\s*/\s*\S+)?\s+(?P<rest>.+)$"
)
VAR = re.compile(r"var\(\s*--(?P<name>[\w-]+)")
KEYWORDS = {"inherit", "initial", "unset", "revert", "revert-layer"}
REFERENCES = {  # what refers to a file in each kind of text, and what a relative reference starts from
    "topic": (MD_IMAGE,),
    "organization": (MD_IMAGE, FILE_KEY),
    "layout": (FILE_KEY,),
    "css": (CSS_URL, CSS_IMPORT),
    "template": (MARKUP_REF, CSS_URL, CSS_IMPORT),
    "svg": (MARKUP_REF, CSS_URL, CSS_IMPORT, ENTITY_REF),
}


@dataclass(frozen=True)
class Text:
    """One file that can cause a typeset problem: how it is shown, what it is, and its text."""

    shown: str  # as messages name it (a shipped base file with its note)
    role: str  # a key of REFERENCES, or "references" (searched only for characters)
    text: str
    base: str  # the URL its relative references start from
    rel: str = ""  # its project path, as the layout lists its stylesheets


class Scope:
    """What one document is made from, searched in the order a writer would look."""

    def __init__(self, root: Path, kind: str, source: Source, org: Source | None, layout):
        self.root, self.kind, self.layout = Path(root).resolve(), kind, layout
        self.source, self.org = source, org

    def _text(self, rel: str, role: str, base: str | None = None) -> Text | None:
        """A file by its project path (a shipped base file where the project has no copy), shown as messages
        name it; its relative references start from its project path, as WeasyPrint's do."""
        path = locate(self.root, rel)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return Text(shown(path, self.root), role, text, base or (self.root / rel).as_uri(), rel)

    def _files(self, pattern: str, folders: list[str]) -> list[str]:
        found = []
        for folder in folders:
            if folder.startswith("layouts/"):
                found += layout_files(self.root, folder.split("/")[1], pattern, Report())
            else:
                found += [p.relative_to(self.root).as_posix() for p in (self.root / folder).glob(pattern)]
        return sorted(found)

    @functools.cached_property
    def texts(self) -> list[Text]:
        sources = (self.root / "sources").as_uri() + "/"
        found = [Text(self.source.path, "topic", self.source.text, sources)]
        if self.org is not None:
            found.append(Text(self.org.path, "organization", self.org.text, sources))
        layers = [f"layouts/{layer}" for layer in self.layout.chain]
        others = [k for k in KINDS if k != self.kind]
        mine = self.layout.css.get(self.kind, [])
        css = mine + [f for f in self._files("**/*.css", layers) if f not in mine]
        templates = [
            f
            for f in self._files("templates/**/*.j2", layers)
            if not any(f"/blocks/{k}/" in f or f.endswith(f"/{k}.html.j2") for k in others)
        ]
        for rel in self._files("references/*", ["sources"]):
            found.append(self._text(rel, "references"))
        for layer, spec in self.layout.layers:  # base may be two: a project's layout.yaml, the shipped one
            if spec.source is not None:
                folder = (self.root / "layouts" / layer).as_uri() + "/"
                found.append(Text(spec.source.path, "layout", spec.source.text, folder))
        found += [self._text(rel, "css") for rel in css]
        found += [self._text(rel, "template", self.root.as_uri() + "/") for rel in templates]
        found += [self._text(rel, "svg") for rel in self._files("**/*.svg", ["sources"] + layers)]
        return [t for t in found if t is not None]

    def default(self) -> tuple[str, int, int]:
        return self.source.where()


def report_problems(problems: list, project, source: Source, layout, kind: str, report: Report) -> None:
    """Each typeset problem as an error at the line that causes it (the topic's first line when no source
    line can be named)."""
    scope = Scope(project.root, kind, source, project.org_source, layout)
    for problem in problems:
        if not isinstance(problem, Problem):
            problem = Problem(str(problem))
        for where, message in _placed(problem, scope):
            report.error(where, f"{kind}: {message}", problem.code)


def _placed(problem: Problem, scope: Scope) -> list[tuple[tuple, str]]:
    if problem.where:
        return [(problem.where, problem)]
    if problem.url:
        return [(reference(problem.url, scope) or scope.default(), problem)]
    if problem.char:
        return [(character(problem.char, scope) or scope.default(), problem)]
    if problem.family:
        return [damaged_font(problem, scope)]
    if problem.fonts:
        return undeclared_families(problem.fonts, scope) or [(scope.default(), problem)]
    if problem.css:
        where = stylesheet(problem.css, scope)
        message = re.sub(r" at \d+:\d+", "", problem) if where else problem
        return [(where or scope.default(), message)]
    return [(scope.default(), problem)]


def damaged_font(problem: Problem, scope: Scope) -> tuple[tuple, str]:
    """The file of a family WeasyPrint could not load that fontTools cannot read either, at its file: in
    layout.yaml (the family's first file when each of them reads)."""
    files = [rel for face, rel in scope.layout.fonts if face.family == problem.family]
    broken = [rel for rel in files if not assets.cmap(str(locate(scope.root, rel)))]
    rel = (broken or files or [""])[0]
    where = reference((scope.root / rel).as_uri(), scope) if rel else None
    if where and broken:
        return where, f"font file '{rel}' (family '{problem.family}') is damaged: WeasyPrint cannot load it"
    return where or scope.default(), problem


def _normal(url: str) -> str:
    url = urldefrag(url)[0]
    parts = urlsplit(url)
    if parts.scheme == "file":
        return "file:" + posixpath.normpath(unquote(parts.path))
    return url


def reference(url: str, scope: Scope) -> tuple[str, int, int] | None:
    """Where a file or address is referred to: an image in the topic, a url() in a stylesheet, an href in a
    template or SVG file, a font's file in layout.yaml."""
    target = _normal(url)
    for text in scope.texts:
        for pattern in REFERENCES.get(text.role, ()):
            for found in pattern.finditer(text.text):
                ref = found["ref"].strip()
                if ref and "{" not in ref and _normal(urljoin(text.base, ref)) == target:
                    return (text.shown, *line_col(text.text, found.start("ref")))
    return None


def character(char: str, scope: Scope) -> tuple[str, int, int] | None:
    """Where a character is first written (in either case, for text-transform), in the topic first."""
    variants = {v for v in (char, char.upper(), char.lower()) if len(v) == 1}
    for text in scope.texts:
        places = [i for i in (text.text.find(v) for v in variants) if i >= 0]
        if places:
            return (text.shown, *line_col(text.text, min(places)))
    return None


def stylesheet(css: tuple, scope: Scope) -> tuple[str, int, int] | None:
    """The layout stylesheet WeasyPrint was reading when it complained (each is read again, alone, to see
    which one says the same), or the template whose style= or <style> holds the declaration quoted."""
    from weasyprint import CSS
    from weasyprint.urls import FatalURLFetchingError

    from pipeline.document.typeset import ProjectFetcher, weasyprint_log

    line, col, words = css
    for text in scope.texts:
        if text.role != "css" or text.rel not in scope.layout.css.get(scope.kind, []):
            continue
        with weasyprint_log() as messages:
            try:
                CSS(string=text.text, base_url=text.base, url_fetcher=ProjectFetcher(scope.root))
            except FatalURLFetchingError:
                continue
        if any(m.css and m.css[2] == words for m in messages):
            return (text.shown, line, col)
    quoted = re.search(r"`([^`]+)`", words)
    for text in scope.texts:
        if quoted and text.role == "template" and quoted[1] in text.text:
            return (text.shown, *line_col(text.text, text.text.index(quoted[1])))
    return None


def undeclared_families(fonts: tuple[str, ...], scope: Scope) -> list[tuple[tuple, str]]:
    """Each font-family (or font) declaration of the document's stylesheets and templates whose first family
    the layout does not declare, directly or through a token (not an @font-face rule's own name): where the
    `fonts` the PDF embeds came from."""
    declared = sorted({face.family for face, _ in scope.layout.fonts})
    tokens = [f"var(--{t})" for t in sorted(scope.layout.tokens) if t.startswith("font-")]
    advice = f"use one of them ({', '.join(tokens)})" if tokens else "use one of them"
    found = []
    for text in scope.texts:
        if text.role == "css" and text.rel not in scope.layout.css.get(scope.kind, []):
            continue
        if text.role not in ("css", "template"):
            continue
        plain = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m[0]), text.text, flags=re.S)
        for match in FAMILY.finditer(plain):
            if plain[: plain.rfind("{", 0, match.start())].rstrip().endswith("@font-face"):
                continue
            value = match["value"].split('"')[0] if text.role == "template" else match["value"]
            family = first_family(value, shorthand=not match["family"])
            token = VAR.match(family)
            if token:
                name = token["name"]
                family = first_family(scope.layout.tokens.get(name, ""), shorthand=False)
                where = _token_where(name, scope)
                what = f"token '{name}' names font-family '{family}', which is"
            else:
                where = (text.shown, *line_col(text.text, match.start("value")))
                what = f"font-family '{family}' is"
            if family and family.lower() not in KEYWORDS and family not in declared and not VAR.match(family):
                found.append(
                    (
                        where,
                        f"{what} not one of the layout's fonts ({', '.join(declared)}), so the PDF "
                        f"would embed {quoted(fonts)} instead; {advice}, or declare its files under fonts: "
                        "in layout.yaml",
                    )
                )
    return found


def first_family(value: str, shorthand: bool) -> str:
    """The first family a font-family value (or a font shorthand) names, unquoted; '' when there is none."""
    value = value.strip()
    if shorthand:
        sized = SIZE.search(value)
        if not sized:
            return ""
        value = sized["rest"]
    first = value.split(",")[0].strip()
    return first.strip("'\"").strip() if first[:1] in "'\"" else first


def _token_where(name: str, scope: Scope) -> tuple[str, int, int]:
    """Where the most specific layout of the chain sets a token."""
    return token_where(scope.layout, (name,)) or scope.default()
