"""Fuzzing the Markdown and citation parser: any text is scanned, drawn and checked without a traceback, raw
HTML never reaches the page, and the citations a writer types are the ones found, checked and drawn."""

from __future__ import annotations

import html
import re

import yaml
from hypothesis import assume, event, example, given
from hypothesis import strategies as st

from pipeline.errors import Report
from pipeline.sources.load import parse_yaml
from pipeline.sources.references import Library, check_text
from pipeline.sources.text import KEY, LABELS, MAX_NESTING, CiteItem, parse_cluster, scan, to_html

LIBRARY = Library(
    {key: {"id": key, "type": "book", "title": "T"} for key in ["doe2020", "hr3202-2023", "un:a.b"]}
)
CODES = {"citation.syntax", "citation.unknown"}
UNKNOWN = re.compile(r"unknown citation '(.*?)'")

# Pieces that mean something to Markdown, to Pandoc's citations or to a browser.
FRAGMENTS = [
    "[", "]", "(", ")", "@", ";", ",", "*", "**", "_", "`", "``", "!", "![", "](", "[@", "@doe2020", "@nokey",
    "[@doe2020]", "[@nokey, p. 3]", "[see @doe2020; @un:a.b, chap. 2]", "[-@doe2020]", "p. 12", "see ", "\\",
    "https://example.org", "mailto:a@example.org", "javascript:alert(1)", "assets/map.svg", "<", ">", "&",
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<b>", "<!-- c -->", "<https://example.org>",
    '<a href="https://example.org">', "&amp;", "&lt;script&gt;", "&#60;", "\n", "\n\n", "- ", "1. ", "  ",
    "    ", "> ", "# ", "word", " ", "é", "😀", '"', "'", "--", "...", "\t", "\x00", "\r\n", "\u2028", "{",
    "}",
]  # fmt: skip
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40).map("".join)
texts = st.one_of(st.text(), markdownish)
languages = st.sampled_from(["en", "fr", "de-DE", "es", "ar", "xx"])

# Everything the renderer may write: its own tags, with only these attributes, and what the callbacks return.
ALLOWED = re.compile(
    r"</?(p|em|strong|code|ul|li|blockquote|sup)>|<br />|<ol( start=\"\d+\")?>|</ol>|</a>"
    r'|<a href="[^"<>]*"( title="[^"<>]*")?>|<figure class="image">|</figure>'
)
TAG = re.compile(r"<[^>]*>?")


def normalized(text: str) -> str:
    """The text as markdown-it reads it: universal newlines, NUL as U+FFFD."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


def draw(text: str, language: str = "en", block: bool = True, in_text: bool = False) -> tuple[str, list]:
    """The HTML for a text, and the citations and images drawn, in order."""
    drawn: list = []

    def cite(cluster):
        drawn.append(cluster.raw)
        return f"<sup>{len(drawn)}</sup>"

    def image(src, alt):
        drawn.append(("image", src, alt))
        return '<figure class="image"></figure>'

    return to_html(text, cite, image, language, block=block, in_text=in_text), drawn


def check_no_raw_html(out: str) -> None:
    """Every '<' in the HTML opens a tag the renderer writes; none came from the text."""
    assert "<script" not in out.lower()
    for tag in TAG.findall(out):
        assert ALLOWED.fullmatch(tag), tag


@given(texts, languages, st.booleans(), st.booleans())
@example("<script>alert(1)</script>", "en", False, False)
@example('[x](https://e.org "t<b>") ![a<b>](x.svg)', "en", True, False)
@example("![[@doe2020]](x.svg)", "en", True, False)  # a citation in an image's description was checked only
def test_any_text_is_drawn_without_raw_html(text: str, language: str, block: bool, in_text: bool):
    out, drawn = draw(text, language, block, in_text)
    check_no_raw_html(out)
    cited = [d for d in drawn if isinstance(d, str)]
    event(f"{len(cited)} citation(s) drawn")
    if block:  # what is drawn is what is checked (check_text scans the whole text as blocks)
        assert cited == [c.raw for c in scan(text, language).clusters]


@given(texts, languages)
def test_every_citation_found_is_one_the_text_holds(text: str, language: str):
    found = scan(text, language)
    for cluster in found.clusters:
        assert cluster.raw in normalized(text)
        assert parse_cluster(cluster.raw) == cluster
        for item in cluster.items:
            assert re.fullmatch(KEY, item.key)
            assert "@" + item.key in cluster.raw
    for src, alt in found.images:
        assert isinstance(src, str) and isinstance(alt, str)


@given(texts)
def test_parse_cluster_reads_a_citation_or_nothing(raw: str):
    cluster = parse_cluster(raw)
    if cluster is not None:
        assert cluster.raw == raw and cluster.items
        assert all("@" + item.key in raw for item in cluster.items)


def checked(text: str) -> tuple:
    """The text as the body of a topic file, checked against LIBRARY: (source, report, keys used)."""
    written = yaml.dump(
        {"body": text}, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True
    )
    source = parse_yaml(written, "sources/topics/t.yaml", Report())
    assume(source is not None and source.data == {"body": text})  # PyYAML writes U+0085 raw, then misreads it
    report = Report()
    used = check_text(text, ("body",), source, LIBRARY, report, "en")
    return source, report, used


@given(texts)
def test_check_text_reports_each_unknown_key_where_it_is_typed(text: str):
    source, report, used = checked(text)
    scanned = {item.key for cluster in scan(text).clusters for item in cluster.items}
    assert used == scanned
    lines = source.text.split("\n")
    for d in report.items:
        event(f"diagnostic {d.code}")
        assert (d.path, d.severity) == (source.path, "error") and d.code in CODES, d
        assert 1 <= d.line <= len(lines) and 1 <= d.col <= len(lines[d.line - 1]) + 1, d
    unknown = {UNKNOWN.match(d.message)[1]: d for d in report.items if d.code == "citation.unknown"}
    assert set(unknown) == scanned - set(LIBRARY.items)
    for key, d in unknown.items():  # at the key as typed, or at the start of the value when escaped in YAML
        at_key = lines[d.line - 1][d.col - 1 :].startswith("@" + key)
        assert at_key or (d.path, d.line, d.col) == source.where(("body",)), d


LITERAL = re.compile(r"\[[^\[\]]*(?<![\w.])@[A-Za-z0-9_]")  # what a reader would take for a citation
WRITTEN_BRACKET = re.compile(r"\\\[|&#0*91;|&#x0*5b;|&lsqb;|&lbrack;", re.I)  # '[' meant as a bracket


@given(texts)
@example("See [@doe2020, p. 3 and more.")  # an unclosed citation, once printed as typed
@example("[see [@doe2020] and @un:a.b")  # the same, past a citation
@example("[@doe2020, p. [12]]")  # the same, before a bracket
def test_no_citation_is_printed_as_typed_without_a_word(text: str):
    out, _ = draw(text)
    shown = html.unescape(TAG.sub("", re.sub(r"<code>.*?</code>|<a [^>]*>.*?</a>", "", out, flags=re.S)))
    if LITERAL.search(shown) and not WRITTEN_BRACKET.search(text):
        _, report, _ = checked(text)
        assert any(d.code == "citation.syntax" for d in report.items), (shown, report.lines())


# --- citations as a writer types them ------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
words = st.text(LETTERS, min_size=1, max_size=8)
# Keys as KEY reads them: a letter, digit or _ first, then name characters with inner punctuation.
keys = st.one_of(
    st.sampled_from(sorted(LIBRARY.items) + ["nokey", "un:a.b.c"]),
    st.builds(
        lambda first, inner, last: first + (inner + last if last else ""),
        st.sampled_from(LETTERS + "0123456789_"),
        st.text(LETTERS + "0123456789_éß:.#$%&+?<>~/-", max_size=6),
        st.text(LETTERS + "0123456789_é", max_size=1),
    ),
)
locators = st.tuples(
    st.sampled_from(sorted(LABELS)), st.sampled_from(["1", "3", "12", "3-4", "120-135", "iv", "xii"])
)
items = st.builds(
    lambda prefix, key, locator, suffix: (prefix, key, locator, suffix),
    st.sampled_from(["", "see", "see also", "cf."]),
    keys,
    st.none() | locators,
    st.sampled_from(["", "as quoted", "emphasis added"]),
)


def typed(item) -> tuple[str, CiteItem]:
    """One item as typed, `see @key, p. 12`, and what it must read as."""
    prefix, key, locator, suffix = item
    text = (prefix + " " if prefix else "") + "@" + key
    if locator:
        text += f", {locator[0]} {locator[1]}"
        return text, CiteItem(key, LABELS[locator[0]], locator[1], prefix)
    if suffix:
        text += f", {suffix}"
    return text, CiteItem(key, None, None, prefix, suffix)


clusters = st.lists(items, min_size=1, max_size=3).map(lambda parts: [typed(p) for p in parts])
pieces = st.one_of(
    words.map(lambda w: (w, [w], None)),
    words.map(lambda w: (f"*{w}*", [w], None)),
    words.map(lambda w: (f"**{w}**", [w], None)),
    words.map(lambda w: (f"[{w}](https://example.org/{w})", [w], None)),
    clusters.map(lambda c: ("[" + "; ".join(t for t, _ in c) + "]", [], tuple(i for _, i in c))),
)
lines = st.tuples(st.integers(0, 12), st.lists(pieces, min_size=1, max_size=5))


@given(st.lists(lines, min_size=1, max_size=12), st.sampled_from([" ", ".", ",", ";"]))
@example(  # a list ten levels deep, whose last citation was once lost
    [
        (level, [(f"w{level}", [f"w{level}"], None), ("[@doe2020]", [], (CiteItem("doe2020"),))])
        for level in range(10)
    ],
    " ",
)
def test_citations_typed_are_found_checked_and_drawn_in_order(body: list, joint: str):
    text, expected, wanted, depth, deepest = "", [], [], 0, 0
    for level, parts in body:
        depth = min(level, depth) + 1  # a list goes one level deeper at most
        deepest = max(deepest, depth)
        text += "  " * (depth - 1) + "- " + joint.join(p for p, _, _ in parts).strip() + "\n"
        expected += [i for _, _, i in parts if i]
        wanted += [w for _, ws, _ in parts for w in ws]
    if deepest > MAX_NESTING:  # found where it goes too deep (the check refuses it there), never dropped
        assert scan(text).too_deep, text
        return
    found = [c.items for c in scan(text).clusters]
    assert found == expected
    out, drawn = draw(text)
    assert len(drawn) == len(expected)
    plain = TAG.sub(" ", out)
    assert all(word in plain for word in wanted)
    _, report, used = checked(text)
    assert used == {i.key for c in expected for i in c}
    assert {UNKNOWN.match(d.message)[1] for d in report.items} == used - set(LIBRARY.items)
