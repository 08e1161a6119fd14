"""A problem's source lines: two before, two after, the line it names marked; nothing outside the project."""

from __future__ import annotations

from pipeline.errors import Diagnostic
from pipeline.serve.problems import context, shown


def lines(root, count: int = 8) -> None:
    (root / "sources").mkdir()
    (root / "sources/t.yaml").write_text("".join(f"line {n}\n" for n in range(1, count + 1)))


def test_the_lines_around_a_problem_with_its_own_marked(tmp_path):
    lines(tmp_path)
    found = context(tmp_path, "sources/t.yaml", 5)
    assert [(c["number"], c["text"], c["here"]) for c in found] == [
        (3, "line 3", False),
        (4, "line 4", False),
        (5, "line 5", True),
        (6, "line 6", False),
        (7, "line 7", False),
    ]
    assert [c["number"] for c in context(tmp_path, "sources/t.yaml", 1)] == [1, 2, 3]
    assert [c["number"] for c in context(tmp_path, "sources/t.yaml", 8)] == [6, 7, 8]


def test_no_lines_without_a_line_or_a_file_of_the_project(tmp_path):
    root = tmp_path / "inner"
    root.mkdir()
    lines(root)
    assert context(root, "sources/t.yaml", 0) == []  # a problem with the whole file
    assert context(root, "sources/t.yaml", 99) == []
    assert context(root, "sources/missing.yaml", 1) == []
    (tmp_path / "outside.yaml").write_text("secret\n")
    assert context(root, "../outside.yaml", 1) == []
    assert context(root, "/etc/passwd", 1) == []


def test_a_problem_is_shown_as_the_terminal_prints_it(tmp_path):
    lines(tmp_path)
    problem = Diagnostic("sources/t.yaml", 4, 3, "error", "unknown citation 'x'", "citation.unknown")
    item = shown(problem, tmp_path)
    assert item["text"] == "sources/t.yaml:4:3: error: unknown citation 'x' [citation.unknown]"
    assert (item["line"], item["col"], item["severity"]) == (4, 3, "error")
    assert [c["number"] for c in item["context"]] == [2, 3, 4, 5, 6]
