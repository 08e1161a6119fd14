"""Benchmark of `press flyin`: the sample day, a 40-team day of 400 meetings, and one meeting moved."""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONGRESS = ROOT.parent / "shared" / "data" / "congress-legislators"
TEAMS, PER_TEAM = 40, 10
JOBS = 2
MOVES = 3  # one-row changes timed, each after the one before

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("SOURCE_DATE_EPOCH", "1741046400")  # 2025-03-04

from bench_personalize import Peak  # noqa: E402

from pipeline.errors import Report  # noqa: E402
from pipeline.flyin.run import Options, flyin  # noqa: E402
from pipeline.personalize.recipients import read  # noqa: E402
from pipeline.personalize.walk import parse_office  # noqa: E402
from pipeline.sources.gather import gather  # noqa: E402


def project_copy(folder: Path) -> Path:
    root = folder / "project"
    shutil.copytree(ROOT / "sources", root / "sources")
    shutil.copytree(ROOT / "layouts", root / "layouts")
    return root


def synthetic(path: Path) -> None:
    """40 teams of 10 half-hour meetings, 45 minutes apart from 09:00, each office met once, 1-2 topics."""
    chance = random.Random(7)
    people = [r for r in read(CONGRESS, Report()) if parse_office(r.office)]
    chance.shuffle(people)
    topics = ["normalization", "refugee-return", "aid-diversion", "sanctions", "over-compliance", "captagon"]
    rows = ["date,start,duration,team,recipient,topics"]
    for t in range(TEAMS):
        for k in range(PER_TEAM):
            r = people[t * PER_TEAM + k]
            minutes = 9 * 60 + 45 * k
            wanted = " ".join(chance.sample(topics, chance.choice((1, 2))))
            rows.append(
                f"2025-03-04,{minutes // 60:02d}:{minutes % 60:02d},30,Team {t + 1:02d},{r.id},{wanted}"
            )
    path.write_text("\n".join(rows) + "\n")


def timed(root: Path, schedule: Path) -> tuple[float, float, int, object]:
    """Wall seconds, CPU seconds (this process and its finished workers), peak PSS and the result."""
    report = Report()
    with Peak() as peak:
        started, cpu = time.perf_counter(), sum(os.times()[:4])
        project = gather(root, report)
        result = flyin(project, schedule, schedule.name, CONGRESS, report, Options(jobs=JOBS))
        seconds, cpu = time.perf_counter() - started, sum(os.times()[:4]) - cpu
    assert not report.errors, report.lines()
    return seconds, cpu, peak.pss, result


def median(runs: list[tuple]) -> tuple:
    """The run of median wall time (its CPU, peak and result), so that one figure does not mix runs."""
    return sorted(runs, key=lambda run: run[0])[len(runs) // 2]


def main() -> None:
    if not CONGRESS.is_dir():
        print(f"bench_flyin: skipped: the congress-legislators data is not at {CONGRESS}")
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = project_copy(Path(tmp) / "sample")
        rows.append(
            ("sample day (3 teams, 16 meetings), cold", *timed(root, root / "sources/flyin/schedule.csv"))
        )
        big = project_copy(Path(tmp) / "big")
        schedule = big / "day.csv"
        synthetic(schedule)
        rows.append((f"{TEAMS} teams, {TEAMS * PER_TEAM} meetings, cold", *timed(big, schedule)))
        moves = []
        for turn in range(MOVES):  # the same meeting moved 5 minutes later, then back, ...
            old, new = (",09:45,30,Team 01,", ",09:50,30,Team 01,")[:: 1 if turn % 2 == 0 else -1]
            schedule.write_text(schedule.read_text().replace(old, new, 1))
            moves.append(timed(big, schedule))
        rows.append((f"the same day, one meeting moved (median of {MOVES})", *median(moves)))
    load = os.getloadavg()[0]
    print(f"\nbench_flyin ({JOBS} workers, {os.cpu_count()} CPUs, load average {load:.1f})")
    print("CPU s: this process and its workers, user + system; peak MB: PSS of the process and its workers")
    print(f"{'run':<42} {'seconds':>8} {'CPU s':>7} {'peak MB':>8} {'teams made':>11} {'copies made':>12}")
    for name, seconds, cpu, pss, result in rows:
        made, copies = len(result.teams_made), result.copies_made
        print(f"{name:<42} {seconds:>8.1f} {cpu:>7.1f} {pss / 2**20:>8.0f} {made:>11} {copies:>12}")


if __name__ == "__main__":
    main()
