"""Corpus: the command line itself (exit status 2 for a wrong command line, located messages otherwise)."""

from __future__ import annotations

import pytest

from tests.corpus.harness import Case, check, nothing, remove

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
    Case(
        "no-organization",
        remove("sources/organization.yaml"),
        [("sources/organization.yaml", "error", "file.missing")],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_command_line(case, built, tmp_path):
    check(case, built, tmp_path)
