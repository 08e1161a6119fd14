"""Shared benchmark helpers: run a command, time it, and sample the peak memory of its whole process tree."""

from __future__ import annotations

import statistics
import subprocess
import threading
import time
from pathlib import Path


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared by forked workers are counted once across them, not once each."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(
    command: list[str], cwd: Path | None = None, env: dict | None = None, memory: bool = False
) -> tuple[float, float, str]:
    """Run a command; return (wall seconds, peak MB (PSS) of the process and its children together, stdout).

    Sampling memory costs CPU (the kernel walks page tables), so timed runs leave it off (peak 0)."""
    peak = [0]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(process.pid)))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    if memory:
        sampler.join()
    if process.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err}")
    return wall, peak[0] / 1024, out


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """A plain Markdown table, so the figures can be pasted into a note as they are."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=False)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])
