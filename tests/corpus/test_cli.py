"""Corpus: the command line itself (exit status 2 for a wrong command line, located messages otherwise)."""

from __future__ import annotations

import pytest

from tests.corpus.harness import Case, both, check, nothing, outside, remove, symlink, write

HEADER = "id,name,honorific,chamber,state\n"


def cut(root):
    """The first 3,000 bytes of a built one-pager: a PDF whose trailer is gone."""
    return (root / "out/mini/mini-one-pager.pdf").read_bytes()[:3000]


CASES = [
    Case("no-such-command", nothing, [], status=2, args=["bake"]),
    Case(
        "jobs-zero", nothing, [], status=2, args=["build", "--jobs", "0"], message=["expected a whole number"]
    ),
    Case("jobs-text", nothing, [], status=2, args=["build", "--jobs", "two"]),
    Case("timeout-negative", nothing, [], status=2, args=["build", "--timeout", "-5"]),
    Case(
        "release-with-topic",
        nothing,
        [],
        status=2,
        args=["build", "--release", "--topic", "mini"],
        message=["a release builds every topic; drop --topic"],
    ),
    Case(
        "root-not-a-project",
        nothing,
        [],
        status=2,
        args=["build", "--root", "/"],
        message=["is not a Position Press project"],
    ),
    Case(
        "paper-unknown",
        nothing,
        [],
        status=2,
        args=["build", "--paper", "a3"],
        message=[
            "press build: error: argument --paper: unknown paper size 'a3'; paper sizes: 'a4', 'letter'"
        ],
    ),
    Case(
        "paper-misspelt",
        nothing,
        [],
        status=2,
        args=["build", "--paper", "leter,a4"],
        message=[
            "argument --paper: unknown paper size 'leter' (did you mean 'letter'?); "
            "paper sizes: 'a4', 'letter'"
        ],
    ),
    Case(
        "paper-twice",
        nothing,
        [],
        status=2,
        args=["build", "--paper", "letter,a4,letter"],
        message=["argument --paper: paper size 'letter' is named twice in 'letter,a4,letter'"],
    ),
    Case(
        "paper-empty-name",
        nothing,
        [],
        status=2,
        args=["build", "--print", "--paper", "letter,"],
        message=["argument --paper: expected sizes separated by commas (letter,a4), got 'letter,'"],
    ),
    Case("paper-any-case", nothing, [], status=0, args=["build", "--paper", "A4"]),
    Case("schema-unknown", nothing, [], status=2, args=["schema", "topics"]),
    Case("audit-nothing", nothing, [], status=2, args=["audit"]),
    Case(
        "audit-missing",
        nothing,
        [],
        status=2,
        args=["audit", "{root}/out/nope.pdf"],
        message=["out/nope.pdf: no such file or folder"],
    ),
    Case(
        "audit-not-a-pdf",
        write("notes.pdf", "not a PDF at all\n"),
        [("{root}/notes.pdf", "error", "audit.read")],
        args=["audit", "{root}/notes.pdf"],
        message=["this is not a PDF file (no %PDF- header)"],
    ),
    Case(
        "audit-truncated",
        lambda root: (root / "cut.pdf").write_bytes(cut(root)),
        [("{root}/cut.pdf", "error", "audit.read")],
        args=["audit", "{root}/cut.pdf"],
    ),
    Case(
        "no-organization",
        remove("sources/organization.yaml"),
        [("sources/organization.yaml", "error", "file.missing")],
    ),
    Case(
        "unknown-topic",
        nothing,
        [],
        status=2,
        args=["build", "--topic", "minii"],
        message=["no topic has the id 'minii' (did you mean 'mini'?)"],
    ),
    Case(
        "unknown-topic-among-known",
        nothing,
        [],
        status=2,
        args=["build", "--topic", "mini", "--topic", "other"],
        message=["no topic has the id 'other'"],
    ),
    Case("topic-is-a-path", nothing, [], status=2, args=["build", "--topic", "../mini"]),
    Case(
        "check-unknown-option",
        nothing,
        [],
        status=2,
        args=["check", "--topic", "mini"],
    ),
    Case("memory-limit-text", nothing, [], status=2, args=["build", "--memory-limit", "lots"]),
    Case(
        "schema-without-a-name",
        nothing,
        [],
        status=2,
        args=["schema"],
        message=["name a schema (organization, topic, layout) or use --write"],
    ),
    Case(
        "root-missing",
        nothing,
        [],
        status=2,
        args=["check", "--root", "{root}/nowhere"],
        message=["is not a Position Press project"],
    ),
    Case(
        "strict-check-with-a-warning",
        write("sources/references/extra.yaml", "- id: extra\n  type: report\n  title: X\n"),
        [("sources/references/extra.yaml:1:7", "warning", "citation.unused")],
        args=["check", "--strict"],
    ),
    Case(
        "personalize-unknown-topic",
        nothing,
        [],
        status=2,
        args=["personalize", "minii", "--recipients", "{root}/people.csv"],
        message=["no topic has the id 'minii' (did you mean 'mini'?)"],
    ),
    Case(
        "personalize-without-recipients",
        nothing,
        [],
        status=2,
        args=["personalize", "mini"],
        message=["name the recipients: --recipients PATH"],
    ),
    Case(
        "personalize-bad-shard",
        write("sources/recipients/people.csv", HEADER + "a1,Ann Lee,Senator,senate,WA\n"),
        [],
        status=2,
        args=[
            "personalize",
            "mini",
            "--recipients",
            "{root}/sources/recipients/people.csv",
            "--shard",
            "3/2",
        ],
    ),
    Case(
        "personalize-header-only",
        write("sources/recipients/people.csv", HEADER),
        [("{root}/sources/recipients/people.csv:1:1", "error", "recipients.empty")],
        args=["personalize", "mini", "--recipients", "{root}/sources/recipients/people.csv"],
        message=["the file has no rows: only a header", "no recipients are selected; nothing was made"],
    ),
    Case(
        "personalize-header-and-blank-lines",
        write("sources/recipients/people.csv", HEADER + "\n,,,,\n\n"),
        [("{root}/sources/recipients/people.csv:1:1", "error", "recipients.empty")],
        args=["personalize", "mini", "--recipients", "{root}/sources/recipients/people.csv"],
    ),
    Case(
        "personalize-recipients-linked-out",
        both(
            outside("people.csv", HEADER + "a1,Ann Lee,Senator,senate,WA\n"),
            symlink("lists/people.csv", "../../elsewhere/people.csv"),
        ),
        [("lists/people.csv", "error", "file.outside")],
        args=["personalize", "mini", "--recipients", "{root}/lists/people.csv"],
        message=["symbolic link to '../../elsewhere/people.csv' leads outside the project"],
    ),
    # press new: located errors (exit status 1) and nothing written; a wrong command line is exit status 2.
    Case(
        "new-topic-that-exists",
        nothing,
        [("sources/topics/mini.yaml", "error", "new.exists")],
        args=["new", "topic", "mini"],
        message=["a topic with this id already exists; press new never overwrites a file"],
    ),
    Case(
        "new-topic-with-an-unsafe-id",
        nothing,
        [("sources/topics/../mini.yaml", "error", "schema.slug")],
        args=["new", "topic", "../mini"],
        message=["id: '../mini' is not a safe slug: use only lowercase letters, digits and single hyphens"],
    ),
    Case(
        "new-topic-with-capitals-and-an-unknown-layout",
        nothing,
        [("sources/topics/Water.yaml", "error", "schema.slug"), ("--layout", "error", "layout.unknown")],
        args=["new", "topic", "Water", "--layout", "sanction"],
        message=[
            "unknown layout 'sanction' (did you mean 'sanctions'?); known layouts: 'aid-diversion', 'base'"
        ],
    ),
    Case(
        "new-layout-extending-an-unknown-layout",
        nothing,
        [("--extends", "error", "layout.extends")],
        args=["new", "layout", "green", "--extends", "bsae"],
        message=["layout 'green' extends unknown layout 'bsae' (did you mean 'base'?)"],
    ),
    Case(
        "new-layout-that-exists",
        write("layouts/green/layout.yaml", "extends: base\n"),
        [("layouts/green", "error", "new.exists")],
        args=["new", "layout", "green"],
        message=["a layout with this name already exists"],
    ),
    Case(
        "new-layout-named-base",
        nothing,
        [("layouts/base", "error", "new.exists")],
        args=["new", "layout", "base"],
        message=["the layout 'base' ships with Position Press"],
    ),
    Case(
        "new-layout-with-an-unsafe-name",
        nothing,
        [("layouts/Green Layout", "error", "schema.slug")],
        args=["new", "layout", "Green Layout"],
        message=["layout: 'Green Layout' is not a safe slug"],
    ),
    Case(
        "new-project-into-a-folder-that-is-not-empty",
        nothing,
        [("{root}", "error", "new.exists")],
        args=["new", "project", "{root}"],
        message=["this folder is not empty; press new project writes only into a new or empty folder"],
    ),
    Case(
        "new-project-onto-a-file",
        nothing,
        [("{root}/sources/organization.yaml", "error", "new.exists")],
        args=["new", "project", "{root}/sources/organization.yaml"],
        message=["this is a file, not a folder; press new project writes only into a new or empty folder"],
    ),
    Case("new-without-a-kind", nothing, [], status=2, args=["new"]),
    Case("new-unknown-kind", nothing, [], status=2, args=["new", "chapter", "one"]),
    Case("new-topic-without-an-id", nothing, [], status=2, args=["new", "topic"]),
    Case("new-topic-with-two-ids", nothing, [], status=2, args=["new", "topic", "a", "b"]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_command_line(case, built, tmp_path):
    check(case, built, tmp_path)
