"""Fixtures for the web twins: the minimal project built once, and one headless Chromium."""

from __future__ import annotations

import pytest

from tests.conftest import copy_project
from tests.serve.studio import browsing


@pytest.fixture(scope="session")
def minimal_site(tmp_path_factory):
    """tests/roots/minimal built (PDFs and site): its root."""
    from pipeline.build.run import build
    from pipeline.errors import Report

    root = copy_project(tmp_path_factory.mktemp("site") / "minimal", "minimal")
    report = Report()
    build(root, report, jobs=1)
    assert not report.errors, report.lines()
    return root


@pytest.fixture(scope="module")
def browser():
    with browsing(width=1280, height=900) as driver:
        yield driver
