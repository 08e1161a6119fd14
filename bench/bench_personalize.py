"""Benchmark of `press personalize`: every member of Congress for one topic, then 7,400 synthetic offices."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
CONGRESS = ROOT.parent / "shared" / "data" / "congress-legislators"
TOPIC = "sanctions"
SAMPLE = 60  # offices rendered the plain way (each a full WeasyPrint render); the figure is per office
SYNTHETIC = 7400
JOBS = 2

sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOURCE_DATE_EPOCH", "1731628800")

from pipeline.errors import Report  # noqa: E402
from pipeline.personalize import recipients as rs  # noqa: E402
from pipeline.personalize.run import Options, personalize  # noqa: E402
from pipeline.sources.gather import gather  # noqa: E402


class Peak:
    """The highest resident memory of this process plus its workers, sampled every 0.25 s: reading a
    process's PSS walks its page tables under its memory lock, and at 20 samples a second that slowed
    the workers being measured (a fly-in day took 15 to 18 s unsampled, 18.6 to 18.8 s sampled)."""

    def __init__(self):
        self.peak, self.parent, self.pss, self._stop = 0, 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = psutil.Process()
        while True:
            try:
                own = me.memory_full_info()
                kids = [c.memory_full_info() for c in me.children(recursive=True)]
            except psutil.Error:  # a worker ended while being read: this sample is skipped, not retried
                kids = None
            if kids is not None:
                self.peak = max(self.peak, own.rss + sum(k.rss for k in kids))
                self.pss = max(self.pss, own.pss + sum(k.pss for k in kids))
                self.parent = max(self.parent, own.rss)
            if self._stop.wait(0.25):
                return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def project_copy(where: Path):
    """A copy of the project's sources and layouts, so that bench output stays out of the project."""
    for name in ("sources", "layouts"):
        shutil.copytree(ROOT / name, where / name)
    report = Report()
    project = gather(where, report, only=[TOPIC])
    assert project is not None, report.lines()
    return project


def congress() -> rs.Selection:
    """Every current member of Congress, in walking order: what `press personalize` chooses with no filter."""
    return rs.choose(CONGRESS, rs.Filters(), Report())


def synthetic(people: list, count: int) -> list:
    """`count` offices made from the real ones: ids, names and rooms varied, accents kept."""
    out = []
    for i in range(count):
        r = people[i % len(people)]
        out.append(
            replace(
                r, id=f"{r.id}-{i // len(people):02d}", name=f"{r.name} {chr(65 + i % 26)}.", short=r.short
            )
        )
    return out


def run(project, selection: rs.Selection, **options):
    report = Report()
    started = time.perf_counter()
    result = personalize(project, TOPIC, selection, report, Options(jobs=JOBS, **options))
    result.seconds["wall"] = time.perf_counter() - started
    return result, report


def main() -> int:
    if not CONGRESS.is_dir():
        print(f"bench_personalize: skipped: {CONGRESS} is missing")
        return 0
    chosen = congress()
    people = chosen.everyone
    rows, later = [], []
    # The synthetic run first, so that the peak memory is that of a run, not of the runs before it.
    with tempfile.TemporaryDirectory() as temp:
        project = project_copy(Path(temp))
        many = synthetic(people, SYNTHETIC)
        with Peak() as peak:
            big, _ = run(project, rs.Selection(many, many, chosen.names))
        sizes = [p.stat().st_size for p in big.folder.glob("*.pdf") if not p.name.endswith("-print.pdf")]
        later += [
            (
                f"{len(big.copies)} synthetic offices: generate + verify + index + print file",
                f"{big.seconds['wall']:.1f} s",
                "goal <= 75 s",
            ),
            (
                "  of which generate / verify / index and print file",
                f"{big.seconds['make']:.1f} / {big.seconds['verify']:.1f} / {big.seconds['index']:.1f} s",
                "",
            ),
            (
                "  peak memory, main process + workers (sum of PSS: shared pages split)",
                f"{peak.pss / 1e6:.0f} MB",
                "goal <= 300 MB",
            ),
            (
                "  peak RSS, main process + workers (shared pages counted in each)",
                f"{peak.peak / 1e6:.0f} MB",
                "",
            ),
            ("  peak RSS, main process alone", f"{peak.parent / 1e6:.0f} MB", ""),
            (
                "  file size, max / mean",
                f"{max(sizes) / 1000:.1f} / {statistics.mean(sizes) / 1000:.1f} KB",
                "",
            ),
        ]
    with tempfile.TemporaryDirectory() as temp:
        project = project_copy(Path(temp))
        fast, _report = run(project, chosen)
        folder = fast.folder
        sizes = [p.stat().st_size for p in folder.glob("*.pdf") if not p.name.endswith("-print.pdf")]
        print_size = (folder / f"{TOPIC}-print.pdf").stat().st_size
        n = len(fast.copies)
        make, verify = fast.seconds["make"], fast.seconds["verify"]
        rows += [
            (f"{n} offices: shared base (render, fit, prepare), once", f"{fast.seconds['base']:.2f} s", ""),
            (f"{n} offices: generate (stamp and write)", f"{make:.2f} s", ""),
            (
                f"{n} offices: generate, shared base included",
                f"{fast.seconds['base'] + make:.2f} s",
                "goal <= 5 s",
            ),
            (f"{n} offices: verify (pdfium text, QR decode)", f"{verify:.2f} s", "goal <= 5 s"),
            (
                f"{n} offices: index and print file ({print_size / 1e6:.1f} MB)",
                f"{fast.seconds['index']:.2f} s",
                "",
            ),
            (f"{n} offices: whole run, wall", f"{fast.seconds['wall']:.2f} s", ""),
            (
                "file size, max / mean",
                f"{max(sizes) / 1000:.1f} / {statistics.mean(sizes) / 1000:.1f} KB",
                "goal <= 60 KB",
            ),
        ]
        sample = people[:SAMPLE]
        plain, _ = run(project, rs.Selection(sample, sample, chosen.names), full=True, verify=False)
        per_plain = plain.seconds["make"] / len(plain.copies)
        per_fast = make / n
        rows += [
            (
                f"plain WeasyPrint render per office ({SAMPLE}-office sample, extrapolated)",
                f"{per_plain * 1000:.1f} ms",
                f"{n} offices ~ {per_plain * n:.1f} s",
            ),
            ("fast path per office (generate)", f"{per_fast * 1000:.2f} ms", ""),
            ("speed-up of generation over the plain render", f"{per_plain / per_fast:.1f}x", "goal >= 12x"),
            (
                "speed-up of the whole run (base, generate, verify, index, print file) over the plain render",
                f"{per_plain * n / fast.seconds['wall']:.1f}x",
                "plain: generate only, no checks",
            ),
        ]
        shutil.rmtree(folder)
    width = max(len(r[0]) for r in rows + later)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"bench_personalize: topic '{TOPIC}', {JOBS} workers, {os.cpu_count()} CPUs, load average {load}")
    for what, value, note in rows + later:
        print(f"  {what:<{width}}  {value:>16}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
