"""JSON Schemas of the source formats, generated from the same models that validate them (for editors)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.sources.layouts import LayoutSpec
from pipeline.sources.model import Organization, Topic

SCHEMAS = {"organization": Organization, "topic": Topic, "layout": LayoutSpec}


def schema(name: str) -> dict:
    """The JSON Schema of one source format."""
    result = SCHEMAS[name].model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **result}


def text(name: str) -> str:
    """The schema as committed: stable key order, two-space indent, final newline."""
    return json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n"


def write(folder: Path) -> list[Path]:
    """Write every schema into `folder` as <name>.schema.json."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        path.write_text(text(name), encoding="utf-8")
        written.append(path)
    return written
