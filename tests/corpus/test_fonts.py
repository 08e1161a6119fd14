"""Corpus: fonts: Markdown sets in the layout's own faces; any other font is refused where it comes from."""

from __future__ import annotations

import pytest

from tests.corpus.harness import Case, check, replace

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

CASES = [
    Case(
        "nested-lists-four-levels",
        replace(TOPIC, "      - A list item.\n", NESTED),
        [],
        status=0,
        remade=BOTH,
    ),
    Case(
        "code-spans-everywhere",
        replace(
            TOPIC,
            "    - Protection saves lives.",
            "    - Protection saves lives; run `press build`, **`--strict`** and *`--topic`*.",
        ),
        [],
        status=0,
        remade=BOTH,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_fonts(case, built, tmp_path):
    check(case, built, tmp_path)
