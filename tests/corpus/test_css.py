"""Corpus: stylesheets and templates that reach outside the project, or that WeasyPrint would ignore.

Each bad stylesheet goes in css/briefing/, so only the briefing is made again (and fails, at the line)."""

from __future__ import annotations

import pytest

from tests.corpus.harness import Case, both, check, eject, replace, write

CSS = "layouts/base/css/briefing/extra.css"
SUMMARY = "layouts/base/templates/blocks/briefing/summary.html.j2"
LAYOUT = "layouts/base/layout.yaml"
OUTSIDE = "documents may only use files under sources/ and layouts/"
NETWORK = "rendering never uses the network"


def summary(old: str, new: str) -> object:
    """The briefing's summary template, copied from the shipped base into the project and changed."""
    return both(eject("templates/blocks/briefing/summary.html.j2"), replace(SUMMARY, old, new))


def css(text: str) -> object:
    """A stylesheet of the briefing, with a harmless first line so that the problem is on line 2."""
    return write(CSS, "p { color: inherit; }\n" + text)


CASES = [
    Case(
        "url-file-etc-passwd",
        css('body { background: url("file:///etc/passwd"); }\n'),
        [(f"{CSS}:2:25", "error", "render.url")],
        message=[f"refused to read 'file:///etc/passwd': {OUTSIDE}"],
    ),
    Case(
        "url-climbs-out-of-the-project",
        css("body { background-image: url(" + "../" * 12 + "etc/hostname); }\n"),
        [(f"{CSS}:2:30", "error", "render.url")],
        message=["refused to read 'file:///etc/hostname'"],
    ),
    Case(
        "url-https",
        css("h2 { background: url('https://example.org/pixel.png') no-repeat; }\n"),
        [(f"{CSS}:2:23", "error", "render.url")],
        message=[f"refused to fetch 'https://example.org/pixel.png': {NETWORK}"],
    ),
    Case(
        "url-to-a-missing-layout-file",
        css('h2 { background: url("../../img/rule.png"); }\n'),
        [(f"{CSS}:2:23", "error", "render.url")],
        message=["'layouts/base/img/rule.png' does not exist"],
    ),
    Case(
        "import-https",
        write(CSS, '@import url("https://fonts.example.org/css?family=Inter");\n'),
        [(f"{CSS}:1:14", "error", "render.url")],
        message=[NETWORK],
    ),
    Case(
        "import-file-url",
        write(CSS, '@import "file:///etc/passwd";\n'),
        [(f"{CSS}:1:10", "error", "render.url")],
        message=[OUTSIDE],
    ),
    Case(
        "import-of-a-layout-file-that-reaches-out",
        both(
            write(CSS, '@import "parts/more.css";\n'),
            write(
                "layouts/base/css/briefing/parts/more.css",
                "/* more */\nbody { background: url(/etc/passwd); }\n",
            ),
        ),
        [("layouts/base/css/briefing/parts/more.css:2:24", "error", "render.url")],
        message=["refused to read 'file:///etc/passwd'"],
    ),
    Case(
        "font-face-remote",
        css('@font-face { font-family: "Inter"; src: url(https://example.org/inter.woff2); }\n'),
        [(f"{CSS}:2:45", "error", "render.url")],
        message=[f"refused to fetch 'https://example.org/inter.woff2': {NETWORK}"],
    ),
    Case(
        "font-face-system-font",
        css('@font-face { font-family: "Sys"; src: url("file:///usr/share/fonts/x.ttf"); }\n'),
        [(f"{CSS}:2:44", "error", "render.url")],
        message=["refused to read 'file:///usr/share/fonts/x.ttf'"],
    ),
    Case(
        "style-attribute-url-in-a-template",
        summary("<p", "<p style=\"background: url('file:///etc/passwd')\""),
        [(f"{SUMMARY}:3:30", "error", "render.url")],
        message=[OUTSIDE],
    ),
    Case(
        "style-element-import-in-a-template",
        summary("<p", '<style>@import "https://example.org/t.css";</style>\n<p'),
        [(f"{SUMMARY}:3:19", "error", "render.url")],
        message=[NETWORK],
    ),
    Case(
        "unknown-property",
        css("p { colr: red; }\n"),
        [(f"{CSS}:2:5", "error", "render.css")],
        message=["WeasyPrint: Ignored `colr: red`, unknown property."],
    ),
    Case(
        "unknown-property-in-a-style-attribute",
        summary("<p", '<p style="colr: red"'),
        [(f"{SUMMARY}:3:13", "error", "render.css")],
        message=["Ignored `colr: red`"],
    ),
    Case(
        "undeclared-font-family",
        css('h2 { font-family: "Comic Neue", sans-serif; }\n'),
        [(f"{CSS}:2:19", "error", "render.font")],
        message=[
            "font-family 'Comic Neue' is not one of the layout's fonts",
            "use one of them (var(--font-code)",
        ],
    ),
    Case(
        "generic-monospace",
        css("h2 { font-family: monospace; }\n"),
        [(f"{CSS}:2:19", "error", "render.font")],
        message=["font-family 'monospace' is not one of the layout's fonts"],
    ),
    Case(
        "font-shorthand-with-an-undeclared-family",
        css("h2 { font: 600 13pt/1.2 Helvetica, Arial, sans-serif; }\n"),
        [(f"{CSS}:2:12", "error", "render.font")],
        message=["font-family 'Helvetica'"],
    ),
    Case(
        "token-naming-an-undeclared-family",
        both(
            eject("layout.yaml"),
            replace(
                LAYOUT, """font-ui: '"Source Sans 3", sans-serif'""", """font-ui: '"Helvetica", sans-serif'"""
            ),
        ),
        [(f"{LAYOUT}:21:12", "error", "render.font")],
        message=["token 'font-ui' names font-family 'Helvetica'"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_css(case, built, tmp_path):
    check(case, built, tmp_path)
