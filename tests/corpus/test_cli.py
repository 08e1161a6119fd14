"""Corpus: the command line itself (exit status 2 for a wrong command line, located messages otherwise)."""

from __future__ import annotations

import pytest

from tests.corpus.harness import Case, check, nothing, remove, write


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
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_command_line(case, built, tmp_path):
    check(case, built, tmp_path)
