"""Watching the sources: each input file's size and modification time, polled; a burst of saves is one."""

from __future__ import annotations

import os
import time
from pathlib import Path

FOLDERS = ("sources", "layouts")  # what a build reads (as graph.file_hashes)
INTERVAL = 0.25  # seconds between two looks
SETTLE = 0.1  # a change counts once the files have held still this long (an editor's save, a git checkout)

Signature = dict[str, tuple[int, int, int]]  # relative path -> (modification time in ns, size, inode)


def signature(root: Path) -> Signature:
    """What every input file looks like on disk, without reading it: cheap enough to take four times a
    second (a save that replaces the file gives another inode, so it counts even within the same tick)."""
    found = {}
    for folder in FOLDERS:
        for dirpath, dirnames, filenames in os.walk(root / folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if name.startswith("."):
                    continue
                path = os.path.join(dirpath, name)
                try:
                    stat = os.stat(path)
                except OSError:  # removed while we looked; the next look sees it gone
                    continue
                found[os.path.relpath(path, root).replace(os.sep, "/")] = (
                    stat.st_mtime_ns,
                    stat.st_size,
                    stat.st_ino,
                )
    return found


class Watcher:
    """Tells when the input files have changed since the last time it said so, once they hold still."""

    def __init__(self, root: Path, interval: float = INTERVAL, settle: float = SETTLE):
        self.root, self.interval, self.settle = root, interval, settle
        self.seen = signature(root)

    def changed(self) -> Signature:
        """Wait until some input file is added, removed or saved, then until the files hold still for
        `settle` seconds; return the signature they settled at (which the next call compares against)."""
        while True:
            now = signature(self.root)
            if now != self.seen:
                break
            time.sleep(self.interval)
        while True:
            time.sleep(self.settle)
            later = signature(self.root)
            if later == now:
                break
            now = later
        self.seen = now
        return now
