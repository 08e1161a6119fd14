"""Step 3, cite: the reference library (CSL-JSON, CSL-YAML, BibTeX) with located problems, citation checks in
topic text, and citations and bibliographies formatted with CSL (Chicago notes, APA, numbered sources)."""

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.document.cite import Citer, tidy
from pipeline.errors import Report
from pipeline.sources.load import parse_yaml
from pipeline.sources.references import Library, check_cite, check_style, check_text, load_library, style_path
from pipeline.sources.text import parse_cluster
from tests.conftest import ROOTS

UNITS = ROOTS / "units"
LIB = "sources/references"
TOPIC = "sources/topics/t.yaml"


def library_of(folder: Path, files: dict[str, str] | None = None) -> tuple[Library, list[str]]:
    """(library, report lines) of the reference folder `folder` after writing `files` ({name: text})."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    report = Report()
    library = load_library(folder, LIB, report)
    return library, report.lines()


def csl_json(folder: Path, text: str) -> tuple[Library, list[str]]:
    """(library, report lines) of a reference folder holding one CSL-JSON file, a.json."""
    return library_of(folder, {"a.json": text})


def unit_library(tmp_path: Path) -> Library:
    """The fixture library (library.json and statutes.bib), copied to tmp_path."""
    shutil.copytree(UNITS / "references", tmp_path / "references")
    library, lines = library_of(tmp_path / "references")
    assert lines == []
    return library


def one_item(extra: str) -> str:
    """A CSL-JSON file with one report (id 'x') and `extra` JSON members; the item starts on line 2."""
    return '[\n  {"id": "x", "type": "report", "title": "T"' + extra + "}\n]\n"


def style(name: str, tmp_path: Path) -> Path:
    return style_path(name, tmp_path / "sources")


def citer(tmp_path: Path, name: str, mode: str, library: Library | None = None) -> Citer:
    return Citer(library or unit_library(tmp_path), style(name, tmp_path), "en-US", mode)


def cite_all(c: Citer, *raws: str) -> list[str]:
    return [c.cite(parse_cluster(raw)) for raw in raws]


def visible(markup: str) -> str:
    """The text a reader sees, as an HTML parser reads it (entities decoded within text, tags dropped, the
    zero-width marks that allow or forbid a line break left out)."""
    parts: list[str] = []
    parser = HTMLParser(convert_charrefs=True)
    parser.handle_data = parts.append
    parser.feed(markup)
    parser.close()
    return re.sub("[\u200b\u2060]", "", "".join(parts))  # break marks are invisible


def hrefs(markup: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', markup)]


# --- the library -------------------------------------------------------------------------------


def test_library_reads_csl_json_and_bibtex(tmp_path: Path):
    library = unit_library(tmp_path)
    assert sorted(library.items) == ["act2019", "doe2020", "roe2019", "who2021"]
    assert library.where["doe2020"] == (f"{LIB}/library.json", 3, 11)
    assert library.where["act2019"] == (f"{LIB}/statutes.bib", 3, 1)


def test_csl_dates_are_normalized(tmp_path: Path):
    library = unit_library(tmp_path)
    assert library.items["doe2020"]["issued"] == {"date-parts": [[2020, 5, 1]]}
    assert library.items["roe2019"]["issued"] == {"date-parts": [[2019]]}


def test_missing_library_folder(tmp_path: Path):
    report = Report()
    load_library(tmp_path / "absent", LIB, report)
    assert report.lines() == [f"{LIB}: error: the reference library folder is missing [citation.library]"]


def test_duplicate_key_across_files_names_both_places(tmp_path: Path):
    library, lines = library_of(
        tmp_path,
        {
            "a.json": one_item("").replace('"x"', '"doe2020"', 1),
            "b.bib": "@misc{doe2020,\n  title = {Other}\n}\n",
        },
    )
    assert lines == [
        f"{LIB}/b.bib:1:1: error: duplicate reference key 'doe2020' (first defined at {LIB}/a.json:2) "
        "[citation.duplicate]"
    ]
    assert library.items["doe2020"]["title"] == "T"


def test_duplicate_key_in_one_yaml_file(tmp_path: Path):
    refs = "- id: x\n  type: report\n  title: T\n- id: x\n  type: book\n  title: U\n"
    _, lines = library_of(tmp_path, {"refs.yaml": refs})
    assert lines == [
        f"{LIB}/refs.yaml:4:7: error: duplicate reference key 'x' (first defined at {LIB}/refs.yaml:1) "
        "[citation.duplicate]"
    ]


def test_unknown_csl_type(tmp_path: Path):
    _, lines = csl_json(tmp_path, one_item("").replace('"report"', '"reprot"'))
    assert lines == [
        f"{LIB}/a.json:2:23: error: unknown CSL type 'reprot' (did you mean 'report'?) [citation.item]"
    ]


def test_unknown_csl_variable_suggests_one(tmp_path: Path):
    library, lines = csl_json(tmp_path, one_item(', "autor": []'))
    assert lines == [
        f"{LIB}/a.json:2:47: error: unknown CSL variable 'autor' (did you mean 'author'?) [citation.item]"
    ]
    assert "x" not in library


@pytest.mark.parametrize("url", ["ftp://example.org/a", "javascript:alert(1)"])
def test_url_must_be_a_web_address(tmp_path: Path, url: str):
    _, lines = csl_json(tmp_path, one_item(f', "URL": "{url}"'))
    assert lines == [f"{LIB}/a.json:2:54: error: URL '{url}' must start with https:// [citation.item]"]


def test_missing_title(tmp_path: Path):
    _, lines = csl_json(tmp_path, '[\n  {"id": "x", "type": "report"}\n]\n')
    assert lines == [f"{LIB}/a.json:2:3: error: reference is missing 'title' [citation.item]"]


def test_bad_date(tmp_path: Path):
    _, lines = csl_json(tmp_path, one_item(', "issued": "May 2020"'))
    assert lines == [
        f"{LIB}/a.json:2:57: error: issued must be {{date-parts: [[year, month, day]]}} or 'YYYY-MM-DD' "
        "[citation.item]"
    ]


def test_names_must_be_a_list(tmp_path: Path):
    _, lines = csl_json(tmp_path, one_item(', "author": "Doe"'))
    assert lines == [
        f"{LIB}/a.json:2:57: error: author must be a list of names ({{family, given}} or {{literal}}) "
        "[citation.item]"
    ]


def test_file_that_is_not_a_list(tmp_path: Path):
    _, lines = csl_json(tmp_path, '{"id": "x"}\n')
    assert lines == [
        f"{LIB}/a.json:1:1: error: a CSL reference file must be a list of items [citation.library]"
    ]


def test_json_syntax_error_is_located(tmp_path: Path):
    _, lines = csl_json(tmp_path, '[\n  {"id": "x", "type": "report", "title": "T"\n]\n')
    assert lines == [
        f"{LIB}/a.json:3:1: error: YAML syntax: a comma is missing before this item, or a closing "
        "'}' (YAML: while parsing a flow mapping: expected ',' or '}', but got ']') [yaml.syntax]"
    ]


def test_reference_text_is_escaped_and_typographic(tmp_path: Path):
    library, _ = csl_json(tmp_path, one_item("").replace('"T"', '"It\'s \\"new\\" <b>here</b>"'))
    assert library.items["x"]["title"] == "It\u2019s \u201cnew\u201d &lt;b&gt;here&lt;/b&gt;"


# --- citations in topic text -------------------------------------------------------------------


def checked_text(tmp_path: Path, yaml_text: str) -> tuple[set, list[str]]:
    library = unit_library(tmp_path)
    report = Report()
    source = parse_yaml(yaml_text, TOPIC, report)
    used = check_text(source.data["summary"], ("summary",), source, library, report, "en")
    return used, report.lines()


def test_unknown_citation_suggests_a_key_at_its_place(tmp_path: Path):
    used, lines = checked_text(tmp_path, "summary: |\n  A claim.\n  Another claim.[@doe202]\n")
    assert lines == [
        f"{TOPIC}:3:18: error: unknown citation 'doe202' (did you mean 'doe2020'?) [citation.unknown]"
    ]
    assert used == {"doe202"}


def test_unknown_citation_in_a_folded_block(tmp_path: Path):
    _, lines = checked_text(tmp_path, "summary: >\n  One [@doe2020, p. 4] and\n  two [@rooe2019].\n")
    assert lines == [
        f"{TOPIC}:3:8: error: unknown citation 'rooe2019' (did you mean 'roe2019'?) [citation.unknown]"
    ]


def test_unknown_citation_without_a_close_key(tmp_path: Path):
    _, lines = checked_text(tmp_path, "summary: Claim [@zzz].\n")
    assert lines == [f"{TOPIC}:1:17: error: unknown citation 'zzz' [citation.unknown]"]


def test_unknown_key_that_prefixes_a_known_one_is_located_at_its_own_place(tmp_path: Path):
    _, lines = checked_text(tmp_path, "summary: |\n  Known claim.[@doe2020]\n  Typo claim.[@doe]\n")
    assert lines == [
        f"{TOPIC}:3:15: error: unknown citation 'doe' (did you mean 'doe2020'?) [citation.unknown]"
    ]


def test_known_citations_are_fine_and_returned(tmp_path: Path):
    used, lines = checked_text(tmp_path, "summary: Claims.[@doe2020, p. 4; see @act2019]\n")
    assert lines == []
    assert used == {"doe2020", "act2019"}


def test_unclosed_citation_is_located_at_its_own_bracket(tmp_path: Path):
    _, lines = checked_text(
        tmp_path, "summary: |\n  Claim [@doe2020, p. 3\n  and [@doe2020, p. 3] [@doe2020, p. 3 and on\n"
    )
    assert lines == [
        f"{TOPIC}:2:9: error: citation '[@doe2020, p. 3' is not closed: end it with ']', as in [@key] or "
        "[@key, p. 12] [citation.syntax]",
        f"{TOPIC}:3:24: error: citation '[@doe2020, p. 3 and on' is not closed: end it with ']', as in "
        "[@key] or [@key, p. 12] [citation.syntax]",
    ]


@pytest.mark.parametrize("cite", ["see the report", "hrw-2021", "[@doe2020] and more", "[see @]"])
def test_a_cite_field_that_is_not_a_citation(cite: str):
    report = Report()
    source = parse_yaml(f'cite: "{cite}"\n', TOPIC, report)
    check_cite(source.data["cite"], ("cite",), source, report)
    assert report.lines() == [
        f"{TOPIC}:1:7: error: cite must be a citation such as [@key] or [@key, p. 4], not '{cite}' "
        "[citation.syntax]"
    ]


@pytest.mark.parametrize("cite", ["[@doe2020]", "[@doe2020, p. 4]", " [@doe2020] [@roe2019] "])
def test_a_cite_field_with_citations_only_is_fine(cite: str):
    report = Report()
    source = parse_yaml(f"cite: '{cite}'\n", TOPIC, report)
    check_cite(source.data["cite"], ("cite",), source, report)
    assert report.lines() == []


def test_an_address_in_brackets_is_not_a_citation(tmp_path: Path):
    _, lines = checked_text(tmp_path, "summary: Write [to office@example.org or call.\n")
    assert lines == []


def test_http_url_names_the_fix(tmp_path: Path):
    _, lines = csl_json(tmp_path, one_item(', "URL": "http://example.org/a"'))
    assert lines == [
        f"{LIB}/a.json:2:54: error: URL 'http://example.org/a' must start with https:// (plain http:// is "
        "not allowed: use the https:// address) [citation.item]"
    ]


def test_malformed_citation(tmp_path: Path):
    _, lines = checked_text(tmp_path, "summary: |\n  Claim [@doe2020; and more].\n")
    assert lines == [
        f"{TOPIC}:2:9: error: malformed citation '[@doe2020; and more]': write [@key] or [@key, p. 12] "
        "[citation.syntax]"
    ]


def test_citation_in_an_image_description_is_an_error(tmp_path: Path):
    """Found by fuzzing: it was checked (and listed) but never drawn, as a description is plain text."""
    used, lines = checked_text(tmp_path, "summary: See ![Map [@doe2020]](assets/map.svg).\n")
    assert used == set()
    assert lines == [
        f"{TOPIC}:1:20: error: citation '[@doe2020]' is in an image's description, which is shown as plain "
        "text; cite the source in the text beside the image [citation.syntax]"
    ]


def test_email_in_brackets_is_not_a_citation(tmp_path: Path):
    used, lines = checked_text(tmp_path, "summary: Write to us [email press@example.org].\n")
    assert (used, lines) == (set(), [])


# --- styles ------------------------------------------------------------------------------------


def test_unknown_style_suggests_a_name(tmp_path: Path):
    report = Report()
    check_style(
        "chicago-note-bibliography", tmp_path / "sources", ("sources/organization.yaml", 17, 19), report
    )
    assert report.lines() == [
        "sources/organization.yaml:17:19: error: unknown citation style 'chicago-note-bibliography' "
        "(did you mean 'chicago-notes-bibliography'?); use a name such as chicago-notes-bibliography or apa "
        "[citation.style]"
    ]


def test_known_style_names_are_fine(tmp_path: Path):
    report = Report()
    for name in ("apa", "chicago-notes-bibliography"):
        check_style(name, tmp_path / "sources", ("sources/organization.yaml", 17, 19), report)
    assert report.lines() == []


def test_style_file_under_sources(tmp_path: Path):
    (tmp_path / "sources").mkdir()
    shutil.copy(style("apa", tmp_path), tmp_path / "sources" / "house.csl")
    assert style_path("house.csl", tmp_path / "sources") == (tmp_path / "sources" / "house.csl").resolve()


def test_style_file_outside_sources_is_refused(tmp_path: Path):
    (tmp_path / "sources").mkdir()
    shutil.copy(style("apa", tmp_path), tmp_path / "outside.csl")
    report = Report()
    check_style("../outside.csl", tmp_path / "sources", ("sources/organization.yaml", 17, 19), report)
    assert report.lines() == [
        "sources/organization.yaml:17:19: error: citation style file '../outside.csl' is not a file under "
        "sources/ "
        "[citation.style]"
    ]


# --- formatting --------------------------------------------------------------------------------


def test_numbered_sources_follow_first_use_and_reuse_numbers(tmp_path: Path):
    c = citer(tmp_path, "chicago-notes-bibliography", "numbered")
    assert cite_all(c, "[@roe2019]", "[@doe2020, p. 4]", "[@roe2019; @act2019]", "[@doe2020]") == [
        '\u2060<sup class="src" role="doc-noteref">1</sup>',
        '\u2060<sup class="src" role="doc-noteref">2</sup>',
        '\u2060<sup class="src" role="doc-noteref">1,3</sup>',
        '\u2060<sup class="src" role="doc-noteref">2</sup>',
    ]
    sources = c.sources()
    assert [n for n, _ in sources] == [1, 2, 3]
    assert [
        title in entry
        for (_, entry), title in zip(
            sources,
            ["A History of Aid", "Counting the Cost", "Civilian Protection Act of 2019"],
            strict=False,
        )
    ] == [True] * 3


def test_chicago_footnotes_give_a_full_note_then_a_short_one(tmp_path: Path):
    c = citer(tmp_path, "chicago-notes-bibliography", "footnote")
    assert cite_all(c, "[@who2021, p. 12]", "[@who2021, p. 13]") == [
        '\u2060<span class="footnote">World Health Organization, <i>Health in Crisis</i> '
        "(WHO, 2021), 12.</span>",
        '\u2060<span class="footnote">World Health Organization, <i>Health in Crisis</i>, 13.</span>',
    ]
    assert len(c.notes) == 2


def test_endnotes_give_numbered_calls(tmp_path: Path):
    c = citer(tmp_path, "chicago-notes-bibliography", "endnote")
    assert cite_all(c, "[@who2021]", "[@roe2019]") == [
        '\u2060<a class="note-call" href="#note-1" id="call-1">1</a>',
        '\u2060<a class="note-call" href="#note-2" id="call-2">2</a>',
    ]
    assert c.notes[0] == "World Health Organization, <i>Health in Crisis</i> (WHO, 2021)."


def test_replay_gives_the_same_citations_without_new_notes(tmp_path: Path):
    c = citer(tmp_path, "chicago-notes-bibliography", "footnote")
    first = cite_all(c, "[@who2021, p. 12]", "[@who2021, p. 13]")
    c.replay()
    assert cite_all(c, "[@who2021, p. 12]", "[@who2021, p. 13]") == first
    assert len(c.notes) == 2


def test_apa_in_text_with_a_page(tmp_path: Path):
    c = citer(tmp_path, "apa", "in-text")
    assert cite_all(c, "[@doe2020, p. 12]", "[see @who2021; @roe2019]") == [
        '<span class="cite">(Doe, 2020, p. 12)</span>',
        '<span class="cite">(Roe, 2019; see World Health Organization, 2021)</span>',
    ]


def test_note_mode_with_an_author_date_style_falls_back_to_in_text(tmp_path: Path):
    c = citer(tmp_path, "apa", "footnote")
    assert c.mode == "in-text"
    assert cite_all(c, "[@doe2020, as quoted]") == ['<span class="cite">(Doe, 2020, as quoted)</span>']


def test_apa_bibliography_links_urls(tmp_path: Path):
    c = citer(tmp_path, "apa", "in-text")
    cite_all(c, "[@doe2020]", "[@who2021]")
    assert c.bibliography() == [
        (
            "doe2020",
            "Doe, J. (2020). <i>Counting the Cost</i>. Policy Institute. "
            '<a class="url" href="https://example.org/cost">https:\u200b//\u200bexample\u200b.org\u200b/\u2060cost</a>',
        ),
        ("who2021", "World Health Organization. (2021). <i>Health in Crisis</i>. WHO."),
    ]


def script_library(tmp_path: Path) -> Library:
    library, lines = csl_json(
        tmp_path / "refs",
        (
            '[\n  {"id": "x", "type": "report", "title": "Bad <script>alert(1)</script> Title",\n'
            '   "author": [{"literal": "Org <b>Name</b>"}], "publisher": "P&Q", "issued": "2020"}\n]\n'
        ),
    )
    assert lines == []
    return library


def test_markup_in_a_reference_is_escaped_in_the_citation(tmp_path: Path):
    c = citer(tmp_path, "chicago-notes-bibliography", "footnote", script_library(tmp_path))
    assert cite_all(c, "[@x]") == [
        '\u2060<span class="footnote">Org &lt;b&gt;Name&lt;/b&gt;, '
        "<i>Bad &lt;script&gt;alert(1)&lt;/script&gt; Title</i> "
        "(P&amp;Q, 2020).</span>"
    ]


def test_markup_in_a_reference_is_escaped_in_the_bibliography(tmp_path: Path):
    c = citer(tmp_path, "chicago-notes-bibliography", "footnote", script_library(tmp_path))
    cite_all(c, "[@x]")
    assert c.bibliography() == [
        (
            "x",
            "Org &lt;b&gt;Name&lt;/b&gt;. <i>Bad &lt;script&gt;alert(1)&lt;/script&gt; Title</i>. P&amp;Q, "
            "2020.",
        )
    ]


def web_library(tmp_path: Path, title: str, url: str) -> Library:
    library, lines = csl_json(
        tmp_path / "refs",
        (
            f'[\n  {{"id": "w", "type": "webpage", "title": "{title}", "container-title": "Wikipedia",\n'
            f'   "issued": "2024", "URL": "{url}"}}\n]\n'
        ),
    )
    assert lines == []
    return library


def test_bibliography_keeps_a_url_that_contains_the_title(tmp_path: Path):
    url = "https://en.wikipedia.org/wiki/Captagon"
    c = citer(tmp_path, "chicago-notes-bibliography", "footnote", web_library(tmp_path, "Captagon", url))
    cite_all(c, "[@w]")
    [(_, entry)] = c.bibliography()
    assert hrefs(entry) == [url]


def test_printed_url_with_a_query_string_reads_as_written(tmp_path: Path):
    url = "https://example.org/view?id=1&lang=en"
    c = citer(tmp_path, "apa", "in-text", web_library(tmp_path, "A Page", url))
    cite_all(c, "[@w]")
    [(_, entry)] = c.bibliography()
    assert hrefs(entry) == [url]
    assert visible(entry).endswith(url)


def test_url_ending_in_a_parenthesis_is_linked_whole(tmp_path: Path):
    url = "https://en.wikipedia.org/wiki/Captagon_(drug)"
    c = citer(tmp_path, "apa", "in-text", web_library(tmp_path, "A Drug", url))
    cite_all(c, "[@w]")
    [(_, entry)] = c.bibliography()
    assert hrefs(entry) == [url]


# --- what citeproc-py leaves for tidy --------------------------------------------------------


def test_tidy_moves_commas_and_periods_inside_quotes_in_american_english():
    assert tidy("\u201cTitle\u201d, <i>Paper</i>. \u201cOther\u201d.", "en-US") == (
        "\u201cTitle,\u201d <i>Paper</i>. \u201cOther.\u201d"
    )


def test_tidy_moves_a_period_inside_the_quotes_that_end_an_italic_title():
    assert tidy("Amnesty, <i>“Going to Your Death”</i>.", "en-US") == "Amnesty, <i>“Going to Your Death.”</i>"


def test_tidy_leaves_quotes_alone_in_british_english():
    text = "\u201cTitle\u201d, <i>Paper</i>."
    assert tidy(text, "en-GB") == text


def test_tidy_gives_a_quotation_inside_a_quoted_title_single_quotes():
    note = "“Biden Signs “Captagon II” Act,” <i>Enab Baladi</i>; “Short “II””, 3."
    assert tidy(note, "en-US") == "“Biden Signs ‘Captagon II’ Act,” <i>Enab Baladi</i>; “Short ‘II,’” 3."


def test_tidy_drops_a_period_after_a_title_ending_in_a_question_mark():
    assert (
        tidy("\u201cWhat Did OFAC Do?\u201d. No. 1105.", "en-US") == "\u201cWhat Did OFAC Do?\u201d No. 1105."
    )
