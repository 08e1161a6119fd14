"""Corpus: fonts: Markdown sets in the layout's own faces; any other font is refused where it comes from."""

from __future__ import annotations

import pytest

from tests.corpus.harness import Case, both, check, eject, replace, write

TOPIC = "sources/topics/mini.yaml"
BOTH = ["mini/"]  # a change to the topic file makes both of its documents again

NESTED = """      - A list item.
        - Second level, with `code` in it.
          - Third level.
            - Fourth level.
          - Third again.
      - Another one, with a [link](https://example.org/).

      1. Counted
         1. Lettered
            1. Roman
               1. Counted again
"""

FAMILIES = "(Source Code Pro, Source Sans 3, Source Serif 4, Source Serif 4 Display)"


def summary(text: str):
    """The topic's summary (briefing only) starts with `text`."""
    return replace(TOPIC, "summary: Returns are not safe", f"summary: {text} Returns are not safe")


SUMMARY_AT = f"{TOPIC}:11:10"  # the summary's first character

CASES = [
    Case(
        "nested-lists-and-code-spans-build",
        both(
            replace(TOPIC, "      - A list item.\n", NESTED),
            replace(
                TOPIC,
                "    - Protection saves lives.",
                "    - Protection saves lives; run `press build`, **`--strict`** and *`--topic`*.",
            ),
        ),
        [],
        status=0,
        remade=BOTH,
    ),
    Case(
        "cjk-in-the-summary",
        summary("中"),
        [(SUMMARY_AT, "error", "render.font")],
        message=[
            f"briefing: '中' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D) is in none of the layout's fonts {FAMILIES}"
        ],
        remade=BOTH,
    ),
    Case(
        "emoji-in-a-point",
        replace(TOPIC, "    - Protection saves lives.", "    - Protection saves lives 🙂."),
        [(f"{TOPIC}:37:30", "error", "render.font")],
        message=["one-pager: '🙂' (U+1F642 SLIGHTLY SMILING FACE)", "so it would print as a box"],
        remade=BOTH,
    ),
    Case(
        "arrow-only-in-the-ui-and-code-fonts",
        summary("Return ⇒ detention."),
        [(f"{TOPIC}:11:17", "error", "render.font")],
        message=[
            "'⇒' (U+21D2 RIGHTWARDS DOUBLE ARROW) is not in the font used here, so the PDF would embed the "
            "fallback font 'DejaVu-Serif'; of the layout's fonts only Source Code Pro and Source Sans 3 "
            "have it"
        ],
        remade=BOTH,
    ),
    Case(
        "private-use-character",
        summary("\ue000"),
        [(SUMMARY_AT, "error", "render.font")],
        message=["'\\ue000' (U+E000 <private-use-E000>) is in none of the layout's fonts"],
        remade=BOTH,
    ),
    Case(
        "star-in-the-organization-tagline",
        replace("sources/organization.yaml", "tagline: A small", "tagline: A ★ small"),
        [("sources/organization.yaml:3:12", "error", "render.font")],
        message=["'★' (U+2605 BLACK STAR)"],
        remade=BOTH,
    ),
    Case(
        "arrow-in-a-layout-label",
        both(
            eject("layout.yaml"),
            replace("layouts/base/layout.yaml", "summary: The bottom line", "summary: The bottom line ⟶"),
        ),
        [("layouts/base/layout.yaml:43:28", "error", "render.font")],
        message=["'⟶' (U+27F6 LONG RIGHTWARDS ARROW)"],
        remade=BOTH,
    ),
    Case(
        "cjk-in-a-reference-title",
        replace("sources/references/library.json", "Returns from Lebanon", "Returns from 黎 Lebanon"),
        [("sources/references/library.json:5:73", "error", "render.font")],
        message=["briefing: '黎' (U+9ECE", "one-pager: '黎' (U+9ECE"],
    ),
    Case(
        "math-in-a-template",
        both(
            eject("templates/blocks/briefing/summary.html.j2"),
            replace(
                "layouts/base/templates/blocks/briefing/summary.html.j2", "<p", '<p class="mark">∮</p>\n<p'
            ),
        ),
        [("layouts/base/templates/blocks/briefing/summary.html.j2:3:19", "error", "render.font")],
        message=["'∮' (U+222E CONTOUR INTEGRAL)"],
    ),
    Case(
        "font-face-of-the-layout-folder-not-declared",
        write(
            "layouts/base/css/briefing/own.css",
            '@font-face { font-family: "Own"; src: url(../../fonts/SourceSans3-Regular.otf); }\n'
            'h2 { font-family: "Own"; }\n',
        ),
        [("layouts/base/css/briefing/own.css:2:19", "error", "render.font")],
        message=["font-family 'Own' is not one of the layout's fonts", "or declare its files under fonts:"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_fonts(case, built, tmp_path):
    check(case, built, tmp_path)
