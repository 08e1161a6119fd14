"""Worker processes: one document's crash, hang or memory blow-up fails that document only."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from pipeline.build.workers import Failure, run


def work(task):
    if task == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if task == "hang":
        time.sleep(60)
    if task == "hog":
        return bytearray(1 << 32)  # 4 GiB: more than the limit below
    if task == "bug":
        raise KeyError("missing")  # the line BUG_LINE names
    return f"made {task}"


BUG_LINE = next(
    n for n, text in enumerate(Path(__file__).read_text().splitlines(), 1) if "BUG_LINE names" in text
)


def outcomes(tasks, **options):
    results = {}
    run(tasks, work, lambda task, result: results.__setitem__(task, result), **options)
    return {task: (r.message if isinstance(r, Failure) else r) for task, r in results.items()}


def test_a_crash_a_hang_and_a_memory_hog_fail_alone_and_the_rest_is_made():
    found = outcomes(
        ["a", "crash", "b", "hang", "c", "hog", "d", "bug", "e"], jobs=2, timeout=3, memory_mb=1024
    )
    assert found == {
        "a": "made a",
        "b": "made b",
        "c": "made c",
        "d": "made d",
        "e": "made e",
        "crash": "the worker crashed (SIGSEGV)",
        "hang": "took longer than 3 s and was stopped",
        "hog": "ran out of memory (the limit is 1024 MB per worker)",
        "bug": f"internal error KeyError: 'missing' (at test_workers.py:{BUG_LINE})",
    }


def test_one_job_runs_tasks_in_order_in_one_worker():
    order = []
    run(["x", "y", "z"], lambda t: (t, os.getpid()), lambda task, result: order.append(result), jobs=1)
    assert [t for t, _ in order] == ["x", "y", "z"]
    assert len({pid for _, pid in order}) == 1 and order[0][1] != os.getpid()
