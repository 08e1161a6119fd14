"""Step 1, load: strict YAML (no aliases, duplicate keys or implicit types) with a mark for every value."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from pipeline.errors import Report
from pipeline.sources.files import read_text

NULLS = {"", "~", "null", "Null", "NULL"}

PathKey = tuple  # a path into the data, e.g. ("asks", 0, "text")


@dataclass(frozen=True)
class Mark:
    """Where a value (or a key) stands in its file: 1-based line and column, and the character span."""

    line: int
    col: int
    start: int
    end: int


@dataclass
class Source:
    """One loaded YAML file: its text, plain data (strings, lists, dicts) and a mark for every path."""

    path: str  # as shown in messages, relative to the project
    text: str
    data: Any = None
    values: dict = field(default_factory=dict)  # path -> Mark of the value
    keys: dict = field(default_factory=dict)  # path -> Mark of the key that introduces it

    def where(self, path: PathKey = (), key: bool = False) -> tuple[str, int, int]:
        """(file, line, col) of the value at `path` (or of its key); falls back to the nearest parent."""
        path = tuple(path)
        while True:
            mark = (self.keys.get(path) if key else None) or self.values.get(path)
            if mark is not None:
                return (self.path, mark.line, mark.col)
            if not path:
                return (self.path, 1, 1)
            path = path[:-1]

    def where_in(self, path: PathKey, needle: str, whole: bool = False, nth: int = 0) -> tuple[str, int, int]:
        """(file, line, col) of `needle` inside the raw text of the scalar at `path`, else of the scalar.
        With `whole`, a match must not run on into more name characters (so '@doe' is not found in
        '@doe2020'); `nth` counts earlier matches to skip."""
        after = r"(?![\w]|[:.#$%&+?<>~/-]\w)" if whole else ""
        return (
            self.where_match(path, re.escape(needle) + after, nth, len(needle))
            if needle
            else self.where(path)
        )

    def where_match(self, path: PathKey, pattern: str, nth: int = 0, reach: int = 0) -> tuple[str, int, int]:
        """(file, line, col) of the `nth` match (0: the first) of the regular expression `pattern` inside the
        raw text of the scalar at `path` (and `reach` characters past its start), else of the scalar. A group
        named `at` in the pattern marks the place to report."""
        mark = self.values.get(tuple(path))
        if mark is not None:
            end = max(mark.end, mark.start + reach)
            for i, found in enumerate(re.compile(pattern).finditer(self.text, mark.start, end)):
                if i == nth:
                    at = found.start("at") if "at" in found.re.groupindex else found.start()
                    return (self.path, *line_col(self.text, at))
        return self.where(path)


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def _mark(node) -> Mark:
    start = node.start_mark
    return Mark(start.line + 1, start.column + 1, start.index, node.end_mark.index)


MAX_DEPTH = 100  # lists and mappings inside each other: far beyond any real source, far below a crash


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML this loader will not take, with its own code and message."""

    def __init__(self, message: str, code: str, mark):
        super().__init__(None, None, message, mark)
        self.code = code


class _Composer(yaml.SafeLoader):
    """PyYAML's composer, refusing anchors and aliases (no expansion bombs, no hidden sharing) and nesting
    deeper than MAX_DEPTH (checked before going a level deeper, so nothing recurses too far)."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                "YAML aliases (*name) are not allowed; write the value out", "yaml.alias", event.start_mark
            )
        if getattr(event, "anchor", None):
            raise _Refused(
                "YAML anchors (&name) are not allowed; write the value out", "yaml.alias", event.start_mark
            )
        if not isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(
                f"lists and mappings are nested more than {MAX_DEPTH} levels deep here",
                "yaml.depth",
                event.start_mark,
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    # PyYAML takes only spaces between tokens, libyaml tabs too; these make PyYAML read tabs as libyaml
    # does, so that a file reads the same with libyaml or without. A tab that indents is refused by both
    # (`_fast_node` leaves every text with one to PyYAML, as libyaml has exceptions of its own there).

    def scan_to_next_token(self):
        """PyYAML's, but a tab separates tokens inside [...] and {...}, after a key's ':' and after values."""
        super().scan_to_next_token()
        while self.peek() == "\t" and (self.flow_level or not self.allow_simple_key):
            self.forward()
            super().scan_to_next_token()

    def scan_plain_spaces(self, indent, start_mark):
        """PyYAML's, but tabs between the words of a plain value are part of it, as spaces are."""
        length = 0
        while self.peek(length) in " \t":
            length += 1
        blanks = self.prefix(length)
        if "\t" not in blanks:
            return super().scan_plain_spaces(indent, start_mark)
        self.forward(length)
        if self.peek() in "\r\n\x85\u2028\u2029":  # blanks at the end of a line are not part of the value
            return super().scan_plain_spaces(indent, start_mark)
        return [blanks]

    def scan_block_scalar_indicators(self, start_mark):
        """PyYAML's, but a tab or a comment may come right after '|' or '>' and their indicators."""
        start = self.pointer
        try:
            return super().scan_block_scalar_indicators(start_mark)
        except yaml.scanner.ScannerError:
            if self.peek() not in "\t#":
                raise
        indicators = self.buffer[start : self.pointer]
        digits = "".join(c for c in indicators if c.isdigit())
        return {"+": True, "-": False}.get(indicators.strip(digits)), int(digits) if digits else None

    def scan_block_scalar_ignored_line(self, start_mark):
        """PyYAML's, but the blanks after '|' or '>' may be tabs."""
        while self.peek() in " \t":
            self.forward()
        return super().scan_block_scalar_ignored_line(start_mark)


# PyYAML's words for common mistakes, and what they mean to someone editing a file.
PLAIN = [
    ("expected <block end>", "this line's indentation does not line up with the lines above it"),
    ("did not find expected key", "this line's indentation does not line up with the lines above it"),
    ("mapping values are not allowed here", "a second ': ' on one line; put the value in quotes"),
    (
        "cannot start any token",
        "a tab or special character starts a value; indent with spaces and quote the value",
    ),
    (
        "could not find expected ':'",
        "a line without 'key: value' (is a colon missing, or a quote not closed?)",
    ),
    ("found unexpected end of stream", "a quote or bracket is opened but never closed"),
    ("did not find expected ',' or ']'", "a [list] is not closed with ']'"),
    ("expected ',' or '}', but got", "a comma is missing before this item, or a closing '}'"),
    ("expected ',' or ']', but got", "a comma is missing before this item, or a closing ']'"),
    ("did not find expected ',' or '}'", "a {mapping} is not closed with '}'"),
    ("expected alphabetic or numeric character", "'&', '*' or '!' starts a value; put the value in quotes"),
]


def _plain(problem: str) -> str:
    for words, meaning in PLAIN:
        if words in problem:
            return f"{meaning} (YAML: {problem})"
    return problem


def _character(code: int | str) -> str:
    """What to say about a character YAML does not allow (a NUL, another control character)."""
    code = code if isinstance(code, int) else ord(code)
    name = "NUL" if code == 0 else unicodedata.name(chr(code), "a control character")
    return f"character U+{code:04X} ({name}) is not allowed in a YAML file; delete it"


def report_yaml_error(exc: yaml.YAMLError, text: str, shown: str, report: Report) -> None:
    """Report an error PyYAML or libyaml raised reading `text`, in the words and at the place every YAML file
    of the project gets (the sources here, the congress-legislators folder in personalize)."""
    if isinstance(exc, yaml.reader.ReaderError):
        report.error((shown, *line_col(text, exc.position)), _character(exc.character), "yaml.character")
    elif isinstance(exc, _Refused):
        report.error((shown, *line_col(text, exc.problem_mark.index)), exc.problem, exc.code)
    elif isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.context}: {exc.problem}"
        line, col = line_col(text, mark.index) if mark else (1, 1)
        report.error((shown, line, col), f"YAML syntax: {_plain(problem)}", "yaml.syntax")
    else:
        report.error((shown, 1, 1), f"YAML syntax: {exc}", "yaml.syntax")


def load_yaml(path: Path, shown: str, report: Report, root: Path | None = None) -> Source | None:
    """Load one YAML file of the project `root` (see files.read_text); problems give None."""
    text = read_text(path, shown, report, root)
    return None if text is None else parse_yaml(text, shown, report)


INDENTING_TAB = re.compile(r"(?:^|[\x85\u2028\u2029]) *\t", re.M)  # libyaml lets some through, PyYAML none


def _fast_node(text: str):
    """The node tree from libyaml (C, several times faster), or None for anything but a plain valid file,
    which then goes through the Python composer so that every message stays the same."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    # libyaml skips a byte-order mark anywhere (PyYAML reads one past the start as text) and lets some tabs
    # that indent through (PyYAML none): PyYAML decides those texts.
    if "\ufeff" in text or ("\t" in text and INDENTING_TAB.search(text)):
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CBaseLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return None
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
        return yaml.compose(text, Loader=yaml.CBaseLoader) or False
    except yaml.YAMLError:
        return None


def parse_yaml(text: str, shown: str, report: Report) -> Source | None:
    """Parse YAML text into a Source; syntax errors go to `report` and give None."""
    text = text.removeprefix("\ufeff")  # a byte-order mark: PyYAML counts it in indexes, libyaml does not
    source = Source(shown, text)
    node = _fast_node(text)
    if node is False:  # an empty document
        return source
    if node is not None:
        _relocate(node, text)
        source.data = _build(node, (), source, report)
        return source
    try:
        loader = _Composer(text)  # reads the whole text first: a forbidden character stops it here
    except yaml.YAMLError as exc:
        report_yaml_error(exc, text, shown, report)
        return None
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        report_yaml_error(exc, text, shown, report)
        return None
    finally:
        loader.dispose()
    if node is None:
        return source
    _relocate(node, text)
    source.data = _build(node, (), source, report)
    return source


def _relocate(root, text: str) -> None:
    """Count the line and column of every mark from its index, as `line_col` and editors count them: YAML
    also breaks lines at U+0085, U+2028 and U+2029, and libyaml puts the end of a file without a final
    newline on a line of its own. Other files have the right marks already."""
    if text.endswith("\n") and not re.search("[\x85\u2028\u2029]", text):
        return
    starts = [0] + [found.end() for found in re.finditer("\n", text)]
    nodes = [root]
    while nodes:
        node = nodes.pop()
        node.start_mark, node.end_mark = (
            yaml.Mark(None, mark.index, line, mark.index - starts[line], None, None)
            for mark in (node.start_mark, node.end_mark)
            for line in [bisect.bisect_right(starts, mark.index) - 1]
        )
        if isinstance(node, SequenceNode):
            nodes.extend(node.value)
        elif isinstance(node, MappingNode):
            nodes.extend(part for pair in node.value for part in pair)


def _build(node, path: PathKey, source: Source, report: Report) -> Any:
    """Plain data from a node: every scalar a string (or None), every key checked."""
    source.values[path] = _mark(node)
    if isinstance(node, ScalarNode):
        if not node.style and node.value in NULLS:  # plain style: None from Python, '' from libyaml
            return None
        return node.value
    if isinstance(node, SequenceNode):
        return [_build(item, path + (i,), source, report) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            kmark = _mark(key_node)
            if not isinstance(key_node, ScalarNode):
                report.error((source.path, kmark.line, kmark.col), "a key must be plain text", "yaml.key")
                continue
            key = key_node.value
            if key == "<<":
                report.error(
                    (source.path, kmark.line, kmark.col), "YAML merge keys (<<) are not allowed", "yaml.alias"
                )
                continue
            if key in result:
                first = source.keys[path + (key,)]
                report.error(
                    (source.path, kmark.line, kmark.col),
                    f"duplicate key '{key}' (first given on line {first.line})",
                    "yaml.duplicate-key",
                )
                continue
            source.keys[path + (key,)] = kmark
            result[key] = _build(value_node, path + (key,), source, report)
        return result
    raise AssertionError(f"unknown YAML node {node!r}")  # pragma: no cover
