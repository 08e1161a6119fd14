"""Fixtures for the preview: one `press serve` on a copy of the minimal project, and one headless Chromium."""

from __future__ import annotations

import pytest

from tests.conftest import copy_project
from tests.serve.studio import Serve, browsing


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`press serve` on a copy of tests/roots/minimal, after its first build: (root, Serve)."""
    root = copy_project(tmp_path_factory.mktemp("serve") / "minimal", "minimal")
    server = Serve(root)
    try:
        server.settled()
        yield root, server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    with browsing(width=1100, height=700) as driver:
        yield driver
