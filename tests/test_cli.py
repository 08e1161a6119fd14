"""The `press` command: located messages, exit codes, no tracebacks for expected errors, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import written

REPO = Path(__file__).resolve().parent.parent


def press(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_check_reports_each_broken_source_once_and_writes_nothing(project):
    root = project("broken")
    result = press("check", "--root", str(root))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "sources/topics/bad-cite.yaml:24:51: error: unknown citation 'amnesty-2012-returns' "
        "(did you mean 'amnesty-2021-returns'?) [citation.unknown]",
        "sources/topics/bad-layout.yaml:4:9: error: unknown layout 'normalisation' (did you mean "
        "'normalization'?); "
        "known layouts: 'aid-diversion', 'base', 'captagon', 'normalization', 'over-compliance', "
        "'refugee-return', "
        "'sanctions' [layout.unknown]",
        "sources/topics/slug.yaml:1:5: error: id: '../x' is not a safe slug: use only lowercase letters, "
        "digits and "
        "single hyphens, like 'refugee-return' [schema.slug]",
        "sources/topics/syntax.yaml:10:4: error: YAML syntax: this line's indentation does not line up with "
        "the "
        "lines above it (YAML: while parsing a block collection: expected <block end>, but found "
        "'<block mapping start>') [yaml.syntax]",
        "press: 4 errors; nothing was written",
    ]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (root / "out").exists()


def test_build_with_the_same_errors_writes_nothing(project):
    root = project("broken")
    result = press("build", "--root", str(root))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "press: 4 errors; nothing was written"
    assert written(root) == []


def test_check_on_good_sources_says_what_it_checked(project):
    result = press("check", "--root", str(project("minimal")))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "press: 1 topic, 2 references and 1 layout are fine\n"


def test_a_folder_that_is_not_a_project_is_a_usage_error(tmp_path):
    result = press("build", "--root", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == (
        f"press: error: {tmp_path} is not a Position Press project (it needs a sources/ folder)\n"
    )


def test_schema_prints_json_schema_with_documented_keys():
    result = press("schema", "topic")
    schema = json.loads(result.stdout)
    assert schema["title"] == "Topic" and schema["additionalProperties"] is False
    assert schema["properties"]["as_of"]["description"].startswith("The date the position speaks for")


def test_committed_schemas_match_the_models():
    from pipeline.sources import schema

    assert sorted(p.name for p in (REPO / "sources" / "schemas").glob("*.schema.json")) == sorted(
        f"{name}.schema.json" for name in schema.SCHEMAS
    )
    for name in schema.SCHEMAS:
        committed = (REPO / "sources" / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
        assert committed == schema.text(name), (
            f"run `make schema`: sources/schemas/{name}.schema.json is stale"
        )


def test_version():
    assert press("--version").stdout.startswith("press 0.")


def test_every_key_of_every_format_is_documented():
    from pipeline.sources import schema

    for name in schema.SCHEMAS:
        found = schema.schema(name)
        for definition in [found, *found.get("$defs", {}).values()]:
            for key, prop in definition.get("properties", {}).items():
                assert prop.get("description"), f"{name}: {definition.get('title')}.{key} has no description"
