"""Corpus: the organization file (sources/organization.yaml), its logo and its citation style."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.harness import Case, append, both, check, outside, replace, symlink, write

ORG = "sources/organization.yaml"


def copy_org_outside(root: Path) -> None:
    target = root.parent / "elsewhere" / "organization.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((root / ORG).read_bytes())


CASES = [
    Case("empty", write(ORG, ""), [(f"{ORG}:1:1", "error", "schema.empty")]),
    Case(
        "unknown-key",
        replace(ORG, "tagline:", "tag_line:"),
        [(f"{ORG}:3:1", "error", "schema.unknown-key")],
        message=["unknown key 'tag_line' (did you mean 'tagline'?)"],
    ),
    Case(
        "logo-missing",
        replace(ORG, "file: assets/logo.svg", "file: assets/logo.png"),
        [(f"{ORG}:5:9", "error", "organization.logo")],
        message=["image 'assets/logo.png' does not exist under sources/"],
    ),
    Case(
        "logo-without-alt",
        replace(ORG, "alt: Example Advocates", "alt: ' '"),
        [(f"{ORG}:6:8", "error", "organization.logo")],
        message=["the logo has no alt text"],
    ),
    Case(
        "logo-outside-sources",
        replace(ORG, "file: assets/logo.svg", "file: ../layouts/base/layout.yaml"),
        [(f"{ORG}:5:9", "error", "organization.logo")],
        message=["is outside sources/"],
    ),
    Case(
        "logo-linked-out",
        both(
            outside("logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"),
            symlink("sources/assets/logo.svg", "../../../elsewhere/logo.svg"),
        ),
        [("sources/assets/logo.svg", "error", "file.outside")],
        message=["symbolic link to '../../../elsewhere/logo.svg' leads outside the project"],
    ),
    Case(
        "organization-file-linked-out",
        both(copy_org_outside, symlink(ORG, "../../elsewhere/organization.yaml")),
        [(ORG, "error", "file.outside")],
    ),
    Case(
        "web-is-plain-http",
        replace(ORG, "web: https://example.org/", "web: http://example.org/"),
        [(f"{ORG}:10:8", "error", "schema.url")],
        message=["is not a web address starting with https:// (plain http:// is not allowed)"],
    ),
    Case(
        "personalize-url-is-plain-http",
        append(ORG, "personalize: {url: 'http://example.org/{topic}?office={id}'}\n"),
        [(f"{ORG}:16:20", "error", "schema.url")],
    ),
    Case(
        "disclaimer-with-http-link",
        replace(ORG, "disclaimer: Test fixture,", "disclaimer: See [us](http://example.org). Test fixture,"),
        [(f"{ORG}:11:22", "error", "markdown.link")],
        message=["plain http:// is not allowed"],
    ),
    Case(
        "unknown-page-size",
        replace(ORG, "page_size: letter", "page_size: A4"),
        [(f"{ORG}:13:14", "error", "schema.choice")],
        message=["defaults.page_size must be one of 'a4', 'letter', not 'A4'"],
    ),
    Case(
        "papers-without-page-size",
        replace(ORG, "page_size: letter", "page_size: letter\n  papers: [a4]"),
        [(f"{ORG}:14:11", "error", "organization.papers")],
        message=["defaults.papers must include page_size ('letter'): its files keep the plain names"],
    ),
    Case(
        "papers-unknown-size",
        replace(ORG, "page_size: letter", "page_size: letter\n  papers: [letter, a3]"),
        [(f"{ORG}:14:20", "error", "schema.choice")],
        message=["defaults.papers[2] must be one of 'a4', 'letter', not 'a3'"],
    ),
    Case(
        "papers-twice",
        replace(ORG, "page_size: letter", "page_size: letter\n  papers: [letter, a4, letter]"),
        [(f"{ORG}:14:24", "error", "organization.papers")],
        message=["paper 'letter' is named twice"],
    ),
    Case(
        "papers-letter-and-a4",
        replace(ORG, "page_size: letter", "page_size: letter\n  papers: [letter, a4]"),
        [],
        status=0,
    ),
    Case(
        "unknown-citation-style",
        replace(
            ORG, "citation_style: chicago-notes-bibliography", "citation_style: chicago-note-bibliography"
        ),
        [(f"{ORG}:14:19", "error", "citation.style")],
        message=["unknown citation style 'chicago-note-bibliography' (did you mean"],
    ),
    Case(
        "style-file-outside-sources",
        replace(ORG, "citation_style: chicago-notes-bibliography", "citation_style: ../house.csl"),
        [(f"{ORG}:14:19", "error", "citation.style")],
        message=["citation style file '../house.csl' is not a file under sources/"],
    ),
    Case(
        "style-file-linked-out",
        both(
            outside("house.csl", "<style/>"),
            symlink("sources/house.csl", "../../elsewhere/house.csl"),
            replace(ORG, "citation_style: chicago-notes-bibliography", "citation_style: house.csl"),
        ),
        [("sources/house.csl", "error", "file.outside")],
    ),
    Case(
        "bad-language",
        replace(ORG, "language: en-US", "language: en_US"),
        [(f"{ORG}:15:13", "error", "schema.language")],
    ),
    Case(
        "address-is-empty",
        replace(ORG, "address: [1 Example Street, Springfield]", "address: []"),
        [(f"{ORG}:8:12", "error", "schema.too-few")],
    ),
    Case(
        "duplicate-key",
        append(ORG, "name: Another Name\n"),
        [(f"{ORG}:16:1", "error", "yaml.duplicate-key")],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_organization(case, built, tmp_path):
    check(case, built, tmp_path)
