"""The corpus starts from the minimal fixture project, built once, so every case has outputs to keep."""

from __future__ import annotations

import pytest

from pipeline.cli import main
from tests.conftest import copy_project


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The minimal fixture project, built (its out/ holds the previous outputs every case must keep)."""
    root = copy_project(tmp_path_factory.mktemp("corpus") / "built", "minimal")
    assert main(["build", "--quiet", "--root", str(root)]) == 0
    return root
