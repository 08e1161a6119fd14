"""Inline Markdown with Pandoc citations: how citations are read, and the HTML a reader sees (raw HTML never
passes through; citations and images are drawn by callbacks)."""

import pytest

from pipeline.sources.text import CiteItem, parse_cluster, scan, to_html


def items(raw: str) -> list[CiteItem]:
    cluster = parse_cluster(raw)
    assert cluster is not None and cluster.raw == raw
    return list(cluster.items)


def plain(text: str, language: str = "en", block: bool = False) -> str:
    """HTML for a text without citations or images (either would fail the test)."""

    def refuse(*args):
        raise AssertionError(f"unexpected callback {args}")

    return to_html(text, refuse, refuse, language, block=block)


# --- citations ---------------------------------------------------------------------------------


def test_single_key():
    assert items("[@doe2020]") == [CiteItem("doe2020")]


def test_page_locator():
    assert items("[@doe2020, p. 12]") == [CiteItem("doe2020", "page", "12")]


def test_bare_number_is_a_page():
    assert items("[@doe2020, 12]") == [CiteItem("doe2020", "page", "12")]


def test_two_keys():
    assert items("[@a; @b]") == [CiteItem("a"), CiteItem("b")]


def test_prefix_and_page_range():
    assert items("[see @a, pp. 3-4]") == [CiteItem("a", "page", "3-4", prefix="see")]


def test_chapter_locator():
    assert items("[@a, chap. 3]") == [CiteItem("a", "chapter", "3")]


def test_words_after_the_key_are_a_suffix():
    assert items("[@a, as quoted]") == [CiteItem("a", suffix="as quoted")]


def test_each_part_keeps_its_own_prefix_and_locator():
    assert items("[@a, sec. 2; see also @b, p. 7]") == [
        CiteItem("a", "section", "2"),
        CiteItem("b", "page", "7", prefix="see also"),
    ]


def test_key_with_internal_punctuation():
    assert items("[@hr3202-2023]") == [CiteItem("hr3202-2023")]


@pytest.mark.parametrize("raw", ["[email me@x.org]", "[@]", "[just words]", "[@a; no key here]"])
def test_not_a_citation(raw: str):
    assert parse_cluster(raw) is None


# --- HTML --------------------------------------------------------------------------------------


def test_raw_html_image_is_shown_as_text():
    assert plain('<img src="file:///etc/passwd">') == "&lt;img src=\u201cfile:///etc/passwd\u201d&gt;"


def test_script_is_shown_as_text():
    assert plain("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_hash_line_is_not_a_heading():
    assert plain("# Not a heading\n\nNext paragraph.", block=True) == (
        "<p># Not a heading</p>\n<p>Next paragraph.</p>\n"
    )


def test_bullet_lists_are_kept_in_blocks():
    assert (
        plain("Points:\n\n- one\n- two\n", block=True)
        == "<p>Points:</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
    )


def test_emphasis_and_links():
    assert plain("**Strong** and *soft*, see [the site](https://example.org).") == (
        '<strong>Strong</strong> and <em>soft</em>, see <a href="https://example.org">the site</a>.'
    )


def test_smart_quotes_and_apostrophes_in_english():
    assert plain("\"Quoted\" and 'single', it's") == "\u201cQuoted\u201d and \u2018single\u2019, it\u2019s"


def test_smart_quotes_in_french():
    assert plain('"Cit\u00e9"', language="fr") == "\u00ab\u202fCit\u00e9\u202f\u00bb"


def test_smart_quotes_in_german_with_a_region():
    assert plain('"Zitat"', language="de-DE") == "\u201eZitat\u201c"


def test_dashes_and_ellipsis():
    assert plain("2019 -- 2020 --- and so on...") == "2019 \u2013 2020 \u2014 and so on\u2026"


def test_citations_call_back_in_reading_order():
    seen = []

    def cite(cluster):
        seen.append(cluster.raw)
        return f"<sup>{len(seen)}</sup>"

    out = to_html("First.[@a] Second [@b; @c, p. 2] and *third*[@a].", cite, lambda src, alt: "")
    assert seen == ["[@a]", "[@b; @c, p. 2]", "[@a]"]
    assert (
        out == "First.<sup>1</sup> Second <sup>2</sup> and <em>third</em>.<sup>3</sup>"
    )  # notes follow punctuation


def test_bracketed_link_is_a_link_not_a_citation():
    assert plain("[@a](https://example.org)") == '<a href="https://example.org">@a</a>'


def test_a_citation_before_a_parenthesis_that_starts_no_link_is_a_citation():
    """Found by fuzzing: `[@a](p. 3)` is no link, and it was printed as typed and never checked."""
    assert [c.raw for c in scan("As shown [@doe2020](p. 3).").clusters] == ["[@doe2020]"]
    assert to_html("As shown [@doe2020](p. 3).", lambda c: "[C]", None) == "As shown [C](p. 3)."


def test_images_call_back_with_path_and_plain_alt_text():
    seen = []

    def image(src, alt):
        seen.append((src, alt))
        return "<figure/>"

    out = to_html("See ![The *region*](assets/map.svg).", lambda c: "", image)
    assert seen == [("assets/map.svg", "The region")]
    assert out == "See <figure/>."


def test_a_citation_in_an_image_description_is_found_apart():
    """Found by fuzzing: the description is drawn as plain text, so the citation in it is never drawn."""
    found = scan("![Map [@a]](assets/map.svg)")
    assert ([c.raw for c in found.in_images], found.clusters) == (["[@a]"], [])


def test_scan_finds_citations_images_and_links_in_order():
    found = scan("See ![map](assets/map.svg), [site](https://example.org) and [@a]; then [@b, p. 2].")
    assert [c.raw for c in found.clusters] == ["[@a]", "[@b, p. 2]"]
    assert found.images == [("assets/map.svg", "map")]
    assert found.links == ["https://example.org"]


def test_in_text_citations_go_before_the_punctuation_notes_after_it():
    def cite(cluster):
        return "[C]"

    assert (
        to_html("Found.[@a] Next [@b]. End [@c]", cite, None, in_text=True) == "Found [C]. Next [C]. End [C]"
    )
    assert to_html("Found.[@a] Next [@b]. End [@c]", cite, None) == "Found.[C] Next.[C] End [C]"
    assert (
        to_html("- item [@b].", cite, None, block=True, in_text=True) == "<ul>\n<li>item [C].</li>\n</ul>\n"
    )


# --- nesting -----------------------------------------------------------------------------------------------


def test_lists_nested_past_four_levels_are_found_at_their_first_line():
    text = "".join(f"{'  ' * i}- level {i + 1}\n" for i in range(10))
    assert scan(text).too_deep == [4]


def test_quotes_count_as_levels_too():
    assert scan("para\n\n- a\n\n  > > > > deep\n").too_deep == [4]


def test_lists_nested_four_levels_are_fine():
    text = "".join(f"{'  ' * i}- level {i + 1}\n" for i in range(4))
    assert scan(text).too_deep == []


def test_an_in_text_citation_standing_alone_gets_a_space_before_it():
    """A key fact's cite is its own text, printed after the label: "in 2023 (Org, 2023)", not "2023(Org"."""

    def cite(cluster):
        return "(Org, 2023)"

    assert to_html("[@a]", cite, None, in_text=True) == " (Org, 2023)"
    assert to_html("*label*[@a]", cite, None, in_text=True) == "<em>label</em> (Org, 2023)"
    assert to_html("[@a]", lambda c: "<sup>1</sup>", None) == "<sup>1</sup>"  # a note mark stays close
