"""Step 1, load: strict YAML (no duplicate keys, aliases, anchors or merge keys; no implicit typing) with a
located message for every problem and a mark for every value."""

from pathlib import Path

import pytest

from pipeline.errors import Report
from pipeline.sources.load import load_yaml, parse_yaml
from tests.conftest import REPO

SHOWN = "sources/topics/t.yaml"


def parse(text: str):
    """(source or None, report lines) for a YAML text."""
    report = Report()
    source = parse_yaml(text, SHOWN, report)
    return source, report.lines()


# --- refused YAML ------------------------------------------------------------------------------


def test_duplicate_key_names_the_line_of_the_first():
    source, lines = parse("title: One\nstatus: draft\ntitle: Two\n")
    assert lines == [
        f"{SHOWN}:3:1: error: duplicate key 'title' (first given on line 1) [yaml.duplicate-key]"
    ]
    assert source.data == {"title": "One", "status": "draft"}


def test_duplicate_key_in_a_nested_mapping():
    _, lines = parse("asks:\n  - ask: One\n    bill: x\n    ask: Two\n")
    assert lines == [f"{SHOWN}:4:5: error: duplicate key 'ask' (first given on line 2) [yaml.duplicate-key]"]


def test_anchor_is_refused_where_it_is_written():
    source, lines = parse("title: One\nsummary: &s Text\n")
    assert source is None
    assert lines == [
        f"{SHOWN}:2:10: error: YAML anchors (&name) are not allowed; write the value out [yaml.alias]"
    ]


def test_alias_is_refused_where_it_is_written():
    source, lines = parse("title: One\nsummary: *s\n")
    assert source is None
    assert lines == [
        f"{SHOWN}:2:10: error: YAML aliases (*name) are not allowed; write the value out [yaml.alias]"
    ]


def test_merge_key_is_refused_and_its_values_are_not_merged():
    source, lines = parse("bill:\n  <<: {title: Hidden}\n  number: H.R. 1\n")
    assert lines == [f"{SHOWN}:2:3: error: YAML merge keys (<<) are not allowed [yaml.alias]"]
    assert source.data == {"bill": {"number": "H.R. 1"}}


def test_syntax_error_is_located():
    source, lines = parse("title: One\nsummary: a: b\n")
    assert source is None
    assert lines == [
        f"{SHOWN}:2:11: error: YAML syntax: a second ': ' on one line; put the value in quotes "
        "(YAML: mapping values are not allowed here) [yaml.syntax]"
    ]


def test_unclosed_flow_list_names_the_context():
    _, lines = parse("keywords: [a, b\ntitle: One\n")
    assert lines == [
        f"{SHOWN}:2:6: error: YAML syntax: a comma is missing before this item, or a closing ']' (YAML: "
        "while parsing a flow sequence: expected ',' or ']', but got ':') [yaml.syntax]"
    ]


def test_complex_key_is_refused():
    _, lines = parse("? [a, b]\n: value\n")
    assert lines == [f"{SHOWN}:1:3: error: a key must be plain text [yaml.key]"]


# --- no implicit typing ------------------------------------------------------------------------


def test_scalars_stay_strings():
    source, lines = parse("country: NO\nzip: 01234\nversion: 1.10\nflag: yes\nday: 2024-01-10\ncount: 12\n")
    assert lines == []
    assert source.data == {
        "country": "NO",
        "zip": "01234",
        "version": "1.10",
        "flag": "yes",
        "day": "2024-01-10",
        "count": "12",
    }


def test_explicit_tags_do_not_change_the_text():
    source, _ = parse("count: !!int 3\n")
    assert source.data == {"count": "3"}


def test_plain_nulls_are_none_but_quoted_ones_are_text():
    source, _ = parse("a:\nb: ~\nc: null\nd: 'null'\ne: ''\nf: \"~\"\n")
    assert source.data == {"a": None, "b": None, "c": None, "d": "null", "e": "", "f": "~"}


def test_empty_file_gives_a_source_without_data():
    source, lines = parse("# only a comment\n")
    assert lines == []
    assert source is not None and source.data is None


def test_null_document_gives_a_source_without_data():
    source, lines = parse("~\n")
    assert lines == []
    assert source.data is None


# --- marks -------------------------------------------------------------------------------------

NESTED = "title: One\nasks:\n  - ask: Pass it.\n    bill:\n      number: H.R. 1\n"


def test_where_names_the_value():
    source, _ = parse(NESTED)
    assert source.where(("asks", 0, "bill", "number")) == (SHOWN, 5, 15)


def test_where_names_the_key_when_asked():
    source, _ = parse(NESTED)
    assert source.where(("asks", 0, "bill", "number"), key=True) == (SHOWN, 5, 7)


def test_where_falls_back_to_the_nearest_parent():
    source, _ = parse(NESTED)
    assert source.where(("asks", 0, "bill", "title")) == (SHOWN, 5, 7)
    assert source.where(("nothing", "here")) == (SHOWN, 1, 1)


def test_where_in_finds_text_inside_a_literal_block():
    source, _ = parse("title: One\nbody: |\n  First line.\n  Second [@doe2020] line.\n")
    assert source.where_in(("body",), "[@doe2020]") == (SHOWN, 4, 10)


def test_where_in_finds_text_inside_a_folded_block():
    source, _ = parse("summary: >\n  alpha beta\n  gamma ![x](file:///etc/passwd)\n")
    assert source.where_in(("summary",), "file:///etc/passwd") == (SHOWN, 3, 14)


def test_where_in_falls_back_to_the_value_when_the_text_is_absent():
    source, _ = parse("title: One\nbody: |\n  First line.\n")
    assert source.where_in(("body",), "[@nowhere]") == (SHOWN, 2, 7)


# --- files -------------------------------------------------------------------------------------


def test_file_that_is_not_utf8_is_reported(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_bytes("title: Caf\u00e9\n".encode("latin-1"))
    report = Report()
    assert load_yaml(path, SHOWN, report) is None
    assert report.lines() == [
        f"{SHOWN}:1:11: error: file is not UTF-8 text (invalid continuation byte at byte 10); "
        "save it as UTF-8 [file.encoding]"
    ]


def test_missing_file_is_reported_without_a_line(tmp_path: Path):
    report = Report()
    assert load_yaml(tmp_path / "absent.yaml", SHOWN, report) is None
    assert report.lines() == [f"{SHOWN}: error: cannot read file: No such file or directory [file.read]"]


def test_utf8_file_loads_with_its_shown_path(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text("title: Caf\u00e9\n", encoding="utf-8")
    source = load_yaml(path, SHOWN, Report())
    assert source.path == SHOWN
    assert source.data == {"title": "Caf\u00e9"}


def test_libyaml_and_the_python_composer_give_the_same_data_and_marks(monkeypatch):
    """Valid files are read by libyaml for speed; every value and mark must equal the Python composer's."""
    import pipeline.sources.load as load

    layouts = [REPO / "layouts", REPO / "pipeline" / "layouts"]  # the sample's and the shipped base
    paths = sorted((REPO / "sources").rglob("*.yaml")) + sorted(p for f in layouts for p in f.rglob("*.yaml"))
    fast = {p: load.parse_yaml(p.read_text(), p.name, Report()) for p in paths}
    monkeypatch.setattr(load, "_fast_node", lambda text: None)
    for path in paths:
        slow = load.parse_yaml(path.read_text(), path.name, Report())
        assert (fast[path].data, fast[path].values, fast[path].keys) == (slow.data, slow.values, slow.keys), (
            path
        )
    assert len(paths) >= 13


# --- bytes YAML refuses, and nesting that would crash a recursive composer --------------------------------


def test_nul_byte_is_located_at_its_line_and_column():
    source, lines = parse("id: x\ntitle: A\x00B\n")
    assert source is None
    assert lines == [
        f"{SHOWN}:2:9: error: character U+0000 (NUL) is not allowed in a YAML file; delete it "
        "[yaml.character]"
    ]


def test_other_control_character_is_named():
    _, lines = parse("title: A\x1bB\n")
    assert lines == [
        f"{SHOWN}:1:9: error: character U+001B (a control character) is not allowed in a YAML file; "
        "delete it [yaml.character]"
    ]


def test_flow_nesting_past_the_limit_is_refused_where_it_goes_too_deep():
    _, lines = parse("x: " + "[" * 3000 + "]" * 3000 + "\n")
    assert lines == [
        f"{SHOWN}:1:103: error: lists and mappings are nested more than 100 levels deep here [yaml.depth]"
    ]


def test_block_nesting_past_the_limit_is_refused_where_it_goes_too_deep():
    _, lines = parse("".join(" " * i + "a:\n" for i in range(3000)))
    assert lines == [
        f"{SHOWN}:101:101: error: lists and mappings are nested more than 100 levels deep here [yaml.depth]"
    ]


def test_nesting_up_to_the_limit_is_read():
    source, lines = parse("[" * 100 + "x" + "]" * 100 + "\n")
    assert lines == []
    data = source.data
    for _ in range(99):
        data = data[0]
    assert data == ["x"]


# --- what fuzzing found (tests/fuzz/test_yaml.py) ------------------------------------------------


def parse_without_libyaml(text: str, monkeypatch):
    import pipeline.sources.load as load

    with monkeypatch.context() as patch:
        patch.setattr(load, "_fast_node", lambda text: None)
        return parse(text)


TABBED = "title: One\t\nkeywords: [a,\tb]\nsummary:\tSee\tthis.\nbody: |\t\n  Text.\n"


def test_tabs_between_values_read_the_same_with_libyaml_or_without(monkeypatch):
    """libyaml takes a tab after a key, after a value and between words; PyYAML refused each of them."""
    expected = {"title": "One", "keywords": ["a", "b"], "summary": "See\tthis.", "body": "Text.\n"}
    assert parse(TABBED) == parse_without_libyaml(TABBED, monkeypatch)
    source, lines = parse(TABBED)
    assert (source.data, lines) == (expected, [])


def test_a_comment_right_after_a_block_indicator_reads_the_same_with_libyaml_or_without(monkeypatch):
    """Found by make fuzz: libyaml takes '|#...' as '|' and a comment, PyYAML refused it."""
    text = "body: |-# the answer\n  Text.\n"
    assert parse(text) == parse_without_libyaml(text, monkeypatch)
    assert parse(text)[0].data == {"body": "Text."}


def test_a_tab_that_indents_is_refused_with_libyaml_or_without(monkeypatch):
    text = "title: One\nsummary: a\n  \tb\n"  # libyaml read this as 'a b'; PyYAML refuses it
    assert parse(text) == parse_without_libyaml(text, monkeypatch)
    assert parse(text)[1] == [
        f"{SHOWN}:3:3: error: YAML syntax: a tab or special character starts a value; indent with spaces and "
        "quote the value (YAML: while scanning for the next token: found character '\\t' that cannot start "
        "any token) [yaml.syntax]"
    ]


def test_columns_after_a_byte_order_mark_are_those_an_editor_shows(monkeypatch):
    """libyaml left the mark out of its indexes and PyYAML counted it, so a citation on the first line was
    placed one column off."""
    text = "\ufeffsummary: See [@nokey].\n"
    for source, _ in (parse(text), parse_without_libyaml(text, monkeypatch)):
        assert source.where(("summary",)) == (SHOWN, 1, 10)
        assert source.where_in(("summary",), "@nokey") == (SHOWN, 1, 15)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_unicode_line_separator_does_not_shift_the_lines_after_it(separator: str):
    """YAML breaks lines at U+2028, U+2029 and U+0085, editors do not: messages use the editor's lines."""
    _, lines = parse(f"title: 'One{separator}and two'\ntitle: Three\n")
    assert lines == [
        f"{SHOWN}:2:1: error: duplicate key 'title' (first given on line 1) [yaml.duplicate-key]"
    ]
    _, lines = parse(f"title: 'One{separator}and two'\nkeywords: [a\n")
    assert lines[0].startswith(f"{SHOWN}:3:1: error: YAML syntax:")


def test_an_empty_value_at_the_end_of_a_file_without_a_newline_is_on_the_last_line(monkeypatch):
    """libyaml put the end of such a file on a line of its own, one past the last."""
    for source, _ in (
        parse("title: One\n? summary"),
        parse_without_libyaml("title: One\n? summary", monkeypatch),
    ):
        assert source.where(("summary",)) == (SHOWN, 2, 10)
