"""Project files: every source is read or listed here, and no symbolic link may lead out of the project."""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path, PurePosixPath

from pipeline.errors import Noted, Report

# The base layout every layout extends, shipped with the package. A project's own layouts/base/ overrides
# it file by file; messages name a shipped file as the project would name its copy, with SHIPPED_NOTE.
SHIPPED = Path(__file__).resolve().parent.parent / "layouts" / "base"
BASE = "layouts/base"
SHIPPED_NOTE = "(the file is from the base layout shipped with Position Press)"


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _shipped_part(path: Path) -> str | None:
    """The part of `path` after the shipped base folder ('css/base.css'), or None when it is not in it."""
    for start in (SHIPPED, SHIPPED.resolve()):
        try:
            return path.relative_to(start).as_posix()
        except ValueError:
            continue
    return None


def locate(root: Path, relative: str) -> Path:
    """The file a project path names ('layouts/base/css/base.css'): the project's own; for one under
    layouts/base/ that the project does not have, the shipped base layout's."""
    relative = posixpath.normpath(relative)
    own = Path(root) / relative
    if relative.startswith(BASE + "/") and not (own.exists() or own.is_symlink()):
        return SHIPPED / relative[len(BASE) + 1 :]
    return own


def shown_file(root: Path, relative: str) -> str:
    """A project path as messages show it: with SHIPPED_NOTE when the project takes that file from the
    shipped base layout."""
    return shown(locate(root, relative), root)


def layout_files(root: Path, layer: str, pattern: str, report: Report) -> list[str]:
    """The files of layouts/<layer>/ matching the glob `pattern`, as project paths, sorted (a link out of the
    project reported and left out); for base, the shipped ones with the project's own beside and over them."""
    folder = f"layouts/{layer}"
    found = {p.relative_to(root).as_posix() for p in listing(Path(root) / folder, pattern, root, report)}
    if folder == BASE:
        found |= {f"{BASE}/{p.relative_to(SHIPPED).as_posix()}" for p in SHIPPED.glob(pattern) if p.is_file()}
    return sorted(found, key=PurePosixPath)


def base_files(root: Path, report: Report) -> dict[str, Path]:
    """Every file of a project's base layout, by project path: the shipped ones, and the project's own
    layouts/base/ over them (hidden files left out, as `tree` does)."""
    found = {f"{BASE}/{p.relative_to(SHIPPED).as_posix()}": p for p in tree(SHIPPED, SHIPPED, Report())}
    found.update({p.relative_to(root).as_posix(): p for p in tree(Path(root) / BASE, root, report)})
    return dict(sorted(found.items()))


def _relative(path: Path, root: Path) -> tuple[Path, Path] | None:
    """(start, rest): `path` as `start / rest`, with `start` the project root as spelled in `path`."""
    path = path if path.is_absolute() else Path.cwd() / path
    for start in (Path(os.path.abspath(root)), Path(root).resolve()):
        try:
            return start, path.relative_to(start)
        except ValueError:
            continue
    return None


def escape(path: Path, root: Path) -> tuple[Path, str] | None:
    """The first symbolic link on the way from `root` to `path` that leads out of the project (or loops),
    with what it points to; None when the whole way stays inside (or `path` is not in the project)."""
    found = _relative(path, root)
    if found is None:
        return None
    current, rest = found
    trusted = (Path(root).resolve(), SHIPPED.resolve())  # the project, and the base layout it may take
    for part in rest.parts:
        current = current / part
        if not current.is_symlink():
            continue
        target = os.readlink(current)
        try:
            real = current.resolve()
        except (OSError, RuntimeError):  # a loop of links
            return current, target
        if not any(_inside(real, folder) for folder in trusted):
            return current, target
    return None


def shown(path: Path, root: Path) -> str:
    """`path` as messages show it: relative to the project root; a file of the shipped base layout as the
    project would name its own copy (layouts/base/...), with SHIPPED_NOTE."""
    part = _shipped_part(Path(path))
    if part is not None:
        return Noted(BASE if part == "." else f"{BASE}/{part}", SHIPPED_NOTE)
    found = _relative(path, root)
    return found[1].as_posix() if found else str(path)


def refused(path: Path, root: Path | None, report: Report) -> bool:
    """Whether `path` is refused because a link on its way leads out of the project; the error is reported at
    the link's own path, naming what it points to. A link that stays inside the project is fine."""
    found = escape(path, root) if root is not None else None
    if found is None:
        return False
    link, target = found
    report.error(
        (shown(link, root), 0, 0),
        f"symbolic link to '{target}' leads outside the project; sources may only link to files "
        "inside it (copy the file in instead)",
        "file.outside",
    )
    return True


def read_bytes(path: Path, shown_as: str, report: Report, root: Path | None = None) -> bytes | None:
    """A source file's bytes. `root` is the project the file belongs to (None for a file named on the command
    line outside any project): a link out of it is refused. Anything but a readable regular file is reported
    and gives None."""
    if refused(path, root, report):
        return None
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            report.error(
                (shown_as, 0, 0), "not a regular file (a folder, pipe or device); give a file", "file.read"
            )
            return None
        return path.read_bytes()
    except OSError as exc:
        report.error((shown_as, 0, 0), f"cannot read file: {exc.strerror}", "file.read")
    return None


def read_text(path: Path, shown_as: str, report: Report, root: Path | None = None) -> str | None:
    """A source file's UTF-8 text with its line ends made '\\n' as Python's text files do (see read_bytes);
    text that is not UTF-8 is reported and gives None."""
    data = read_bytes(path, shown_as, report, root)
    if data is None:
        return None
    try:
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:  # located at the first bad byte, counted as the text would be
        before = data[: exc.start].decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
        line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
        report.error(
            (shown_as, line, col),
            f"file is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8",
            "file.encoding",
        )
    return None


def listing(folder: Path, pattern: str, root: Path | None, report: Report) -> list[Path]:
    """The paths under `folder` matching the glob `pattern`, sorted, less those a link takes out of the
    project (each reported)."""
    if refused(folder, root, report):
        return []
    return [path for path in sorted(folder.glob(pattern)) if not refused(path, root, report)]


def tree(folder: Path, root: Path, report: Report) -> list[Path]:
    """Every regular file under `folder`, sorted, without those whose name (or a folder's) starts with '.';
    links that stay inside the project are followed (each folder once); every link out of it, hidden or not,
    is reported and left out."""
    found: list[Path] = []
    seen: set[Path] = set()

    def visit(directory: Path, hidden: bool) -> None:
        real = directory.resolve()
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink() and refused(path, root, report):
                continue
            if entry.is_dir():
                visit(path, hidden or entry.name.startswith("."))
            elif entry.is_file() and not (hidden or entry.name.startswith(".")):
                found.append(path)

    if folder.is_dir() and not refused(folder, root, report):
        visit(folder, False)
    return found
