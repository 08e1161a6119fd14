"""The layout of the code: no import circle, no private name imported across modules, and each package
importing only what its `__init__` docstring allows."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pipeline

PACKAGE = Path(pipeline.__file__).resolve().parent
PACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module_name(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


@functools.cache
def imports() -> dict[str, list[tuple[str, str, int]]]:
    """Module -> (imported module, imported name or '', line) for every pipeline import, at any depth."""
    found: dict[str, list[tuple[str, str, int]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name, edges = module_name(path), []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges += [(a.name, "", node.lineno) for a in node.names if a.name.startswith("pipeline")]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline"):
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    is_module = is_module_name(target)
                    edges.append(
                        (target, "", node.lineno) if is_module else (node.module, alias.name, node.lineno)
                    )
        found[name] = edges
    return found


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in PACKAGES) else ""


def allowed(package: str) -> set[str]:
    """The packages a package's `__init__` docstring says it may import (after 'May import:')."""
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8"))) or ""
    found = re.search(r"May import:(.*?)(?:;|$)", doc, re.S)
    assert found, f"pipeline/{package}/__init__.py does not say what it may import"
    return set(re.findall(r"pipeline\.(\w+)", found.group(1))) | {package}


def test_no_module_imports_another_modules_private_name():
    private = [
        f"{module}:{line} imports {name} from {target}"
        for module, edges in imports().items()
        for target, name, line in edges
        if name.startswith("_") and not name.endswith("__") and target != module
    ]
    assert private == []


def test_there_is_no_import_circle():
    graph = {m: {t for t, _, _ in edges if t in imports() and t != m} for m, edges in imports().items()}
    circles = []

    def visit(node, path):
        for nxt in sorted(graph[node]):
            if nxt in path:
                circles.append(" -> ".join(path[path.index(nxt) :] + [nxt]))
            elif len(path) < 12:
                visit(nxt, path + [nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert sorted(set(circles)) == []


def test_every_package_imports_only_what_its_docstring_allows():
    wrong = []
    for module, edges in imports().items():
        mine = package_of(module)
        if not mine:
            continue
        for target, _, line in edges:
            theirs = package_of(target)
            if theirs and theirs not in allowed(mine):
                wrong.append(f"{module}:{line} imports {target} ({mine} may import {sorted(allowed(mine))})")
    assert wrong == []


def test_every_module_opens_with_a_one_line_summary():
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if not doc.splitlines() or not doc.splitlines()[0].rstrip().endswith((".", ")", ":")):
            missing.append(path.relative_to(PACKAGE.parent).as_posix())
    assert missing == []


def test_every_name_imported_from_the_pipeline_exists():
    """Imports inside functions run late; a name moved or renamed must not wait for a user to find it."""
    import importlib

    missing = []
    for module, edges in imports().items():
        for target, name, line in edges:
            if name and not hasattr(importlib.import_module(target), name):
                missing.append(f"{module}:{line} imports {name} from {target}, which has no such name")
    assert missing == []
