"""Releases: publish a checked build into out/release/ with a manifest and SHA256SUMS; verify it later."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pipeline.build.graph import digest
from pipeline.errors import PressError

MANIFEST, SUMS = "manifest.json", "SHA256SUMS"
VERSIONS = ("position-press", "weasyprint", "pydyf", "pypdf", "pango")


def publish(root: Path, folder: str, state, env: dict, expected: list[str], allowed: list[str]) -> Path:
    """Copy the release's PDFs from the staging folder into out/release/, with manifest and sums, all at once.

    `allowed` are the warnings the release was explicitly allowed to carry (stale topics); the manifest keeps
    them."""
    from pipeline.build.finish import write_atomic

    final, temp = root / "out" / "release", root / "out" / ".press" / "release.new"
    shutil.rmtree(temp, ignore_errors=True)
    files = []
    for path in sorted(expected):
        entry = state.outputs[path]
        name = path[len(folder) + 1 :] + ".pdf"
        data = (root / f"{path}.pdf").read_bytes()
        if digest(data) != entry["sha256"]:
            raise PressError(f"{path}.pdf changed while the release was being made; build again")
        write_atomic(temp / name, data)
        files.append(
            {
                "path": name,
                "kind": "packet" if "/packet-" in path else entry["kind"],
                "topic": entry["topic"] or None,
                "pages": entry["pages"],
                "size": len(data),
                "sha256": entry["sha256"],
                "inputs": entry["key"],
            }
        )
    tools = env["tools"]
    manifest = {
        "format": 1,
        "build_date": env["date"],
        "versions": {name: tools[name] for name in VERSIONS},
        "allowed": allowed,
        "files": files,
    }
    write_atomic(temp / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
    write_atomic(temp / SUMS, "".join(f"{f['sha256']}  {f['path']}\n" for f in files).encode())
    old = root / "out" / ".press" / "release.old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    temp.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return final


def verify(folder: Path) -> tuple[list[str], int]:
    """Every difference between a release folder and its manifest, as lines; and how many files were
    checked."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        listed = {f["path"]: f for f in files}
    except FileNotFoundError:
        raise PressError(f"{folder} has no {MANIFEST}; is it a release folder?") from None
    except (ValueError, KeyError, TypeError):
        raise PressError(f"{folder / MANIFEST} is not a readable manifest") from None
    problems = []
    for name, entry in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{path}: missing (the manifest lists it)")
            continue
        data = path.read_bytes()
        found = digest(data)
        if len(data) != entry["size"] or found != entry["sha256"]:
            problems.append(
                f"{path}: differs from the manifest (sha256 {found[:16]}…, "
                f"expected {entry['sha256'][:16]}…; {len(data)} bytes, expected {entry['size']})"
            )
        elif (pages := _pages(data)) != entry["pages"]:
            problems.append(f"{path}: has {pages} pages, the manifest says {entry['pages']}")
    sums = folder / SUMS
    expected_sums = "".join(f"{f['sha256']}  {f['path']}\n" for f in files)
    if not sums.is_file() or sums.read_text(encoding="utf-8") != expected_sums:
        problems.append(f"{sums}: does not match the manifest")
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in listed and name not in (MANIFEST, SUMS):
            problems.append(f"{path}: not in the manifest")
    return problems, len(listed)


def _pages(data: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return len(PdfReader(BytesIO(data)).pages)
    except (PdfReadError, ValueError, KeyError):
        return -1
