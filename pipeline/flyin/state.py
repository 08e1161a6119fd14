"""Fly-in, state: content hashes of what a fly-in made (copies, team files, days, overview parts)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.graph import digest, file_hashes, intact, versions

FORMAT = 2
PATH = "out/.press/flyin.json"


@dataclass
class State:
    """What the last fly-in runs made: per copy, team, day and overview part, its key and files' sha256."""

    copies: dict[str, dict] = field(default_factory=dict)  # "<topic>/<id>" -> {key, file, sha256}
    teams: dict[str, dict] = field(default_factory=dict)  # "<date>/<slug>" -> {key, files: {path: sha256}}
    days: dict[str, dict] = field(default_factory=dict)  # "<date>" -> {key, files: {path: sha256}, parts}
    parts: dict[str, dict] = field(default_factory=dict)  # overview part key -> {key, files, pages}

    def body(self) -> dict:
        records = {"copies": self.copies, "teams": self.teams, "days": self.days, "parts": self.parts}
        return {"format": FORMAT, **records}


def load(root: Path) -> State:
    """The state, or an empty one when it is missing or damaged (then everything is made again)."""
    path = root / PATH
    try:
        data = json.loads(path.read_bytes())
        body = data["body"]
        if data["sha256"] != digest(json.dumps(body, sort_keys=True).encode()) or body["format"] != FORMAT:
            return State()
        return State(body["copies"], body["teams"], body["days"], body["parts"])
    except (OSError, ValueError, KeyError, TypeError):
        return State()


def save(root: Path, state: State) -> None:
    from pipeline.build.finish import write_atomic

    body = state.body()
    text = json.dumps(
        {"body": body, "sha256": digest(json.dumps(body, sort_keys=True).encode())}, sort_keys=True
    )
    write_atomic(root / PATH, text.encode())


def current(root: Path, entry: dict | None, wanted: str) -> bool:
    """Whether a recorded entry has the wanted key and every file it made is there, unchanged."""
    if not entry or entry.get("key") != wanted:
        return False
    return all(intact(root, path, sha) for path, sha in entry.get("files", {}).items())


def environment(root: Path, files: dict[str, str], inputs: list[Path]) -> dict:
    """What every fly-in output depends on besides its own rows: the tools and the pipeline's code, the
    organization, the base layout and shared assets, and the given input files (recipients, bills). `files`
    are the project's input hashes (graph.file_hashes); the schedule is not part of it."""
    shared = {
        p: h
        for p, h in files.items()
        if p.startswith(("layouts/base/", "sources/assets/", "sources/flyin/walking.yaml"))
        or p == "sources/organization.yaml"
    }
    extra = {}
    for path in inputs:
        if path.is_dir():
            extra.update({f"{path}/{n}": h for n, h in file_hashes(path, (".",)).items()})
        elif path.is_file():
            extra[str(path)] = digest(path.read_bytes())
    return {"tools": versions(), "shared": shared, "inputs": extra}
