"""Step 2, model: topic files validated against the documented format, and the checks that span fields
(dates, positions, images and links), each with a located message that says what to change."""

import datetime as dt
from pathlib import Path

import pytest

from pipeline.errors import Report
from pipeline.sources.load import parse_yaml
from pipeline.sources.model import Topic, check_topic, validate
from tests.conftest import ROOTS

TOPIC = (ROOTS / "units" / "topic.yaml").read_text(encoding="utf-8")
SHOWN = "sources/topics/topic.yaml"
BEFORE_REVIEW = dt.date(2024, 3, 1)  # between the fixture's as_of (2024-01-10) and review_by (2024-07-10)


def variant(old: str, new: str, text: str = TOPIC) -> str:
    """The fixture topic with one piece of text replaced."""
    assert old in text
    return text.replace(old, new, 1)


def validated(text: str, shown: str = SHOWN):
    """(topic or None, source, report) for a topic text."""
    report = Report()
    source = parse_yaml(text, shown, report)
    return validate(Topic, source, report, "the topic file"), source, report


def checked(text: str, root: Path, shown: str = SHOWN, today: dt.date = BEFORE_REVIEW) -> list[str]:
    """The report lines of validating and checking a topic text that is valid by the schema."""
    topic, source, report = validated(text, shown)
    assert topic is not None, report.lines()
    check_topic(topic, source, root, report, today)
    return report.lines()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project folder with one image, sources/assets/map.svg."""
    (tmp_path / "sources" / "assets").mkdir(parents=True)
    (tmp_path / "sources" / "assets" / "map.svg").write_text("<svg/>", encoding="utf-8")
    return tmp_path


def with_body(paragraph: str) -> str:
    """The fixture topic with its first section's first paragraph (line 19, column 7) replaced."""
    return variant("First paragraph.", paragraph)


# --- the schema --------------------------------------------------------------------------------


def test_fixture_topic_is_valid(root: Path):
    assert checked(TOPIC, root) == []


def test_unknown_key_suggests_the_known_one_and_lists_all():
    _, _, report = validated(TOPIC + "subtitel: Misspelt\n")
    assert report.lines() == [
        f"{SHOWN}:22:1: error: unknown key 'subtitel' (did you mean 'subtitle'?); known keys: id, title, "
        "subtitle, "
        "layout, status, as_of, review_by, language, authors, keywords, summary, asks, key_facts, sections, "
        "questions, one_pager, briefing, committees [schema.unknown-key]"
    ]


def test_unknown_key_in_a_list_item_names_the_item():
    _, _, report = validated(variant("  - name: Policy Team\n", "  - name: Policy Team\n    rol: Director\n"))
    assert report.lines() == [
        f"{SHOWN}:9:5: error: unknown key 'rol' in authors[1] (did you mean 'role'?); known keys: name, role "
        "[schema.unknown-key]"
    ]


def test_missing_required_key():
    _, _, report = validated(variant("layout: base\n", ""))
    assert report.lines() == [
        f"{SHOWN}:1:1: error: the file is missing the required key 'layout' [schema.missing]"
    ]


def test_missing_required_key_in_a_list_item():
    _, _, report = validated(variant("  - ask: Pass the bill.", "  - bill: {number: H.R. 1, title: An Act}"))
    assert report.lines() == [
        f"{SHOWN}:11:5: error: asks[1] is missing the required key 'ask' [schema.missing]"
    ]


def test_list_where_text_is_expected():
    _, _, report = validated(variant("title: A small topic", "title:\n  - A small\n  - topic"))
    assert report.lines() == [f"{SHOWN}:3:3: error: title must be text [schema.type]"]


def test_text_where_a_list_is_expected():
    _, _, report = validated(variant("authors:\n  - name: Policy Team", "authors: Policy Team"))
    assert report.lines() == [
        f"{SHOWN}:7:10: error: authors must be a list (lines starting with '- ') (got 'Policy Team') "
        "[schema.type]"
    ]


def test_empty_text_is_refused():
    _, _, report = validated(variant("title: A small topic", "title: ''"))
    assert report.lines() == [f"{SHOWN}:2:8: error: title must not be empty (got '') [schema.type]"]


def test_bad_date():
    _, _, report = validated(variant("as_of: 2024-01-10", "as_of: 2024-13-01"))
    assert report.lines() == [
        f"{SHOWN}:5:8: error: as_of must be a date written YYYY-MM-DD (got '2024-13-01') [schema.type]"
    ]


def test_date_without_dashes_gets_the_friendly_message():
    _, _, report = validated(variant("as_of: 2024-01-10", "as_of: 20240110"))
    assert report.lines() == [
        f"{SHOWN}:5:8: error: as_of must be a date written YYYY-MM-DD (got '20240110') [schema.type]"
    ]


def test_number_is_not_a_date():
    topic, _, report = validated(variant("as_of: 2024-01-10", "as_of: 0"))
    assert topic is None
    assert report.lines() == [
        f"{SHOWN}:5:8: error: as_of must be a date written YYYY-MM-DD (got '0') [schema.type]"
    ]


def test_status_must_be_a_choice():
    _, _, report = validated(variant("status: draft", "status: drafted"))
    assert report.lines() == [
        f"{SHOWN}:4:9: error: status must be one of 'approved', 'draft', not 'drafted' (did you mean "
        "'draft'?) "
        "[schema.choice]"
    ]


def test_id_must_be_a_safe_slug():
    _, _, report = validated(variant("id: topic", "id: ../x"))
    assert report.lines() == [
        f"{SHOWN}:1:5: error: id: '../x' is not a safe slug: use only lowercase letters, digits and single "
        "hyphens, like 'refugee-return' [schema.slug]"
    ]


def test_language_must_be_a_tag():
    _, _, report = validated(TOPIC + "language: English\n")
    assert report.lines() == [
        f"{SHOWN}:22:11: error: language: 'English' is not a language tag like 'en-US' or 'fr' "
        "[schema.language]"
    ]


def test_too_many_one_pager_points():
    _, _, report = validated(TOPIC + "one_pager:\n  points: [a, b, c, d, e, f]\n")
    assert report.lines() == [
        f"{SHOWN}:23:11: error: one_pager.points has 6 items; at most 5 fit [schema.too-many]"
    ]


def test_fact_position_below_one():
    _, _, report = validated(TOPIC + "one_pager:\n  facts: [1, 0]\n")
    assert report.lines() == [f"{SHOWN}:23:14: error: one_pager.facts[2] must be 1 or more [schema.range]"]


def test_fact_position_must_be_a_number():
    _, _, report = validated(TOPIC + "one_pager:\n  facts: [first]\n")
    assert report.lines() == [
        f"{SHOWN}:23:11: error: one_pager.facts[1] must be a whole number (got 'first') [schema.type]"
    ]


def test_at_least_one_author():
    _, _, report = validated(variant("authors:\n  - name: Policy Team", "authors: []"))
    assert report.lines() == [f"{SHOWN}:7:10: error: authors needs at least 1 item(s) [schema.too-few]"]


def test_empty_file():
    _, _, report = validated("# nothing yet\n")
    assert report.lines() == [f"{SHOWN}:1:1: error: the topic file is empty [schema.empty]"]


# --- checks across fields ----------------------------------------------------------------------


def test_review_by_before_as_of_is_an_error(root: Path):
    lines = checked(variant("review_by: 2024-07-10", "review_by: 2024-01-01"), root)
    assert lines == [
        f"{SHOWN}:6:12: error: review_by (2024-01-01) must come after as_of (2024-01-10) [topic.dates]"
    ]


def test_review_by_equal_to_as_of_is_an_error(root: Path):
    lines = checked(variant("review_by: 2024-07-10", "review_by: 2024-01-10"), root)
    assert lines == [
        f"{SHOWN}:6:12: error: review_by (2024-01-10) must come after as_of (2024-01-10) [topic.dates]"
    ]


def test_past_review_date_is_a_warning_naming_it(root: Path):
    lines = checked(TOPIC, root, today=dt.date(2024, 8, 1))
    assert lines == [
        f"{SHOWN}:6:12: warning: topic 'topic' was due for review on 2024-07-10; check the facts and move "
        "review_by forward [topic.stale]"
    ]


def test_review_date_itself_is_not_stale(root: Path):
    assert checked(TOPIC, root, today=dt.date(2024, 7, 10)) == []


def test_one_pager_fact_out_of_range(root: Path):
    lines = checked(TOPIC + "one_pager:\n  facts: [1, 2]\n", root)
    assert lines == [
        f"{SHOWN}:23:14: error: one_pager.facts names key fact 2, but the topic has 1 [topic.fact]"
    ]


def test_more_than_three_short_answers(root: Path):
    questions = "".join(
        f"  - q: Question {i}?\n    a: Answer {i}.\n    short: Short {i}.\n" for i in range(4)
    )
    lines = checked(TOPIC + "questions:\n" + questions, root)
    assert lines == [
        f"{SHOWN}:23:3: error: 4 questions have a short answer; a one-pager holds at most 3 [topic.short]"
    ]


def test_three_short_answers_fit(root: Path):
    questions = "".join(
        f"  - q: Question {i}?\n    a: Answer {i}.\n    short: Short {i}.\n" for i in range(3)
    )
    assert checked(TOPIC + "questions:\n" + questions, root) == []


def test_id_must_match_the_file_name(root: Path):
    lines = checked(TOPIC, root, shown="sources/topics/other.yaml")
    assert lines == [
        "sources/topics/other.yaml:1:5: error: topic id 'topic' differs from its file name 'other.yaml' "
        "[topic.id]"
    ]


# --- images and links in Markdown --------------------------------------------------------------


def test_file_url_image_is_refused_on_its_line(root: Path):
    lines = checked(with_body("See ![x](file:///etc/passwd) here."), root)
    assert lines == [
        f"{SHOWN}:19:16: error: image 'file:///etc/passwd' is outside the project: images must be files "
        "under "
        "sources/, given relative to it (for example assets/map.svg) [markdown.image]"
    ]


def test_file_url_image_in_a_one_line_summary(root: Path):
    lines = checked(variant("The bottom line.", "The ![x](file:///etc/passwd) bottom line."), root)
    assert lines == [
        f"{SHOWN}:9:19: error: image 'file:///etc/passwd' is outside the project: images must be files under "
        "sources/, given relative to it (for example assets/map.svg) [markdown.image]"
    ]


def test_absolute_image_path_is_refused(root: Path):
    lines = checked(with_body("See ![x](/etc/passwd) here."), root)
    assert lines == [
        f"{SHOWN}:19:16: error: image '/etc/passwd' is outside the project: images must be files under "
        "sources/, given relative to it (for example assets/map.svg) [markdown.image]"
    ]


def test_relative_image_escaping_sources_is_refused(root: Path):
    lines = checked(with_body("See ![x](../../etc/passwd) here."), root)
    assert lines == [
        f"{SHOWN}:19:16: error: image '../../etc/passwd' is outside sources/: give a path inside it "
        "(for example assets/map.svg) [markdown.image]"
    ]


def test_missing_image(root: Path):
    lines = checked(with_body("See ![map](assets/nope.svg) here."), root)
    assert lines == [
        f"{SHOWN}:19:18: error: image 'assets/nope.svg' does not exist under sources/ [markdown.image]"
    ]


def test_image_without_alt_text(root: Path):
    lines = checked(with_body("See ![](assets/map.svg) here."), root)
    assert lines == [
        f"{SHOWN}:19:15: error: image 'assets/map.svg' has no alt text: write ![what it "
        "shows](assets/map.svg) "
        "[markdown.alt]"
    ]


def test_image_under_sources_with_alt_text_is_fine(root: Path):
    assert checked(with_body("See ![The region](assets/map.svg) here."), root) == []


def test_image_with_a_non_ascii_name_is_found(root: Path):
    (root / "sources" / "assets" / "caf\u00e9.svg").write_text("<svg/>", encoding="utf-8")
    assert checked(with_body("See ![The caf\u00e9](assets/caf\u00e9.svg) here."), root) == []


def test_an_image_is_located_at_its_own_occurrence_after_a_link_to_the_same_file(root: Path):
    lines = checked(with_body("See [the map](assets/map.svg) and ![](assets/map.svg)."), root)
    assert lines == [
        f"{SHOWN}:19:21: error: link 'assets/map.svg' must start with https:// or mailto: [markdown.link]",
        f"{SHOWN}:19:45: error: image 'assets/map.svg' has no alt text: write "
        "![what it shows](assets/map.svg) [markdown.alt]",
    ]


def test_plain_http_link_is_refused_with_the_fix(root: Path):
    lines = checked(with_body("See [this](http://example.org/) here."), root)
    assert lines == [
        f"{SHOWN}:19:18: error: link 'http://example.org/' must start with https:// or mailto: (plain "
        "http:// is not allowed: use the https:// address) [markdown.link]"
    ]


def test_a_list_nested_past_four_levels_is_refused_at_its_item(root: Path):
    nested = "".join(f"\n      {'  ' * i}- level {i + 1}" for i in range(6))
    lines = checked(with_body("Levels:\n" + nested), root)
    assert lines == [
        f"{SHOWN}:25:15: error: lists are nested more than 4 levels deep here; at most 4 levels print "
        "(move this item up a level) [markdown.nesting]"
    ]


def test_javascript_link_is_refused(root: Path):
    lines = checked(with_body("See [this](javascript:alert(1)) here."), root)
    assert lines == [
        f"{SHOWN}:19:18: error: link 'javascript:alert(1)' must start with https:// or mailto: "
        "[markdown.link]"
    ]


def test_web_and_mail_links_are_fine(root: Path):
    text = with_body("Write to [us](mailto:press@example.org) or see [the site](https://example.org).")
    assert checked(text, root) == []
