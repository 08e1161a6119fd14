"""Fuzzing the YAML loader: any text or bytes give a Source or None with located errors, never a traceback;
valid documents read back as written, and the same with libyaml as without it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

import yaml
from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

from pipeline.errors import Report
from pipeline.sources.load import MAX_DEPTH, NULLS, Source, line_col, load_yaml, parse_yaml

SHOWN = "sources/topics/fuzz.yaml"
CODES = {"yaml.syntax", "yaml.alias", "yaml.key", "yaml.duplicate-key", "file.encoding"}
CODES |= {"yaml.character", "yaml.depth"}  # the NUL and deep-nesting fixes (branch harden-sources) add these

# Pieces that mean something to YAML, and characters that have tripped YAML readers before.
FRAGMENTS = [
    "\n", " ", "  ", "    ", "\t", "- ", "-", ": ", ":", "? ", "#", " # note", ",", "[", "]", "{", "}",
    "'", '"', "''", '""', "|", "|-", "|2", ">", ">+", "&a ", "*a", "&a", "!!str ", "!!int ", "!x ",
    "!<tag:x> ", "<<: ", "%YAML 1.1\n", "%TAG ! tag:x,2024:\n", "---", "--- ", "...", "\ufeff", "\\",
    "\\u00e9", "\\x",
    "~", "null", "yes", "NO", "01234", "1.10", "2024-01-10", "title", "key", "a", "b", "é", "😀", "日本",
    "\u2028", "\u2029", "\x85", "\u00a0", "\r\n", "\x00", "\x01", "\x7f", "@", "[@a]", "\ufffd",
]  # fmt: skip
yamlish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40).map("".join)


def as_read(text: str) -> str:
    """Text as `read_text` gives it to `parse_yaml`: universal newlines, so no carriage return."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Documents: nested mappings and lists of strings, as `yaml.safe_dump` writes them in any of its styles.
scalars = st.text(max_size=20) | st.sampled_from(["", "~", "null", "yes", "0x1F", "1e3", "- a", "a: b", "#"])
keys = st.text(max_size=8).filter(lambda key: key != "<<")  # a merge key, refused by design
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
)
styles = st.fixed_dictionaries(
    {
        "default_flow_style": st.sampled_from([False, True, None]),
        "allow_unicode": st.booleans(),
        "width": st.sampled_from([20, 80, 1000]),
        "indent": st.sampled_from([2, 4]),
        "explicit_start": st.booleans(),
        "sort_keys": st.just(False),
    }
)


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dumped(document, style: dict | None = None) -> str:
    """The document as PyYAML writes it; one it cannot read back (it writes U+0085 unescaped, which it then
    reads as a line break) is no test of ours."""
    text = yaml.dump(document, Dumper=DUMPER, **(style or {"sort_keys": False, "allow_unicode": True}))
    assume(yaml.safe_load(text) == document)
    return text


def parse(text: str, libyaml: bool = True) -> tuple[Source | None, Report]:
    report = Report()
    with mock.patch.object(yaml, "__with_libyaml__", libyaml and yaml.__with_libyaml__):
        return parse_yaml(text, SHOWN, report), report


def check_located(report: Report, text: str, path: str = SHOWN) -> None:
    """Every diagnostic is an error with a known code, at a line and column that exist in `text`."""
    lines = text.split("\n")
    for d in report.items:
        event(f"diagnostic {d.code}")
        assert (d.path, d.severity) == (path, "error"), d
        assert d.code in CODES, d
        assert 1 <= d.line <= len(lines), d
        assert 1 <= d.col <= len(lines[d.line - 1]) + 1, d


def check_source(source: Source | None, text: str) -> None:
    """A Source holds the text it read, plain data, and marks whose line and column are where they point."""
    event("source" if source is not None else "None")
    if source is None:
        return
    assert source.text == text.removeprefix("\ufeff")
    check_plain(source.data)
    for mark in list(source.values.values()) + list(source.keys.values()):
        assert 0 <= mark.start <= mark.end <= len(source.text), mark
        assert line_col(source.text, mark.start) == (mark.line, mark.col), mark


def check_plain(data) -> None:
    """Only None, strings, lists and mappings with string keys."""
    if isinstance(data, list):
        for item in data:
            check_plain(item)
    elif isinstance(data, dict):
        for key, value in data.items():
            assert isinstance(key, str)
            check_plain(value)
    else:
        assert data is None or isinstance(data, str), data


@given(st.one_of(st.text(), yamlish).map(as_read))
@example("title: 'One\u2028and two'\ntitle: Three\n")  # YAML's line break, not an editor's: line 3 was named
@example("title: One\x00\n")  # a NUL, once a traceback
def test_any_text_gives_a_source_or_located_errors(text: str):
    source, report = parse(text)
    check_located(report, text)
    check_source(source, text)
    if source is None:
        assert report.errors, "a text refused without a word"


@given(documents, styles)
def test_documents_read_back_as_written(document, style: dict):
    text = dumped(document, style)
    source, report = parse(text)
    assert report.lines() == []
    assert source.data == document == yaml.safe_load(text)
    check_source(source, text)


def same(text: str) -> None:
    """libyaml and the pure-Python composer give the same data, marks and diagnostics."""
    fast, fast_report = parse(text)
    slow, slow_report = parse(text, libyaml=False)
    assert fast_report.lines() == slow_report.lines()
    assert (fast is None) == (slow is None)
    if fast is not None:
        assert (fast.data, fast.values, fast.keys) == (slow.data, slow.values, slow.keys)


@given(yamlish.map(as_read))
@example("title: One\t\nsummary:\tSee\tthis.\nbody: |-\t\n  x\n")  # tabs PyYAML refused and libyaml took
@example("title: One\nsummary: a\n  \tb\n")  # a tab that indents, which libyaml took
@example("\ufefftitle: One\n")  # a byte-order mark, which libyaml left out of its indexes
@example("title: One\n? summary")  # libyaml put the end of this file on a third line
@example("body: |#\n  x\n")  # a comment right after '|', which PyYAML refused and libyaml took
def test_libyaml_and_python_agree_on_any_text(text: str):
    same(text)


@given(documents, styles)
def test_libyaml_and_python_agree_on_documents(document, style: dict):
    same(dumped(document, style))


def agree(ours, theirs, tagged: bool) -> bool:
    """Our data matches `yaml.safe_load`'s, but that every scalar of ours is text (or None), whatever its tag
    says (so a tagged empty or null word, `!!str` or `!!str ~`, is None to us: tags are not read)."""
    if isinstance(theirs, dict):
        return (
            isinstance(ours, dict)
            and len(ours) == len(theirs)
            and all(
                agree(k, tk, tagged) and agree(v, tv, tagged)
                for (k, v), (tk, tv) in zip(ours.items(), theirs.items(), strict=True)
            )
        )
    if isinstance(theirs, list):
        return (
            isinstance(ours, list)
            and len(ours) == len(theirs)
            and all(agree(o, t, tagged) for o, t in zip(ours, theirs, strict=True))
        )
    if isinstance(theirs, str):
        return ours == theirs or (tagged and theirs in NULLS and ours is None)
    return ours is None or isinstance(ours, str)


@given(yamlish.map(as_read))
@example("!!str ~")  # found by make fuzz: a tag is not read, so a null word stays None
def test_where_both_accept_a_text_the_data_agrees_with_safe_load(text: str):
    source, report = parse(text)
    try:
        theirs = yaml.safe_load(text.removeprefix("\ufeff"))  # as read from a file, without a byte-order mark
    except Exception:  # noqa: BLE001 - refused, or crashed on its own ('!!int ' raises IndexError)
        theirs = report  # nothing to compare
    if source is not None and not report.items and theirs is not report:
        event("both accept")
        assert agree(source.data, theirs, "!" in text), (source.data, theirs)


# --- load_yaml on bytes ------------------------------------------------------------------------

encoded = st.tuples(
    yamlish,
    st.sampled_from(["", "\ufeff"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "utf-16", "latin-1"]),
).map(lambda t: (t[1] + t[0].replace("\n", t[2])).encode(t[3], errors="replace"))


@given(st.one_of(st.binary(), encoded, documents.map(lambda d: yaml.dump(d, Dumper=DUMPER).encode())))
@example(b"title: caf\xe9\n")  # Latin-1, not UTF-8
@example(b"title: One\x01\n")  # a control character, once a traceback
@example(b"\xef\xbb\xbftitle: One\r\nstatus: draft\r\n")  # a byte-order mark and CRLF
def test_any_bytes_in_a_file_give_a_source_or_located_errors(data: bytes):
    try:
        text = as_read(data.decode("utf-8"))
    except UnicodeDecodeError:
        text = None
    report = Report()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        source = load_yaml(path, SHOWN, report)
    if text is None:
        assert source is None
        [d] = report.items  # at the first bad byte, counted as an editor counts lines
        lines = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        assert (d.code, lines[d.line - 1][d.col - 1]) == ("file.encoding", "\ufffd"), d
        return
    check_located(report, text)
    check_source(source, text)


# --- what the loader refuses -------------------------------------------------------------------

mappings = st.dictionaries(keys.filter(bool), documents, min_size=1, max_size=4)


@given(mappings, st.data())
def test_a_repeated_key_is_reported_on_its_line_and_the_first_value_kept(document: dict, data):
    key = data.draw(st.sampled_from(sorted(document)))
    text, again = dumped(document), dumped({key: "again"})
    source, report = parse(text + again)
    where = (text.count("\n") + 1, 3 if again.startswith("? ") else 1)  # '? ' before a key on many lines
    assert [(d.line, d.col, d.code) for d in report.items] == [(*where, "yaml.duplicate-key")]
    assert source.data == document


@given(mappings, st.sampled_from(["&anchor value", "*anchor", "&anchor [a, b]", "!!str &anchor x"]))
def test_anchors_and_aliases_are_refused_on_their_line(document: dict, value: str):
    text = dumped(document)
    source, report = parse(text + f"added: {value}\n")
    assert source is None
    assert [(d.line, d.code) for d in report.items] == [(text.count("\n") + 1, "yaml.alias")]


@settings(max_examples=max(10, settings().max_examples // 10))  # each example is large: a tenth of the budget
@given(mappings, st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"]), st.integers(1_000, 100_000))
@example({"a": "b"}, "x", 1_000_000)
def test_huge_scalars_read_back_whole(document: dict, char: str, size: int):
    text = dumped(document) + yaml.dump({"huge": char * size}, Dumper=DUMPER, allow_unicode=True)
    document["huge"] = char * size
    source, report = parse(text)
    assert report.lines() == []
    assert source.data == document


def nested(depth: int, kind: str) -> tuple[str, object]:
    """A document nested `depth` levels deep, as flow or block YAML, and its data (written by hand, as
    PyYAML's own dumper recurses too far to write the deepest)."""
    data: object = "leaf"
    for _ in range(depth):
        data = [data] if kind.endswith("list") else {"k": data}
    text = {
        "flow list": "[" * depth + "leaf" + "]" * depth,
        "flow map": "{k: " * depth + "leaf" + "}" * depth,
        "block list": "- " * depth + "leaf",
        "block map": "".join("  " * level + "k:\n" for level in range(depth)) + "  " * depth + "leaf",
    }[kind]
    return text + "\n", data


@given(st.integers(1, 1_000), st.sampled_from(["flow list", "flow map", "block list", "block map"]))
@example(1_000, "flow list")  # once a RecursionError
@example(MAX_DEPTH + 1, "block map")
def test_deep_nesting_reads_back_or_is_refused_with_a_message(depth: int, kind: str):
    text, data = nested(depth, kind)
    source, report = parse(text)
    check_located(report, text)
    if depth <= MAX_DEPTH:
        assert (source.data, report.lines()) == (data, [])
    else:
        assert source is None and [d.code for d in report.items] == ["yaml.depth"], report.lines()
