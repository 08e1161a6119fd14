"""Regenerate the golden HTML files (`make golden`): the minimal fixture's briefing and one-pager."""

from __future__ import annotations

import tempfile
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def rendered(root: Path) -> dict[str, str]:
    """The HTML the render step makes for every document of the project at `root`, by file name."""
    from pipeline.document.make import render_all
    from pipeline.errors import Report
    from pipeline.sources.gather import gather

    report = Report()
    project = gather(root, report)
    assert project is not None, report.lines()
    return {f"{doc.stem}.html": doc.html for doc, _, _ in render_all(project, report)}


def main() -> None:
    from tests.conftest import copy_project

    with tempfile.TemporaryDirectory() as temp:
        for name, markup in rendered(copy_project(Path(temp) / "minimal", "minimal")).items():
            (GOLDEN / name).write_text(markup, encoding="utf-8")
            print(f"wrote tests/golden/{name}")


if __name__ == "__main__":
    main()
