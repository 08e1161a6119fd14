"""Corpus: layouts (layouts/<id>/layout.yaml, their CSS and fonts): inheritance, tokens, contrast, files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.harness import Case, both, check, outside, remove, replace, symlink, write

MINI = "sources/topics/mini.yaml"
CHILD = "layouts/child/layout.yaml"
BASE = "layouts/base/layout.yaml"


def child(text: str):
    """A layout 'child' (with `text` as its layout.yaml) that the minimal topic uses."""
    return both(write(CHILD, text), replace(MINI, "layout: base", "layout: child"))


def base_copied_out(root: Path) -> None:
    import shutil

    from pipeline.sources.files import SHIPPED

    shutil.copytree(SHIPPED, root.parent / "elsewhere" / "evil")


CASES = [
    Case(
        "unknown-key",
        child("extends: base\ntokenz: {}\n"),
        [(f"{CHILD}:2:1", "error", "schema.unknown-key")],
        message=["unknown key 'tokenz' (did you mean 'tokens'?)"],
    ),
    Case(
        "extends-unknown-parent",
        child("extends: bsae\n"),
        [(f"{CHILD}:1:10", "error", "layout.extends")],
        message=["layout 'child' extends unknown layout 'bsae' (did you mean 'base'?)"],
    ),
    Case(
        "extends-loop",
        both(child("extends: other\n"), write("layouts/other/layout.yaml", "extends: child\n")),
        [(f"{CHILD}:1:10", "error", "layout.extends")],
        message=["layout inheritance loops: child -> other -> child"],
    ),
    Case(
        "extends-missing",
        child("description: no parent\n"),
        [(f"{CHILD}:1:1", "error", "layout.extends")],
        message=["layout 'child' must say which layout it extends (extends: base)"],
    ),
    Case(
        "token-with-url",
        child("extends: base\ntokens:\n  accent: url(file:///etc/passwd)\n"),
        [(f"{CHILD}:3:11", "error", "layout.token")],
    ),
    Case(
        "token-breaks-out-of-css",
        child("extends: base\ntokens:\n  accent: 'red; } body { display: none'\n"),
        [(f"{CHILD}:3:11", "error", "layout.token")],
    ),
    Case(
        "contrast-too-low",
        child('extends: base\ntokens:\n  accent: "#9fb4c8"\n'),
        [(f"{CHILD}:3:11", "error", "layout.contrast")],
        message=["text colour 'accent' on 'paper' has contrast", "at least 4.5:1 is needed"],
    ),
    Case(
        "contrast-pair-not-colours",
        child("extends: base\ncontrast:\n  - [ink, body-size]\n"),
        [(f"{CHILD}:3:5", "error", "layout.contrast")],
        message=["contrast pair [ink, body-size] must name two #rrggbb colour tokens"],
    ),
    Case(
        "font-outside-layouts",
        child("extends: base\nfonts:\n  - {family: Evil, file: ../../sources/assets/logo.svg}\n"),
        [(f"{CHILD}:3:26", "error", "layout.font")],
    ),
    Case(
        "font-missing",
        child("extends: base\nfonts:\n  - {family: Gone, file: fonts/Gone.otf}\n"),
        [(f"{CHILD}:3:26", "error", "layout.font")],
        message=["font file 'fonts/Gone.otf' is not a file under layouts/"],
    ),
    Case(
        "block-without-template",
        child("extends: base\none_pager:\n  blocks: [ask, factz]\n"),
        [(f"{CHILD}:3:17", "error", "layout.block")],
        message=["one-pager block 'factz' has no template (did you mean 'facts'?)"],
    ),
    Case(
        "fit-floor-above-ceiling",
        child("extends: base\none_pager:\n  fit: {body_max: 9, body_min: 10}\n"),
        [(f"{CHILD}:3:8", "error", "layout.fit")],
    ),
    Case(
        "fit-size-is-text",
        child("extends: base\none_pager:\n  fit: {body_max: big}\n"),
        [(f"{CHILD}:3:19", "error", "schema.type")],
    ),
    Case(
        "band-with-six-lines",
        child(
            "extends: base\none_pager:\n  band:\n    lines: "
            "[{long: a}, {long: b}, {long: c}, {long: d}, {long: e}, {long: f}]\n"
        ),
        [(f"{CHILD}:4:12", "error", "schema.too-many")],
    ),
    Case(
        "layout-yaml-with-nul",
        child("extends: base\ndescription: a\x00b\n"),
        [(f"{CHILD}:2:15", "error", "yaml.character")],
    ),
    Case(
        "layout-yaml-nested-deep",
        child("extends: base\ntokens: " + "{a: " * 200 + "x" + "}" * 200 + "\n"),
        [(f"{CHILD}:2:405", "error", "yaml.depth")],
    ),
    Case(
        "no-layouts-folder-builds-with-the-shipped-base",  # the minimal topic uses base, and nothing changed
        remove("layouts"),
        [],
        status=0,
    ),
    Case(
        "base-layout-yaml-of-the-project-merged-over-the-shipped-one",
        write(BASE, 'tokens:\n  accent: "#9fb4c8"\n'),
        [(f"{BASE}:2:11", "error", "layout.contrast")],
        message=["text colour 'accent' on 'paper' has contrast"],
    ),
    Case(
        "base-layout-yaml-of-the-project-with-an-unknown-key",
        write(BASE, "tokens: {}\nlabelz: {}\n"),
        [(f"{BASE}:2:1", "error", "schema.unknown-key")],
        message=["unknown key 'labelz' (did you mean 'labels'?)"],
    ),
    Case(
        "layout-folder-linked-out",
        both(base_copied_out, symlink("layouts/evil", "../../elsewhere/evil")),
        [("layouts/evil", "error", "file.outside")],
        message=["symbolic link to '../../elsewhere/evil' leads outside the project"],
    ),
    Case(
        "layout-yaml-linked-out",
        both(outside("layout.yaml", "extends: base\n"), symlink(CHILD, "../../../elsewhere/layout.yaml")),
        [(CHILD, "error", "file.outside")],
    ),
    Case(
        "css-linked-out",
        both(
            outside("evil.css", "body { color: red }"), symlink("layouts/base/css/evil.css", "/etc/hostname")
        ),
        [("layouts/base/css/evil.css", "error", "file.outside")],
        message=["symbolic link to '/etc/hostname'"],
    ),
    Case(
        "font-linked-out",
        both(
            outside("font.otf", b"OTTO"),
            symlink("layouts/base/fonts/SourceSans3-Black.otf", "../../../../elsewhere/font.otf"),
        ),
        [("layouts/base/fonts/SourceSans3-Black.otf", "error", "file.outside")],
    ),
    Case(
        "link-that-loops",
        symlink("layouts/base/css/loop.css", "loop.css"),
        [("layouts/base/css/loop.css", "error", "file.outside")],
    ),
    Case(
        "layout-linked-inside-is-fine",
        both(child("extends: base\n"), symlink("layouts/child/css", "../captagon/css")),
        [],
        status=0,
        args=["check"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_layouts(case, built, tmp_path):
    check(case, built, tmp_path)
