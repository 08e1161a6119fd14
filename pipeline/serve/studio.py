"""The studio's state: each topic's documents, fit meter and problems, and the last build, as JSON."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import defaultdict
from pathlib import Path

from pipeline import KINDS
from pipeline.build import graph
from pipeline.errors import Report
from pipeline.serve import meter
from pipeline.serve.pages import Pages
from pipeline.serve.problems import ordered, shown
from pipeline.serve.watch import Signature
from pipeline.sources.load import load_yaml


class Studio:
    """What the page shows, remade after every build (and as each document is written), with a version
    number that the page's event stream waits on."""

    def __init__(self, root: Path, pages: Pages):
        self.root, self.pages = root, pages
        self.changed = threading.Condition()
        self.version, self.body, self.closed = 0, b"{}", False
        self.inputs: Signature = {}  # the input files as the running (or last) build found them
        self.made_from: dict[str, tuple] = {}  # output path -> the inputs it was made from (see `_inputs`)
        self.items, self.failed = [], {}  # the last build's diagnostics, and its failed outputs with why
        self.build: dict = {"state": "starting"}
        self.titles: dict[str, tuple] = {}  # topic id -> (file signature, title, declared status)
        self.pdfs: dict[str, Path] = {}  # sha256 -> the PDF in out/ that has it (what images may be made of)

    def building(self, inputs: Signature) -> None:
        """A build starts on these input files."""
        self.inputs = inputs
        self.build = dict(self.build, state="building", made=0)
        self.publish()

    def made(self, path: str) -> None:
        """A document was just written: show it now, before the build ends."""
        self.made_from[path] = self._inputs(path.split("/")[-2])
        self.build = dict(self.build, made=self.build.get("made", 0) + 1)
        self.publish()

    def built(self, report: Report, summary, seconds: float, message: str = "") -> None:
        """A build ended: its problems, what it made or found up to date, and what failed."""
        self.items = list(report.items)
        self.failed = dict(summary.failed) if summary else {}
        for path in ([o.path for o in summary.built] + summary.skipped) if summary else []:
            self.made_from[path] = self._inputs(path.split("/")[-2])
        self.build = {
            "state": "failed" if report.errors or message else "done",
            "finished": dt.datetime.now().strftime("%H:%M:%S"),
            "seconds": round(seconds, 2),
            "made": len(summary.built) if summary else 0,
            "up_to_date": len(summary.skipped) if summary else 0,
            "failed": sorted(self.failed),
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "message": message,
        }
        self.publish()

    def publish(self) -> None:
        body = json.dumps(self.snapshot(), ensure_ascii=False, separators=(",", ":")).encode()
        with self.changed:
            self.version += 1
            self.body = body
            self.changed.notify_all()

    def wait(self, version: int, timeout: float) -> tuple[int, bytes | None]:
        """The state once its version is no longer `version` (or None after `timeout`, or once closed)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != version or self.closed, timeout)
            if self.closed or self.version == version:
                return version, None
            return self.version, self.body

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def pdf(self, sha256: str) -> Path | None:
        """The PDF in out/ with this sha256, if the page shows it."""
        return self.pdfs.get(sha256)

    def snapshot(self) -> dict:
        """Everything the page shows, as /status.json gives it."""
        state, _ = graph.load_state(self.root / "out" / ".press" / "state.json")
        ids = sorted(p.stem for p in (self.root / "sources" / "topics").glob("*.yaml"))
        mine = defaultdict(list)
        for item in ordered(self.items):
            mine[item.path].append(item)
        paths = {f"sources/topics/{t}.yaml" for t in ids}
        pdfs: dict[str, Path] = {}
        topics = [self._topic(t, state.outputs, mine[f"sources/topics/{t}.yaml"], pdfs) for t in ids]
        self.pdfs = pdfs
        self.pages.prepare(_drawing_order(topics, pdfs))
        return {
            "version": self.version + 1,
            "build": self.build,
            "problems": [shown(d, self.root) for p, items in mine.items() if p not in paths for d in items],
            "topics": topics,
        }

    def _topic(self, topic: str, outputs: dict, items: list, pdfs: dict) -> dict:
        path = f"sources/topics/{topic}.yaml"
        title, declared = self._title(topic, path)
        documents = {kind: self._document(topic, kind, outputs, items, pdfs) for kind in KINDS}
        if any(d.severity == "error" for d in items) or any(d["failed"] for d in documents.values()):
            status = "failing"
        elif any(d.code == "topic.stale" for d in items):
            status = "stale"
        else:
            status = declared
        return {
            "id": topic,
            "title": title,
            "status": status,
            "declared": declared,
            "source": path,
            "problems": [shown(d, self.root) for d in items],
            "documents": documents,
        }

    def _document(self, topic: str, kind: str, outputs: dict, items: list, pdfs: dict) -> dict:
        out = f"out/{topic}/{topic}-{kind}"
        entry, current = outputs.get(out), self.made_from.get(out) == self._inputs(topic)
        document = {
            "kind": kind,
            "pdf": None,
            "sha256": None,
            "current": current,
            "failed": self.failed.get(out),
        }
        pages = []
        if entry:
            sha, pdf = entry["sha256"], self.root / f"{out}.pdf"
            for number, (width, height) in enumerate(self.pages.page_sizes(pdf, sha), 1):
                alt = f"Page {number} of the {topic} {kind}" + ("" if current else " (stale)")
                image = f"/pages/{sha}/{number}"
                pages.append(
                    dict(
                        number=number,
                        image=f"{image}.png",
                        full=f"{image}-full.png",
                        alt=alt,
                        size=[width, height],
                    )
                )
            if pages:
                pdfs[sha] = pdf
                document.update(pdf=f"/{out}.pdf", sha256=sha)
        document["pages"] = pages
        if kind == "one-pager":
            document["fit"] = _meter(entry, items)
        return document

    def _inputs(self, topic: str) -> tuple:
        """What a topic's documents are made from, as far as a look at the files tells: its own file, and
        every input that is not a topic file (shared by all topics)."""
        shared = frozenset((p, s) for p, s in self.inputs.items() if not p.startswith("sources/topics/"))
        return self.inputs.get(f"sources/topics/{topic}.yaml"), hash(shared)

    def _title(self, topic: str, path: str) -> tuple[str, str]:
        """The topic's title and declared status, read again when its file changes (the last ones read when
        it cannot be read now)."""
        seen = self.inputs.get(path)
        known = self.titles.get(topic)
        if known and known[0] == seen:
            return known[1], known[2]
        source = load_yaml(self.root / path, path, Report())
        data = source.data if source is not None and isinstance(source.data, dict) else {}
        title = data.get("title") if isinstance(data.get("title"), str) else None
        status = data.get("status") if data.get("status") in ("draft", "approved") else None
        found = (seen, title or (known[1] if known else topic), status or (known[2] if known else "draft"))
        self.titles[topic] = found
        return found[1], found[2]


def _drawing_order(topics: list[dict], pdfs: dict[str, Path]) -> list[tuple[Path, str, int]]:
    """Every page the page shows, one-pagers first (what an author watches), then the briefings."""
    found = []
    for kind in ("one-pager", "briefing"):
        for topic in topics:
            document = topic["documents"][kind]
            if document["sha256"] in pdfs:
                sha = document["sha256"]
                found += [(pdfs[sha], sha, page["number"]) for page in document["pages"]]
    return found


def _meter(entry: dict | None, items: list) -> dict | None:
    """The fit meter of a one-pager: its overflow, if the last build found one, else its last fit."""
    overflow = next((d for d in items if d.code == "fit.overflow"), None)
    if overflow is not None:
        found = meter.overflowing(overflow.message)
        return found.as_dict() if found else None
    found = meter.fitted((entry or {}).get("fitting") or {})
    return found.as_dict() if found else None
