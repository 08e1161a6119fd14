"""Run one bad-input case as a user would, and check everything the README promises about bad input.

A case starts from a copy of a project that has already been built (so there are previous outputs to keep),
changes some files, runs one `press` command in this process (so that an unexpected exception is a failing
test, not a line on stderr), and then checks:
- the exit status;
- the diagnostics: every expected one printed exactly at its place with its code (and message, when given),
  and no other error;
- no traceback, no "internal error" from a worker;
- nothing written outside out/ (every other file of the project, and the folder around it, as it was);
- no partial file anywhere (no temporary files, every PDF complete);
- the previous outputs kept, except the documents the case names as remade.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.cli import main

DIAGNOSTIC = re.compile(
    r"^(?P<where>\S.*?): (?P<severity>error|warning): (?P<message>.*) \[(?P<code>[a-z0-9.-]+)\]$"
)


@dataclass
class Case:
    """One bad or unusual input: what to change, what to run, and what the user must see."""

    id: str
    edit: Callable[[Path], None]  # changes the project in place (see the helpers below)
    expect: list[
        tuple[str, str, str]
    ]  # (where, "error" or "warning", code), e.g. ("sources/x.yaml:3:5", ...)
    status: int = 1
    args: list[str] = field(default_factory=lambda: ["build"])
    message: list[str] = field(default_factory=list)  # fragments that must be in the diagnostics' messages
    remade: list[str] = field(default_factory=list)  # outputs (under out/) that may be replaced
    other_errors: bool = False  # True when further errors beyond `expect` are fine (say, a cascade)

    def __str__(self) -> str:
        return self.id


@dataclass
class Outcome:
    """What a run printed and returned."""

    status: int
    out: str
    err: str
    diagnostics: list[tuple[str, str, str, str]]  # (where, severity, code, message)


def files(root: Path, skip: str = "") -> dict[str, str]:
    """sha256 of every file under `root` but the folder `skip`, by relative path; symlinks by target."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if skip and (rel == skip or rel.startswith(skip + "/")):
            continue
        if path.is_symlink():
            found[rel] = "-> " + str(path.readlink())
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run(args: list[str]) -> Outcome:
    """`press ARGS` in this process: status, stdout, stderr and the diagnostics printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(args)
        except SystemExit as exc:  # argparse's way of refusing a command line
            status = exc.code if isinstance(exc.code, int) else 2
    lines = err.getvalue().splitlines()
    found = []
    for line in lines:
        match = DIAGNOSTIC.match(line)
        if match:
            found.append((match["where"], match["severity"], match["code"], match["message"]))
    return Outcome(status, out.getvalue(), err.getvalue(), found)


def check(case: Case, built: Path, tmp: Path) -> Outcome:
    """Run `case` on a copy of the built project `built` inside `tmp`, and assert every promise."""
    root = tmp / "project"
    shutil.copytree(built, root, symlinks=True)
    case.edit(root)
    around = files(tmp, skip="project/out")
    before = files(root / "out") if (root / "out").is_dir() else {}
    args = [a.replace("{root}", str(root)) for a in case.args]
    rootless = "--root" in args or args[:1] in (["verify"], ["audit"]) or args[:2] == ["new", "project"]
    outcome = run(args + ([] if rootless else ["--root", str(root)]))
    text = outcome.out + outcome.err
    assert "Traceback" not in text and "internal error" not in text, text
    assert outcome.status == case.status, f"exit status {outcome.status}, expected {case.status}:\n{text}"
    got = [(where, severity, code) for where, severity, code, _ in outcome.diagnostics]
    wanted = [(where.replace("{root}", str(root)), severity, code) for where, severity, code in case.expect]
    for expected in wanted:
        assert expected in got, f"{expected} not among the diagnostics:\n{outcome.err}"
    if not case.other_errors:
        extra = [d for d in got if d[1] == "error" and d not in wanted]
        assert not extra, f"unexpected errors {extra}:\n{outcome.err}"
    messages = " ".join(message for *_, message in outcome.diagnostics) + " " + outcome.err
    for fragment in case.message:
        assert fragment in messages, f"{fragment!r} not in:\n{outcome.err}"
    now = files(tmp, skip="project/out")
    changed = sorted(k for k in now.keys() | around.keys() if now.get(k) != around.get(k))
    assert not changed, f"files outside out/ were written, changed or removed: {changed}"
    leftovers = [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers, f"partial files left: {leftovers}"
    after = files(root / "out") if (root / "out").is_dir() else {}
    for rel, digest in before.items():
        if rel.startswith(".press/") or any(rel.startswith(name) for name in case.remade):
            continue
        if rel.startswith("site/") and outcome.status == 0:
            continue  # a good build brings the web twins up to date (tests/site); a failed one leaves them
        assert after.get(rel) == digest, f"out/{rel} was changed or removed"
    for rel in after:
        if rel.endswith(".pdf"):
            data = (root / "out" / rel).read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), f"out/{rel} is incomplete"
    return outcome


# --- edits: small functions that change a project the way a user would ------------------------------------


def write(path: str, text: str | bytes) -> Callable[[Path], None]:
    """Replace (or create) a file of the project."""

    def edit(root: Path) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")

    return edit


def replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace text that must be in a file of the project."""

    def edit(root: Path) -> None:
        target = root / path
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {path}"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def append(path: str, text: str) -> Callable[[Path], None]:
    """Add text at the end of a file of the project."""

    def edit(root: Path) -> None:
        with (root / path).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return edit


def remove(path: str) -> Callable[[Path], None]:
    """Delete a file or folder of the project."""

    def edit(root: Path) -> None:
        target = root / path
        shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()

    return edit


def symlink(path: str, target: str) -> Callable[[Path], None]:
    """Make `path` a symbolic link to `target` (relative to the link's folder, or absolute)."""

    def edit(root: Path) -> None:
        link = root / path
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.exists() or link.is_symlink():
            remove(path)(root)
        link.symlink_to(target)

    return edit


def outside(name: str, content: str | bytes = "x") -> Callable[[Path], None]:
    """Put a file beside the project (in elsewhere/, outside it) for a link to point at."""

    def edit(root: Path) -> None:
        target = root.parent / "elsewhere" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    """Several edits, in order."""

    def edit(root: Path) -> None:
        for one in edits:
            one(root)

    return edit


def eject(*names: str) -> Callable[[Path], None]:
    """Copy files of the shipped base layout into the project's layouts/base/, as a user does to change them
    (all of them when no name is given)."""
    from tests.conftest import eject as copy

    def edit(root: Path) -> None:
        copy(root, *names)

    return edit


def nothing(root: Path) -> None:
    """No change: for command-line cases."""
