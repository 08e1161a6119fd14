"""Every problem the pipeline reports: located diagnostics, the report that collects them, expected errors."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, printed as `path:line:col: severity: message [code]`; one in a PDF as
    `path: page N: severity: message [code]`."""

    path: str
    line: int
    col: int
    severity: str  # "error" or "warning"
    message: str
    code: str
    page: int = 0  # the page of a PDF the problem is on (1-based), for problems found in a finished PDF

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col}"
        if self.page:
            where += f": page {self.page}"
        return f"{where}: {self.severity}: {self.message} [{self.code}]"


class Noted(str):
    """A path as messages show it, carrying a note that every message located there ends with (a file that
    Position Press ships is named as a project would name its own copy, and the note says so)."""

    note: str

    def __new__(cls, text: str, note: str) -> Noted:
        self = super().__new__(cls, text)
        self.note = note
        return self

    def __reduce__(self):
        return (Noted, (str(self), self.note))


@dataclass
class Report:
    """Collects every diagnostic of a run so that all of them are shown at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(
        self, path: str, line: int, col: int, severity: str, message: str, code: str, page: int = 0
    ) -> None:
        note = getattr(path, "note", "")
        if note and not message.endswith(note):
            message = f"{message} {note}"
        diagnostic = Diagnostic(str(path), line, col, severity, message, code, page)
        if diagnostic not in self.items:
            self.items.append(diagnostic)

    def error(self, where: tuple[str, int, int], message: str, code: str, page: int = 0) -> None:
        self.add(*where, "error", message, code, page)

    def warning(self, where: tuple[str, int, int], message: str, code: str, page: int = 0) -> None:
        self.add(*where, "warning", message, code, page)

    def extend(self, other: Report) -> None:
        for item in other.items:
            if item not in self.items:
                self.items.append(item)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def lines(self) -> list[str]:
        return [
            str(d)
            for d in sorted(self.items, key=lambda d: (d.path, d.line, d.col, d.page, d.code, d.message))
        ]


class PressError(Exception):
    """An expected failure: printed without a traceback, exit status 1."""

    exit_code = 1


class UsageError(PressError):
    """The command line itself is wrong (exit status 2)."""

    exit_code = 2


class SourceErrors(PressError):
    """The sources or layouts have errors; the report holds every one of them."""

    def __init__(self, report: Report, summary=None):
        super().__init__(f"{len(report.errors)} error(s)")
        self.report = report
        self.summary = summary  # what the build still made, if it got that far


def closest(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """Up to `n` known names most like `word`, best first, for 'did you mean' hints."""
    return difflib.get_close_matches(word, sorted(choices), n=n, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str:
    """A " (did you mean 'x'?)" suffix naming up to `n` close names ("'a', 'b' or 'c'"), or ''."""
    found = [f"'{c}'" for c in closest(word, choices, n)]
    if not found:
        return ""
    return f" (did you mean {', '.join(found[:-1]) + ' or ' if len(found) > 1 else ''}{found[-1]}?)"


def one_of(choices: Iterable[str]) -> str:
    """A sorted, quoted list of the valid names, for messages."""
    return ", ".join(f"'{c}'" for c in sorted(choices))
