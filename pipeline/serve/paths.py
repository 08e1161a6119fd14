"""Which files the preview may serve: regular files under one folder, named without any way out of it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote


def parts(url_path: str) -> list[str] | None:
    """The names in a URL path (without its query), decoded; None for a path that could lead anywhere else:
    '..' or '.' (raw or percent-encoded), an absolute path, an empty name ('//'), a backslash, a NUL or a
    control character, a name that starts with a dot, or bytes that are not UTF-8."""
    try:
        text = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if not text or text.startswith("/") or "\\" in text or any(ord(c) < 32 or ord(c) == 127 for c in text):
        return None
    names = text.split("/")
    if any(not name or name.startswith(".") for name in names):
        return None
    return names


def safe_path(base: Path, url_path: str) -> Path | None:
    """The regular file under `base` that `url_path` (relative, as it came in the URL) names, or None: see
    `parts`; a symbolic link that leads out of `base` is refused as well."""
    names = parts(url_path)
    if names is None:
        return None
    base = base.resolve()
    target = base.joinpath(*names).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


def inside(root: Path, relative: str) -> Path | None:
    """The project's file a diagnostic names (`sources/topics/x.yaml`), if it is a file in the project."""
    return safe_path(root, relative)
