"""Worker processes: each task runs in a child that may crash, hang or run out of memory on its own."""

from __future__ import annotations

import ctypes
import faulthandler
import itertools
import multiprocessing
import os
import resource
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any


@dataclass
class Failure:
    """Why a task produced nothing, in words for the person running the build."""

    message: str


def _serve(conn, work: Callable[[Any], Any], memory_mb: int) -> None:
    """A worker's loop: take a task, send back its result or its failure, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    faulthandler.disable()  # a crash is reported once, by the parent, in words
    parent = os.getppid()
    _die_with_parent()
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        while not conn.poll(0.5):
            if os.getppid() != parent:  # the build was killed: nobody will read what we make
                return
        task = conn.recv()
        if task is None:
            return
        try:
            result = work(task)
        except MemoryError:
            result = Failure(f"ran out of memory (the limit is {memory_mb} MB per worker)")
        except RecursionError:
            result = Failure("the layout nests too deeply (recursion limit reached)")
        except Exception as exc:  # noqa: BLE001 - any bug in one document must not stop the others
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            result = Failure(
                f"internal error {type(exc).__name__}: {exc} "
                f"(at {os.path.basename(frame.filename)}:{frame.lineno})"
            )
        conn.send(result)


def cpu_jobs() -> int:
    """The default number of workers: the CPUs this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the build process dies (kill -9 included)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # this process, libc included
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the parent check in the loop still ends an orphaned worker


class _Worker:
    def __init__(self, context, work, memory_mb: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work, memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.task = None
        self.deadline = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"the worker crashed ({signal.Signals(-code).name})"
        except ValueError:
            return f"the worker crashed (signal {-code})"
    return f"the worker exited unexpectedly (status {code})"


def run(
    tasks: Iterable[Any],
    work: Callable[[Any], Any],
    done: Callable[[Any, Any], None],
    jobs: int = 1,
    timeout: float = 300.0,
    memory_mb: int = 0,
) -> None:
    """Run `work(task)` for every task in `jobs` forked workers; call `done(task, result or Failure)` as each
    ends.

    Tasks go out in the order given (put the longest first). `tasks` may be a generator: it is read one task
    ahead while the workers are busy, so making a task overlaps the work on those before it. A worker that
    dies, passes `timeout` seconds or runs out of memory is replaced, and only its task fails.
    """
    pending = iter(tasks)
    queue = deque(itertools.islice(pending, max(1, jobs)))
    context = multiprocessing.get_context("fork")
    workers = [_Worker(context, work, memory_mb) for _ in range(max(1, min(jobs, len(queue))))]
    try:
        while True:
            for worker in workers:
                if worker.task is None and (queue or _more(pending, queue)):
                    worker.task = queue.popleft()
                    worker.deadline = time.monotonic() + timeout
                    worker.conn.send(worker.task)
            busy = [w for w in workers if w.task is not None]
            if not busy:
                return
            if not queue:
                _more(pending, queue)  # the next task is made while the workers work
            left = min(w.deadline for w in busy) - time.monotonic()
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=max(0.0, left))
            for i, worker in enumerate(workers):
                result = _outcome(worker, ready, timeout) if worker.task is not None else None
                if result is None:
                    continue
                task, worker.task = worker.task, None
                if isinstance(result, Failure):  # a worker that failed once is not trusted again
                    worker.stop(kill=True)
                    workers[i] = _Worker(context, work, memory_mb)
                done(task, result)
    finally:
        for worker in workers:
            worker.stop(kill=worker.task is not None)


def _more(pending, queue: deque) -> bool:
    """Take one more task from `pending` into `queue`; False when there are no more."""
    for task in pending:
        queue.append(task)
        return True
    return False


def _outcome(worker: _Worker, ready: list, timeout: float):
    """A busy worker's result, its Failure (dead or too slow), or None while it is still working."""
    if worker.conn in ready:
        try:
            return worker.conn.recv()
        except (EOFError, OSError):
            pass
    if worker.process.sentinel in ready or worker.conn in ready:
        worker.process.join(1)
        return Failure(_death(worker.process.exitcode))
    if time.monotonic() >= worker.deadline:
        return Failure(f"took longer than {timeout:g} s and was stopped")
    return None
