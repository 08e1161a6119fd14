"""URLs as printed: links whose lines break only where the Chicago Manual allows, never with a hyphen added.

Chicago (14.18): break after a colon or a double slash; before a single slash, a tilde, a period, a comma,
a hyphen, an underscore, a question mark, a number sign or a percent sign; before or after an equals sign
or an ampersand. A zero-width space marks each of those places; a word joiner cancels the breaks a line
breaker would otherwise take after a slash, hyphen or question mark (Unicode's line-breaking rules allow
them there). WeasyPrint's `overflow-wrap: anywhere` on `a.url` (base.css) breaks inside a path segment only
when the segment alone is wider than its column, the last resort for a 120-character segment.
"""

from __future__ import annotations

import html
import re

BREAK = "\u200b"  # ZERO WIDTH SPACE: a line may break here
JOIN = "\u2060"  # WORD JOINER: a line may not break here
BEFORE = set("/~.,-_?#%")
AROUND = set("=&")
# Characters after which Unicode's line-breaking algorithm (UAX #14, which Pango follows) allows a break
# before a letter or digit: a slash (SY), hyphen (HY), ! and ? (EX), | (BA), } (CL) and dashes (BA, B2).
NATIVE = set("/-?!|}\u2013\u2014")
NEVER_BEFORE = set("/.,:;)]}!?-")  # UAX #14 never breaks before these (SY, IS, CP, CL, EX, HY)
URL = re.compile(r"https?://[^\s<>\"]+")


def break_points(url: str) -> list[int]:
    """The offsets in `url` before which a line may break, as Chicago advises (none at either end, and none
    that would leave a URL's last character alone on a line)."""
    points = set()
    for i, char in enumerate(url):
        if char == ":" or (char == "/" and url[i - 1 : i + 1] == "//"):
            points.add(i + 1)  # after a colon; after a double slash
        elif char in BEFORE and url[i : i + 2] != "//":
            points.add(i)  # before a single slash, a period, a hyphen...
        if char in AROUND:
            points.update((i, i + 1))
    return sorted(p for p in points if 0 < p < len(url) - 1)


def shown(url: str) -> str:
    """The text of a URL as printed (escaped for HTML): a zero-width space at each allowed break, a word
    joiner wherever a line breaker would otherwise break."""
    points = set(break_points(url))
    out = []
    for i, char in enumerate(url):
        if i in points:
            out.append(BREAK)
        elif i and url[i - 1] in NATIVE and char not in NEVER_BEFORE:
            out.append(JOIN)
        out.append(html.escape(char, quote=False))
    return "".join(out)


def linkify(markup: str) -> str:
    """Wrap the URLs in formatted references in links that break as Chicago advises; a period or comma
    that ends the sentence stays outside the link."""

    def link(match: re.Match) -> str:
        url = match.group(0)
        trail = ""
        while url and (url[-1] in ".,;:" or (url[-1] == ")" and url.count(")") > url.count("("))):
            url, trail = url[:-1], url[-1] + trail
        raw = html.unescape(url)
        return f'<a class="url" href="{html.escape(raw)}">{shown(raw)}</a>{trail}'

    return URL.sub(link, markup)


LINK = re.compile(r'<a href="([^"]*)">([^<]*)</a>')


def url_links(markup: str) -> str:
    """Markdown links whose text is a URL (`<https://x.org/a>`, `[https://x.org/a](https://x.org/a)`) made
    to break like the URLs in references."""

    def mark(match: re.Match) -> str:
        text = html.unescape(match.group(2))
        if not URL.fullmatch(text):
            return match.group(0)
        return f'<a class="url" href="{match.group(1)}">{shown(text)}</a>'

    return LINK.sub(mark, markup)
