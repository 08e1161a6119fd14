"""Shared fixtures: throwaway copies of fixture projects, one build of the sample sources per session, and
the budgets of the property-based tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"

# Property-based tests (tests/fuzz) run on a budget chosen by HYPOTHESIS_PROFILE: "ci" (the default, in
# `make test`) tries 100 examples per test, the same ones every run; "fuzz" (`make fuzz`) tries 10,000
# fresh ones (or FUZZ_EXAMPLES) and keeps any failing example in .hypothesis/ to try first next time. No
# deadline: a slow example is not a failure, and timing is not what these tests check.
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, print_blob=True)
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", 10_000)), deadline=None, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def copy_project(dest: Path, name: str | None = None) -> Path:
    """A project in `dest`: the fixture root's sources (or the sample's), with the repository's layouts (the
    sample's topic layouts; base is the one shipped with the package)."""
    sources = ROOTS / name / "sources" if name else REPO / "sources"
    shutil.copytree(sources, dest / "sources")
    own_layouts = ROOTS / name / "layouts" if name else None
    shutil.copytree(
        own_layouts if own_layouts and own_layouts.is_dir() else REPO / "layouts", dest / "layouts"
    )
    return dest


def eject(root: Path, *names: str) -> Path:
    """Copy files of the shipped base layout into a project's layouts/base/ (all of them without `names`,
    e.g. eject(root, "css/base.css")), as a user does to change them; returns the project."""
    from pipeline.sources import files

    for name in names or [
        p.relative_to(files.SHIPPED).as_posix() for p in files.SHIPPED.rglob("*") if p.is_file()
    ]:
        target = root / "layouts" / "base" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(files.SHIPPED / name, target)
    return root


def edit(root: Path, old: str, new: str, file: str = "sources/topics/mini.yaml") -> None:
    """Replace text in one file of a throwaway project; the text must be there."""
    path = root / file
    text = path.read_text()
    assert old in text, f"{old!r} is not in {file}"
    path.write_text(text.replace(old, new))


def written(root: Path) -> list[str]:
    """The documents a build wrote under out/ (not its cache, nor the web twins: tests/site), as sorted
    relative paths."""
    out = root / "out"
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and ".press" not in p.parts and p.relative_to(out).parts[0] != "site"
    )


@pytest.fixture
def no_shipped_base(tmp_path, monkeypatch):
    """As if Position Press shipped no base layout: a project's own layouts/base/ is the whole base (for the
    tests of layout inheritance on small fixture layouts)."""
    from pipeline.sources import files

    monkeypatch.setattr(files, "SHIPPED", tmp_path / "no-shipped-base")


@pytest.fixture
def project(tmp_path):
    """A copy of a fixture project: project('minimal'), or project() for the sample sources."""

    def make(name: str | None = None) -> Path:
        return copy_project(tmp_path / (name or "sample"), name)

    return make


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The sample sources built once: (project root, outputs by (topic, kind), the report)."""
    from pipeline.build.run import build
    from pipeline.errors import Report

    root = copy_project(tmp_path_factory.mktemp("sample"))
    report = Report()
    outputs = build(root, report).built
    return root, {(o.topic, o.kind): o for o in outputs}, report
