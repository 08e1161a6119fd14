"""Corpus: layout templates (a layout may come from a partner): syntax, undefined names, sandbox, files."""

from __future__ import annotations

import pytest

from tests.corpus.harness import Case, both, check, outside, replace, symlink, write

MINI = "sources/topics/mini.yaml"
TEMPLATES = "layouts/child/templates"
SUMMARY = f"{TEMPLATES}/blocks/briefing/summary.html.j2"
HEAD = '<section class="summary">\n'


def child(*files: tuple[str, str]):
    """A layout 'child' of base with these templates (path under its templates/, text), used by the topic."""
    edits = [
        write("layouts/child/layout.yaml", "extends: base\n"),
        replace(MINI, "layout: base", "layout: child"),
    ]
    return both(*edits, *(write(f"{TEMPLATES}/{name}", text) for name, text in files))


def summary(line: str):
    """The child's briefing summary block, with `line` as its second line."""
    return child(("blocks/briefing/summary.html.j2", HEAD + line + "\n</section>\n"))


SANDBOX = "layout templates run in Jinja's sandbox"

CASES = [
    Case(
        "syntax-error",
        summary("{% if %}"),
        [(f"{SUMMARY}:2:1", "error", "layout.template")],
        args=["check"],
        message=["template error: Expected an expression"],
    ),
    Case(
        "undefined-name",
        summary("{{ no_such_variable }}"),
        [(f"{SUMMARY}:2:1", "error", "layout.template")],
        args=["check"],
        message=["template error: 'no_such_variable' is undefined"],
    ),
    Case(
        "undefined-name-in-build",
        child(("base.html.j2", '{% set title = nope ~ "" %}\n{% extends "base/base.html.j2" %}\n')),
        [(f"{TEMPLATES}/base.html.j2:1:1", "error", "layout.template")],
        message=["'nope' is undefined"],
    ),
    Case(
        "undefined-attribute-in-a-macro",
        child(
            ("macros.html.j2", '{% extends "base/macros.html.j2" %}\n'),
            ("blocks/briefing/facts.html.j2", "{{ topic.facts }}\n"),
        ),
        [(f"{TEMPLATES}/blocks/briefing/facts.html.j2:1:1", "error", "layout.template")],
        args=["check"],
        message=["has no attribute 'facts'"],
    ),
    Case(
        "sandbox-python-internals",
        summary("{{ topic.__class__.__mro__ }}"),
        [(f"{SUMMARY}:2:1", "error", "layout.template")],
        args=["check"],
        message=["access to attribute '__class__' of 'Topic' object is unsafe", SANDBOX],
    ),
    Case(
        "sandbox-globals",
        summary("{{ md.__globals__['os'] }}"),
        [(f"{SUMMARY}:2:1", "error", "layout.template")],
        args=["check"],
        message=["access to attribute '__globals__' of 'function' object is unsafe"],
    ),
    Case(
        "sandbox-changes-the-data",
        summary("{{ labels.update({'summary': 'x'}) }}"),
        [(f"{SUMMARY}:2:1", "error", "layout.template")],
        args=["check"],
        message=["access to attribute 'update' of 'dict' object is unsafe"],
    ),
    Case(
        "huge-repetition",
        summary("{{ 'x' * 1000000000 }}"),
        [(f"{SUMMARY}:2:1", "error", "layout.template")],
        args=["check"],
        message=["repeating a text or list more than 100,000 items long"],
    ),
    Case(
        "division-by-zero",
        summary("{{ 1 / 0 }}"),
        [(f"{SUMMARY}:2:1", "error", "layout.template")],
        args=["check"],
        message=["template error: ZeroDivisionError: division by zero"],
    ),
    Case(
        "include-unknown-template",
        summary('{% include "blocks/briefing/sumary.html.j2" %}'),
        [(f"{SUMMARY}:2:1", "error", "layout.template")],
        args=["check"],
        message=["template 'blocks/briefing/sumary.html.j2' is in no layout of the chain"],
    ),
    Case(
        "extends-unknown-template",
        child(("blocks/briefing/summary.html.j2", '{% extends "base/blocks/briefing/sumary.html.j2" %}\n')),
        [(f"{SUMMARY}:1:1", "error", "layout.template")],
        args=["check"],
    ),
    Case(
        "template-linked-out",
        both(
            outside("summary.html.j2", "{{ topic.title }}"),
            child(),
            symlink(SUMMARY, "../../../../../../elsewhere/summary.html.j2"),
        ),
        [(SUMMARY, "error", "file.outside")],
        args=["check"],
    ),
    Case(
        "hidden-template-linked-out",
        both(
            outside("secret.txt", "secret"),
            summary('{% include ".secret.html.j2" %}'),
            symlink(f"{TEMPLATES}/.secret.html.j2", "/etc/hostname"),
        ),
        [(f"{TEMPLATES}/.secret.html.j2", "error", "file.outside")],
        args=["check"],
        message=["symbolic link to '/etc/hostname' leads outside the project"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_templates(case, built, tmp_path):
    check(case, built, tmp_path)
