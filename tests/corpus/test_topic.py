"""Corpus: topic files (sources/topics/*.yaml) with the mistakes people make and inputs meant to hurt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.corpus.harness import Case, both, check, outside, replace, symlink, write

MINI = "sources/topics/mini.yaml"
MINI_TEXT = (Path(__file__).resolve().parent.parent / "roots" / "minimal" / MINI).read_text(encoding="utf-8")


def text(old: str, new: str) -> str:
    """The minimal topic with one change (the old text must be there)."""
    assert old in MINI_TEXT, old
    return MINI_TEXT.replace(old, new, 1)


def fifo(path: str):
    """An edit that makes `path` a named pipe: reading it would wait for ever."""

    def edit(root: Path) -> None:
        os.mkfifo(root / path)

    return edit


NESTED_TEN = "".join(f"\n      {'  ' * i}- level {i + 1}" for i in range(10))
NESTED_FOUR = "".join(f"\n      {'  ' * i}- level {i + 1}" for i in range(4))
SECOND_BODY = "      - A list item.\n      - Another one, with a [link](https://example.org/)."

CASES = [
    # --- bytes and YAML ----------------------------------------------------------------------------------
    Case(
        "nul-byte",
        write(MINI, text("title: A Minimal", "title: A Mini\x00mal")),
        [(f"{MINI}:2:14", "error", "yaml.character")],
        message=["character U+0000 (NUL) is not allowed in a YAML file"],
    ),
    Case(
        "bell-character",
        write(MINI, text("heading: Second section", "heading: Second\x07section")),
        [(f"{MINI}:27:20", "error", "yaml.character")],
        message=["U+0007"],
    ),
    Case(
        "flow-nested-3000-deep",
        write(MINI, MINI_TEXT + "extra: " + "[" * 3000 + "]" * 3000 + "\n"),
        [(f"{MINI}:39:107", "error", "yaml.depth")],
        message=["nested more than 100 levels deep"],
    ),
    Case(
        "block-nested-3000-deep",
        write(MINI, MINI_TEXT + "extra:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(3000))),
        [(f"{MINI}:139:101", "error", "yaml.depth")],
        message=["nested more than 100 levels deep"],
    ),
    Case(
        "not-utf8",
        write(MINI, text("title: A Minimal Position", "title: A Minimal Posici\u00f3n").encode("latin-1")),
        [(f"{MINI}:2:24", "error", "file.encoding")],
        message=["file is not UTF-8 text"],
    ),
    Case("bom-is-fine", write(MINI, "\ufeff" + MINI_TEXT), [], status=0, args=["check"]),
    Case("crlf-is-fine", write(MINI, MINI_TEXT.replace("\n", "\r\n")), [], status=0, args=["check"]),
    Case("empty-file", write(MINI, ""), [(f"{MINI}:1:1", "error", "schema.empty")]),
    Case("only-a-comment", write(MINI, "# to be written\n"), [(f"{MINI}:1:1", "error", "schema.empty")]),
    Case(
        "a-list-not-a-mapping",
        write(MINI, "- id: mini\n- title: x\n"),
        [(f"{MINI}:1:1", "error", "schema.type")],
        message=["must be a mapping"],
    ),
    Case(
        "tab-indent",
        write(MINI, text("  - name: Fixture Team", "\t- name: Fixture Team")),
        [(f"{MINI}:9:1", "error", "yaml.syntax")],
        message=["a tab or special character"],
    ),
    Case(
        "unclosed-quote",
        write(MINI, text('  - value: "66"', '  - value: "66')),
        [(f"{MINI}:17:12", "error", "yaml.syntax")],
    ),
    Case(
        "duplicate-key",
        write(MINI, text("subtitle:", "title: Again\nsubtitle:")),
        [(f"{MINI}:3:1", "error", "yaml.duplicate-key")],
        message=["duplicate key 'title' (first given on line 2)"],
    ),
    Case(
        "anchor-and-alias",
        write(MINI, text("keywords: [testing, fixture]", "keywords: &k [testing, fixture]\ncommittees: *k")),
        [(f"{MINI}:10:11", "error", "yaml.alias")],
    ),
    Case(
        "merge-key",
        write(MINI, text("authors:\n  - name: Fixture Team", "authors:\n  - <<: {name: x}\n    role: y")),
        [(f"{MINI}:9:5", "error", "yaml.alias")],
        other_errors=True,  # the author then lacks its name
    ),
    Case(
        "two-documents",
        write(MINI, MINI_TEXT + "---\nid: other\n"),
        [(f"{MINI}:39:1", "error", "yaml.syntax")],
    ),
    Case(
        "a-list-as-a-key",
        write(MINI, text("keywords:", "? [a, b]\n: c\nkeywords:")),
        [(f"{MINI}:10:3", "error", "yaml.key")],
    ),
    # --- the schema --------------------------------------------------------------------------------------
    Case(
        "unknown-key",
        write(MINI, text("subtitle:", "subtitel:")),
        [(f"{MINI}:3:1", "error", "schema.unknown-key")],
        message=["unknown key 'subtitel' (did you mean 'subtitle'?)"],
    ),
    Case(
        "missing-key",
        write(MINI, text("layout: base\n", "")),
        [(f"{MINI}:1:1", "error", "schema.missing")],
        message=["the file is missing the required key 'layout'"],
    ),
    Case(
        "title-is-a-list",
        write(MINI, text("title: A Minimal Position", "title: [A, B]")),
        [(f"{MINI}:2:8", "error", "schema.type")],
    ),
    Case(
        "point-with-a-colon-reads-as-a-key",
        write(MINI, text("    - Protection saves lives.", "    - Note: protection saves lives.")),
        [(f"{MINI}:37:7", "error", "schema.type")],
        message=[
            "one_pager.points[1] must be text; YAML read it as the key 'Note' because of the ': ' after it: "
            "put the text in quotes"
        ],
    ),
    Case(
        "impossible-date",
        write(MINI, text("as_of: 2024-11-15", "as_of: 2024-13-01")),
        [(f"{MINI}:6:8", "error", "schema.type")],
        message=["as_of must be a date written YYYY-MM-DD"],
    ),
    Case(
        "compact-date",
        write(MINI, text("as_of: 2024-11-15", "as_of: 20241115")),
        [(f"{MINI}:6:8", "error", "schema.type")],
    ),
    Case(
        "review-before-as-of",
        write(MINI, text("review_by: 2099-01-01", "review_by: 2024-01-01")),
        [(f"{MINI}:7:12", "error", "topic.dates")],
    ),
    Case(
        "stale-is-a-warning",
        write(MINI, text("review_by: 2099-01-01", "review_by: 2024-12-01")),
        [(f"{MINI}:7:12", "warning", "topic.stale")],
        status=0,
        args=["check"],
    ),
    Case(
        "unknown-status",
        write(MINI, text("status: approved", "status: aproved")),
        [(f"{MINI}:5:9", "error", "schema.choice")],
        message=["(did you mean 'approved'?)"],
    ),
    Case(
        "unsafe-id",
        write(MINI, text("id: mini", "id: ../x")),
        [(f"{MINI}:1:5", "error", "schema.slug")],
        message=["is not a safe slug"],
    ),
    Case(
        "id-differs-from-file-name",
        write(MINI, text("id: mini", "id: other")),
        [(f"{MINI}:1:5", "error", "topic.id")],
    ),
    Case(
        "bad-language",
        write(MINI, text("status:", "language: English\nstatus:")),
        [(f"{MINI}:5:11", "error", "schema.language")],
    ),
    Case(
        "too-many-points",
        write(MINI, text("    - Protection saves lives.", "\n".join(f"    - Point {i}." for i in range(6)))),
        [(f"{MINI}:37:5", "error", "schema.too-many")],
    ),
    Case(
        "fact-out-of-range",
        write(MINI, text("facts: [1, 2]", "facts: [1, 5]")),
        [(f"{MINI}:38:14", "error", "topic.fact")],
    ),
    Case(
        "unknown-layout",
        write(MINI, text("layout: base", "layout: bsae")),
        [(f"{MINI}:4:9", "error", "layout.unknown")],
        message=["(did you mean 'base'?)"],
    ),
    Case(
        "unknown-block",
        write(MINI, text("  facts: [1, 2]", "  facts: [1, 2]\n  blocks: [ask, factz]")),
        [(f"{MINI}:39:17", "error", "topic.block")],
        message=["one-pager block 'factz' is not in layout 'base' (did you mean 'facts'?)"],
    ),
    Case(
        "same-id-twice",
        write("sources/topics/copy.yaml", MINI_TEXT),
        [("sources/topics/copy.yaml:1:5", "error", "topic.id"), (f"{MINI}:1:5", "error", "topic.id")],
        message=["topic id 'mini' differs from its file name 'copy.yaml'", "is also used by"],
    ),
    # --- citations ---------------------------------------------------------------------------------------
    Case(
        "unknown-citation",
        replace(MINI, "[@hrw-2021-returns, p. 12]", "[@hrw-2012-returns, p. 12]"),
        [(f"{MINI}:13:56", "error", "citation.unknown")],
        message=["unknown citation 'hrw-2012-returns' (did you mean 'hrw-2021-returns'?)"],
    ),
    Case(
        "unclosed-citation",
        replace(MINI, "[@hrw-2021-returns, p. 12]", "[@hrw-2021-returns, p. 12"),
        [(f"{MINI}:13:55", "error", "citation.syntax")],
        message=["citation '[@hrw-2021-returns, p. 12' is not closed"],
    ),
    Case(
        "unclosed-citation-in-check",
        replace(MINI, "again.[@hrw-2021-returns]", "again.[@hrw-2021-returns"),
        [(f"{MINI}:26:43", "error", "citation.syntax")],
        args=["check"],
    ),
    Case(
        "cite-is-not-a-citation",
        replace(MINI, 'cite: "[@amnesty-2021-returns]"', "cite: see the report"),
        [(f"{MINI}:17:11", "error", "citation.syntax")],
        message=["cite must be a citation such as [@key] or [@key, p. 4], not 'see the report'"],
    ),
    Case(
        "cite-is-not-a-citation-in-check",
        replace(MINI, 'cite: "[@hrw-2021-returns]"', "cite: hrw-2021-returns"),
        [(f"{MINI}:20:11", "error", "citation.syntax")],
        args=["check"],
    ),
    Case(
        "citation-without-key",
        replace(MINI, "[@hrw-2021-returns, p. 12]", "[@ hrw-2021-returns]"),
        [(f"{MINI}:13:55", "error", "citation.syntax")],
        message=["malformed citation '[@ hrw-2021-returns]'"],
    ),
    # --- Markdown: links, images, lists ------------------------------------------------------------------
    Case(
        "http-link",
        replace(MINI, "(https://example.org/)", "(http://example.org/)"),
        [(f"{MINI}:30:36", "error", "markdown.link")],
        message=[
            "link 'http://example.org/' must start with https:// or mailto: (plain http:// is not allowed"
        ],
    ),
    Case(
        "http-link-in-check",
        replace(MINI, "(https://example.org/)", "(http://example.org/)"),
        [(f"{MINI}:30:36", "error", "markdown.link")],
        args=["check"],
    ),
    Case(
        "javascript-link",
        replace(MINI, "(https://example.org/)", "(javascript:alert(1))"),
        [(f"{MINI}:30:36", "error", "markdown.link")],
    ),
    Case(
        "image-outside-sources",
        replace(MINI, "with *emphasis*", "with ![map](../../etc/passwd)"),
        [(f"{MINI}:24:31", "error", "markdown.image")],
    ),
    Case(
        "image-after-a-link-to-it",
        replace(
            MINI, "with *emphasis*", "with [the logo](https://x.org/assets/logo.svg) ![](assets/logo.svg)"
        ),
        [(f"{MINI}:24:70", "error", "markdown.alt")],
        message=["image 'assets/logo.svg' has no alt text"],
    ),
    Case(
        "image-after-a-bad-link-to-it",
        replace(MINI, "with *emphasis*", "with [logo](assets/logo.svg) ![](assets/logo.svg)"),
        [(f"{MINI}:24:31", "error", "markdown.link"), (f"{MINI}:24:52", "error", "markdown.alt")],
    ),
    Case(
        "list-nested-ten-deep",
        replace(MINI, SECOND_BODY, SECOND_BODY + NESTED_TEN),
        [(f"{MINI}:35:15", "error", "markdown.nesting")],
        message=["lists are nested more than 4 levels deep here"],
    ),
    Case(
        "list-nested-ten-deep-in-check",
        replace(MINI, SECOND_BODY, SECOND_BODY + NESTED_TEN),
        [(f"{MINI}:35:15", "error", "markdown.nesting")],
        args=["check"],
    ),
    Case(
        "list-nested-four-deep-is-fine",
        replace(MINI, SECOND_BODY, SECOND_BODY + NESTED_FOUR),
        [],
        status=0,
        args=["check"],
    ),
    # --- files -------------------------------------------------------------------------------------------
    Case(
        "symlink-out-of-the-project",
        both(
            outside("x.yaml", text("id: mini", "id: x")),
            symlink("sources/topics/x.yaml", "../../../elsewhere/x.yaml"),
        ),
        [("sources/topics/x.yaml", "error", "file.outside")],
        message=["symbolic link to '../../../elsewhere/x.yaml' leads outside the project"],
    ),
    Case(
        "symlink-out-with-topic",
        both(
            outside("x.yaml", text("id: mini", "id: x")),
            symlink("sources/topics/x.yaml", "../../../elsewhere/x.yaml"),
        ),
        [("sources/topics/x.yaml", "error", "file.outside")],
        args=["build", "--topic", "x"],
    ),
    Case(
        "topics-folder-linked-out",
        both(outside("mini.yaml", MINI_TEXT), symlink("sources/topics", "../../elsewhere")),
        [("sources/topics", "error", "file.outside")],
    ),
    Case(
        "symlink-inside-is-fine",
        both(
            write("sources/drafts/x.yaml", text("id: mini", "id: x")),
            symlink("sources/topics/x.yaml", "../drafts/x.yaml"),
        ),
        [],
        status=0,
        args=["check"],
    ),
    Case(
        "topic-is-a-pipe",
        fifo("sources/topics/pipe.yaml"),
        [("sources/topics/pipe.yaml", "error", "file.read")],
        message=["not a regular file"],
    ),
    Case(
        "dangling-link-in-assets",
        symlink("sources/assets/gone.svg", "nowhere.svg"),
        [],
        status=0,
        args=["check"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_topic(case, built, tmp_path):
    check(case, built, tmp_path)
