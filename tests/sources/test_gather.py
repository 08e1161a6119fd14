"""Gathering the project: what is reported across topics."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Report
from pipeline.sources.gather import gather
from tests.conftest import copy_project


def codes(report: Report) -> list[tuple[str, str]]:
    return [(f"{d.path}:{d.line}", d.code) for d in report.errors + report.warnings]


def test_a_topic_that_cannot_be_read_does_not_make_its_references_never_cited(tmp_path: Path):
    root = copy_project(tmp_path / "p")
    topic = root / "sources/topics/sanctions.yaml"
    topic.write_text(topic.read_text().replace("review_by:", "review_by: [", 1))  # broken YAML
    report = Report()
    assert gather(root, report) is None
    assert "citation.unused" not in [code for _, code in codes(report)]
    assert [code for _, code in codes(report) if code.startswith("yaml")], codes(report)


def test_a_reference_no_topic_cites_is_reported(tmp_path: Path):
    root = copy_project(tmp_path / "p")
    topic = root / "sources/topics/sanctions.yaml"
    text = topic.read_text().replace('cite: "[@willkie-2024-ofac]"', 'cite: "[@caesar-act-2019]"')
    topic.write_text(text.replace("[@willkie-2024-ofac]", ""))
    report = Report()
    gather(root, report)
    assert ("sources/references/library.json:133", "citation.unused") in codes(report)
