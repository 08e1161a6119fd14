"""BibTeX entries turned into CSL items: types, names, dates and LaTeX decoded, with a located message for an
entry that cannot be used and a warning for a field that is dropped."""

from pathlib import Path

from pipeline.errors import Report
from pipeline.sources.references import CSL_TYPES, CSL_VARIABLES, bibtex_items

SHOWN = "sources/references/refs.bib"


def converted(tmp_path: Path, text: str) -> tuple[dict, Report]:
    """({key: CSL item}, report) for a BibTeX text."""
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    report = Report()
    items = bibtex_items(path, SHOWN, report)
    return {key: item for key, item, _ in items}, report


def convert(tmp_path: Path, text: str) -> tuple[dict, list[str]]:
    """({key: CSL item}, report lines) for a BibTeX text."""
    items, report = converted(tmp_path, text)
    return items, report.lines()


def one(tmp_path: Path, text: str) -> dict:
    """The only CSL item of a BibTeX text that converts without a message."""
    items, lines = convert(tmp_path, text)
    assert lines == []
    [item] = items.values()
    return item


ARTICLE = """@article{doe2020,
  author  = {Doe, Jane and Richard Roe and {World Health Organization}},
  title   = {Caf{\\'e} Society and M{\\"u}ller's {\\AA}ngstr{\\"o}m},
  journal = {Journal of Things},
  year    = {2020},
  month   = may,
  volume  = {12},
  doi     = {10.1000/xyz}
}
"""


def test_article_becomes_a_journal_article(tmp_path: Path):
    item = one(tmp_path, ARTICLE)
    assert (item["id"], item["type"], item["container-title"], item["volume"], item["DOI"]) == (
        "doe2020",
        "article-journal",
        "Journal of Things",
        "12",
        "10.1000/xyz",
    )


def test_authors_family_given_forms_and_braced_organization(tmp_path: Path):
    assert one(tmp_path, ARTICLE)["author"] == [
        {"family": "Doe", "given": "Jane"},
        {"family": "Roe", "given": "Richard"},
        {"literal": "World Health Organization"},
    ]


def test_an_articles_number_is_its_issue_and_its_pages_a_range(tmp_path: Path):
    item = one(
        tmp_path, "@article{a,\n  title = {T},\n  volume = {51},\n  number = {2},\n  pages = {412--430}\n}\n"
    )
    assert (item["volume"], item["issue"], item["page"], "number" in item) == (
        "51",
        "2",
        "412\u2013430",
        False,
    )


def test_a_reports_number_stays_its_number(tmp_path: Path):
    item = one(tmp_path, "@techreport{r,\n  title = {T},\n  number = {MDE 24/4583/2021}\n}\n")
    assert (item["number"], "issue" in item) == ("MDE 24/4583/2021", False)


def test_an_accented_letter_in_braces_does_not_make_a_name_literal(tmp_path: Path):
    item = one(
        tmp_path,
        '@misc{o,\n  title = {T},\n  author = {{\\"O}zt{\\"u}rk, Ay{\\c{s}}e and {\\"O}zt{\\"u}rk}\n}\n',
    )
    assert item["author"] == [
        {"family": "\u00d6zt\u00fcrk", "given": "Ay\u015fe"},
        {"literal": "\u00d6zt\u00fcrk"},
    ]


def test_latex_accents_are_decoded(tmp_path: Path):
    assert one(tmp_path, ARTICLE)["title"] == "Caf\u00e9 Society and M\u00fcller\u2019s \u00c5ngstr\u00f6m"


def test_year_and_month_become_issued(tmp_path: Path):
    assert one(tmp_path, ARTICLE)["issued"] == {"date-parts": [[2020, 5]]}


def test_numeric_month_and_day(tmp_path: Path):
    item = one(tmp_path, "@book{b,\n  title = {B},\n  year = 2019,\n  month = {7},\n  day = {4}\n}\n")
    assert item["issued"] == {"date-parts": [[2019, 7, 4]]}


def test_date_and_urldate(tmp_path: Path):
    item = one(
        tmp_path,
        "@online{w,\n  title = {W},\n  date = {2024-03-05},\n  urldate = {2024-04-01},\n"
        "  url = {https://example.org/a}\n}\n",
    )
    assert (item["type"], item["URL"]) == ("webpage", "https://example.org/a")
    assert (item["issued"], item["accessed"]) == (
        {"date-parts": [[2024, 3, 5]]},
        {"date-parts": [[2024, 4, 1]]},
    )


def test_single_word_author_is_a_literal_name(tmp_path: Path):
    item = one(tmp_path, "@techreport{r,\n  author = {UNHCR},\n  title = {R},\n  institution = {UN}\n}\n")
    assert (item["type"], item["author"], item["publisher"]) == ("report", [{"literal": "UNHCR"}], "UN")


def test_editor_and_place(tmp_path: Path):
    item = one(tmp_path, "@book{b,\n  editor = {Roe, R.},\n  title = {B},\n  address = {Paris}\n}\n")
    assert (item["editor"], item["publisher-place"]) == ([{"family": "Roe", "given": "R."}], "Paris")


def test_string_macros_are_expanded(tmp_path: Path):
    item = one(tmp_path, "@string{pub = {Policy Press}}\n@misc{s,\n  title = {S},\n  publisher = pub\n}\n")
    assert item["publisher"] == "Policy Press"


def test_markup_in_a_field_is_escaped(tmp_path: Path):
    assert (
        one(tmp_path, "@misc{m,\n  title = {<b>Bold</b> & Co}\n}\n")["title"]
        == "&lt;b&gt;Bold&lt;/b&gt; &amp; Co"
    )


def test_braced_organization_containing_and_is_one_name(tmp_path: Path):
    item = one(
        tmp_path, "@report{g,\n  author = {{Bill and Melinda Gates Foundation}},\n  title = {Letter}\n}\n"
    )
    assert item["author"] == [{"literal": "Bill and Melinda Gates Foundation"}]


def test_double_hyphen_page_range_becomes_a_dash(tmp_path: Path):
    item = one(tmp_path, "@article{p,\n  title = {P},\n  journal = {J},\n  pages = {3--14}\n}\n")
    assert item["page"] == "3\u201314"


def test_converted_items_use_only_csl_vocabulary(tmp_path: Path):
    item = one(tmp_path, ARTICLE)
    assert item["type"] in CSL_TYPES
    assert set(item) - {"id", "type"} <= CSL_VARIABLES


# --- problems ----------------------------------------------------------------------------------


def test_unknown_entry_type_is_an_error_on_its_line(tmp_path: Path):
    items, lines = convert(tmp_path, "@misc{ok,\n  title = {Fine}\n}\n\n@foo{weird,\n  title = {T}\n}\n")
    assert lines == [f"{SHOWN}:5:1: error: unknown BibTeX entry type '@foo' [citation.bibtex]"]
    assert list(items) == ["ok"]


def test_unused_field_is_a_warning(tmp_path: Path):
    items, lines = convert(
        tmp_path, "@book{b,\n  title = {B},\n  keywords = {kept quiet},\n  abstractx = {typo}\n}\n"
    )
    assert lines == [f"{SHOWN}:4:1: warning: BibTeX field 'abstractx' of 'b' is not used [citation.bibtex]"]
    assert "b" in items


def test_entry_without_title_is_an_error(tmp_path: Path):
    items, lines = convert(tmp_path, "@misc{notitle,\n  year = {2020}\n}\n")
    assert lines == [f"{SHOWN}:1:1: error: BibTeX entry 'notitle' has no title [citation.bibtex]"]
    assert items == {}


def test_url_that_is_not_a_web_address(tmp_path: Path):
    items, lines = convert(tmp_path, "@misc{u,\n  title = {U},\n  url = {ftp://example.org/u}\n}\n")
    assert lines == [f"{SHOWN}:3:1: error: url of 'u' must start with https:// [citation.bibtex]"]
    assert items == {}


MALFORMED = (
    "@misc{ok,\n  title = {Fine}\n}\n\n@misc{broken,\n  title = {Unclosed,\n  year = {2020}\n\n"
    "@misc{after,\n  title = {After}\n}\n"
)


def test_malformed_entry_is_an_error_on_its_line_and_the_others_still_load(tmp_path: Path):
    items, report = converted(tmp_path, MALFORMED)
    [problem] = report.items
    assert (problem.path, problem.line, problem.col, problem.severity, problem.code) == (
        SHOWN,
        5,
        1,
        "error",
        "citation.bibtex",
    )
    assert problem.message.startswith("BibTeX entry cannot be read:")
    assert sorted(items) == ["after", "ok"]


def test_malformed_entry_message_says_what_is_wrong(tmp_path: Path):
    _, lines = convert(tmp_path, MALFORMED)
    [line] = lines
    reason = line.split("cannot be read:", 1)[1].removesuffix("[citation.bibtex]").strip()
    assert reason != ""


def test_duplicate_key_in_one_file(tmp_path: Path):
    items, lines = convert(tmp_path, "@misc{a,\n  title = {A}\n}\n\n@misc{a,\n  title = {B}\n}\n")
    assert lines == [
        f"{SHOWN}:5:1: error: BibTeX entry cannot be read: Duplicate entry key 'a' [citation.bibtex]"
    ]
    assert items["a"]["title"] == "A"


def test_file_that_is_not_utf8(tmp_path: Path):
    (tmp_path / "refs.bib").write_bytes("@misc{a,\n  title = {Caf\u00e9}\n}\n".encode("latin-1"))
    report = Report()
    assert bibtex_items(tmp_path / "refs.bib", SHOWN, report) == []
    assert report.lines() == [
        f"{SHOWN}:2:15: error: file is not UTF-8 text (invalid continuation byte at byte 23); "
        "save it as UTF-8 [file.encoding]"
    ]
