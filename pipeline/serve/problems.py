"""Problems as the page shows them: the terminal's line, and the source lines around it, column marked."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Diagnostic
from pipeline.serve.paths import inside, safe_path
from pipeline.sources import files

BEFORE, AFTER = 2, 2  # source lines shown around the line a problem names


def context(
    root: Path, path: str, line: int, before: int = BEFORE, after: int = AFTER, shipped: bool = False
) -> list[dict]:
    """The lines of a project file around `line` (1-based): [{"number", "text", "here"}]; [] when the
    diagnostic names no line or no file of the project. With `shipped` (the message ends with the note
    files.SHIPPED_NOTE), `path` (layouts/base/...) names a file of the base layout the package ships."""
    file = inside(root, path) if line > 0 and not shipped else None
    if shipped and line > 0 and path.startswith(files.BASE + "/"):
        file = safe_path(files.SHIPPED, path[len(files.BASE) + 1 :])
    if file is None:
        return []
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    if line > len(lines):
        return []
    first, last = max(1, line - before), min(len(lines), line + after)
    return [
        {"number": n, "text": lines[n - 1].expandtabs(8), "here": n == line} for n in range(first, last + 1)
    ]


def shown(diagnostic: Diagnostic, root: Path) -> dict:
    """One problem for the page and /status.json: its line as the terminal prints it, its parts, and its
    context (the column is 1-based, so the mark stands under character `col`)."""
    return {
        "text": str(diagnostic),
        "severity": diagnostic.severity,
        "code": diagnostic.code,
        "path": diagnostic.path,
        "line": diagnostic.line,
        "col": diagnostic.col,
        "message": diagnostic.message,
        "context": context(
            root, diagnostic.path, diagnostic.line, shipped=diagnostic.message.endswith(files.SHIPPED_NOTE)
        ),
    }


def ordered(items: list[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in the order the terminal prints them (Report.lines)."""
    return sorted(items, key=lambda d: (d.path, d.line, d.col, d.page, d.code, d.message))
