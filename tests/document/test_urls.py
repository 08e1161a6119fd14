"""URLs as printed: break opportunities exactly where the Chicago Manual allows them, in references and in
Markdown links whose text is a URL."""

from itertools import pairwise

import pytest

from pipeline.document.urls import BREAK, JOIN, break_points, linkify, shown, url_links


def pieces(url: str) -> list[str]:
    """The URL cut at every allowed break."""
    points = [0, *break_points(url), len(url)]
    return [url[a:b] for a, b in pairwise(points)]


@pytest.mark.parametrize(
    ("url", "cut"),
    [
        # after a colon and after a double slash; before a single slash and a period
        ("https://example.org/a/b", ["https:", "//", "example", ".org", "/a", "/b"]),
        # before a hyphen and an underscore, never after them (a line never ends in a hyphen)
        ("https://x.org/risk-of_return", ["https:", "//", "x", ".org", "/risk", "-of", "_return"]),
        # before a question mark, a number sign, a tilde, a comma and a percent sign
        (
            "https://x.org/~me/a,b%20c?q#top",
            ["https:", "//", "x", ".org", "/", "~me", "/a", ",b", "%20c", "?q", "#top"],
        ),
        # before and after an equals sign and an ampersand
        (
            "https://x.org/?id=12&lang=en",
            ["https:", "//", "x", ".org", "/", "?id", "=", "12", "&", "lang", "=", "en"],
        ),
        # never inside a word, never before a URL's last character (a slash alone on a line)
        ("https://x.org/sanctions/", ["https:", "//", "x", ".org", "/sanctions/"]),
    ],
)
def test_breaks_are_where_chicago_allows(url: str, cut: list[str]):
    assert pieces(url) == cut


def test_shown_marks_each_break_and_joins_what_a_line_breaker_would_split():
    # Unicode's line breaking would break after "/" and "-"; a word joiner stops it where Chicago does not
    assert shown("https://x.org/a-b?c=1&de") == (
        f"https:{BREAK}//{BREAK}x{BREAK}.org{BREAK}/{JOIN}a{BREAK}-{JOIN}b{BREAK}?{JOIN}c{BREAK}={BREAK}1"
        f"{BREAK}&amp;{BREAK}de"
    )


def test_linkify_wraps_urls_and_leaves_the_final_period_out():
    assert linkify("See https://example.org/a. Also http://x.org, too") == (
        f'See <a class="url" href="https://example.org/a">https:{BREAK}//{BREAK}example{BREAK}.org{BREAK}/{JOIN}a'
        f'</a>. Also <a class="url" href="http://x.org">http:{BREAK}//{BREAK}x{BREAK}.org</a>, too'
    )


def test_linkify_leaves_text_without_urls_alone():
    text = "Roe, R. <i>A History of Aid</i>. Press, 2019."
    assert linkify(text) == text


def test_a_markdown_link_whose_text_is_a_url_breaks_like_one():
    markup = (
        '<a href="https://x.org/a?b=1&amp;c=2">https://x.org/a?b=1&amp;c=2</a> and '
        '<a href="https://x.org/more">read more</a>'
    )
    assert url_links(markup) == (
        f'<a class="url" href="https://x.org/a?b=1&amp;c=2">https:{BREAK}//{BREAK}x{BREAK}.org{BREAK}/{JOIN}a'
        f"{BREAK}?{JOIN}b{BREAK}={BREAK}1{BREAK}&amp;{BREAK}c{BREAK}=2</a> and "
        '<a href="https://x.org/more">read more</a>'
    )
