"""Corpus: the reference library (sources/references/: CSL-JSON, CSL-YAML and BibTeX files)."""

from __future__ import annotations

import pytest

from tests.corpus.harness import Case, both, check, outside, remove, replace, symlink, write

LIB = "sources/references/library.json"
BIB = "sources/references/extra.bib"
CSL_YAML = "sources/references/extra.yaml"


ENTRY = "@report{extra,\n  title = {An Extra Report},\n  author = {Doe, Jane},\n  year = {2020},\n"

CASES = [
    Case(
        "csl-url-is-plain-http",
        replace(LIB, '"URL": "https://www.hrw.org/', '"URL": "http://www.hrw.org/'),
        [(f"{LIB}:9:12", "error", "citation.item")],
        message=["must start with https:// (plain http:// is not allowed: use the https:// address)"],
        other_errors=True,  # the reference is then unknown where it is cited
    ),
    Case(
        "bibtex-url-is-plain-http",
        write(BIB, ENTRY + "  url = {http://example.org/report}\n}\n"),
        [(f"{BIB}:5:1", "error", "citation.bibtex")],
        message=["url of 'extra' must start with https:// (plain http:// is not allowed"],
    ),
    Case(
        "duplicate-key-across-files",
        write(BIB, "@report{hrw-2021-returns,\n  title = {Again},\n  year = {2021}\n}\n"),
        [(f"{LIB}:3:11", "error", "citation.duplicate")],
        message=[
            "duplicate reference key 'hrw-2021-returns' (first defined at sources/references/extra.bib:1)"
        ],
    ),
    Case(
        "unknown-csl-type",
        replace(LIB, '"type": "report",\n    "title": "\\"You', '"type": "raport",\n    "title": "\\"You'),
        [(f"{LIB}:13:13", "error", "citation.item")],
        message=["unknown CSL type 'raport' (did you mean 'report'?)"],
        other_errors=True,
    ),
    Case(
        "unknown-csl-variable",
        replace(LIB, '"publisher": "Amnesty International"', '"publisher": "Amnesty", "pubisher": "x"'),
        [(f"{LIB}:16:29", "error", "citation.item")],
        message=["unknown CSL variable 'pubisher' (did you mean 'publisher'?)"],
        other_errors=True,
    ),
    Case(
        "missing-title",
        write(CSL_YAML, "- id: extra\n  type: report\n"),
        [(f"{CSL_YAML}:1:3", "error", "citation.item")],
        message=["reference is missing 'title'"],
    ),
    Case(
        "bad-issued-date",
        write(CSL_YAML, "- id: extra\n  type: report\n  title: X\n  issued: 20th of May\n"),
        [(f"{CSL_YAML}:4:11", "error", "citation.item")],
        message=["issued must be {date-parts: [[year, month, day]]} or 'YYYY-MM-DD'"],
    ),
    Case(
        "author-is-text",
        write(CSL_YAML, "- id: extra\n  type: report\n  title: X\n  author: Jane Doe\n"),
        [(f"{CSL_YAML}:4:11", "error", "citation.item")],
        message=["author must be a list of names"],
    ),
    Case(
        "not-a-list",
        write(CSL_YAML, "id: extra\ntype: report\ntitle: X\n"),
        [(f"{CSL_YAML}:1:1", "error", "citation.library")],
        message=["a CSL reference file must be a list of items"],
    ),
    Case(
        "json-missing-comma",
        replace(LIB, '"publisher": "Human Rights Watch",', '"publisher": "Human Rights Watch"'),
        [(f"{LIB}:8:5", "error", "yaml.syntax")],
        message=["a comma is missing before this item, or a closing '}'"],
        other_errors=True,
    ),
    Case(
        "json-nested-3000-deep",
        write("sources/references/deep.json", "[" * 3000 + "]" * 3000 + "\n"),
        [("sources/references/deep.json:1:101", "error", "yaml.depth")],
        message=["nested more than 100 levels deep"],
    ),
    Case(
        "json-with-nul",
        write("sources/references/nul.json", '[{"id": "x\x00"}]\n'),
        [("sources/references/nul.json:1:11", "error", "yaml.character")],
    ),
    Case(
        "json-duplicate-key",
        replace(LIB, '"publisher": "Human Rights Watch",', '"publisher": "HRW", "publisher": "x",'),
        [(f"{LIB}:7:25", "error", "yaml.duplicate-key")],
    ),
    Case(
        "bibtex-brace-not-closed",
        write(BIB, ENTRY + "  note = {unclosed\n}\n"),
        [(f"{BIB}:1:1", "error", "citation.bibtex")],
        message=["BibTeX entry cannot be read"],
    ),
    Case(
        "bibtex-unknown-entry-type",
        write(BIB, "@reprot{extra,\n  title = {X}\n}\n"),
        [(f"{BIB}:1:1", "error", "citation.bibtex")],
        message=["unknown BibTeX entry type '@reprot'"],
    ),
    Case(
        "bibtex-without-title",
        write(BIB, "@report{extra,\n  year = {2020}\n}\n"),
        [(f"{BIB}:1:1", "error", "citation.bibtex")],
        message=["BibTeX entry 'extra' has no title"],
    ),
    Case(
        "bibtex-not-utf8",
        write(BIB, (ENTRY + "  note = {Caf\u00e9}\n}\n").encode("latin-1")),
        [(f"{BIB}:5:14", "error", "file.encoding")],
    ),
    Case(
        "bibtex-unused-field-is-a-warning",
        write(BIB, ENTRY + "  colour = {blue}\n}\n"),
        [(f"{BIB}:5:1", "warning", "citation.bibtex")],
        status=0,
        args=["check"],
    ),
    Case(
        "never-cited-is-a-warning",
        write(CSL_YAML, "- id: extra\n  type: report\n  title: X\n"),
        [(f"{CSL_YAML}:1:7", "warning", "citation.unused")],
        status=0,
        args=["check"],
    ),
    Case(
        "library-file-linked-out",
        both(
            outside("more.json", '[{"id": "more", "type": "report", "title": "X"}]'),
            symlink("sources/references/more.json", "../../../elsewhere/more.json"),
        ),
        [("sources/references/more.json", "error", "file.outside")],
        message=["symbolic link to '../../../elsewhere/more.json' leads outside the project"],
    ),
    Case(
        "library-folder-missing",
        remove("sources/references"),
        [("sources/references", "error", "citation.library")],
        other_errors=True,  # every citation is then unknown
    ),
    Case(
        "library-file-inside-link-is-fine",
        both(
            write("sources/shared/more.yaml", "- id: more\n  type: report\n  title: X\n"),
            symlink("sources/references/more.yaml", "../shared/more.yaml"),
        ),
        [("sources/references/more.yaml:1:7", "warning", "citation.unused")],
        status=0,
        args=["check"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_references(case, built, tmp_path):
    check(case, built, tmp_path)
