"""Cold builds of the sample by this tree and by another checkout (say main), alternated, in one run."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import median, table

REPO = Path(__file__).resolve().parent.parent


def cold(code: Path, base: Path, jobs: int) -> tuple[float, float]:
    """One cold build of `code`'s sample by `code`'s pipeline: (wall seconds, CPU seconds of the build)."""
    root = base / f"cold-{code.name}"
    shutil.rmtree(root, ignore_errors=True)
    for folder in ("sources", "layouts"):
        shutil.copytree(code / folder, root / folder)
    env = dict(os.environ, PYTHONPATH=str(code))  # and run from it: `-m` puts the working folder first
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, "-m", "pipeline", "build", "--quiet", "--jobs", str(jobs), "--root", str(root)]
    done = subprocess.run(command, cwd=code, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"the build of {code} failed:\n{done.stdout}{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "baseline", type=Path, help="another checkout of Position Press (e.g. `git worktree`)"
    )
    parser.add_argument("--runs", type=int, default=3, help="cold builds of each (default 3)")
    parser.add_argument("--jobs", type=int, default=1, help="build workers (default 1)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="press-versus-"))
    trees = {"this tree": REPO, "baseline": args.baseline.resolve()}
    got: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, code in trees.items():  # alternate, so both see the same machine load
            got[name].append(cold(code, base, args.jobs))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = []
    for name in trees:
        walls, cpus = [w for w, _ in got[name]], [c for _, c in got[name]]
        rows.append(
            (name, f"{median(walls):.2f} s", f"{median(cpus):.2f} s", ", ".join(f"{w:.2f}" for w in walls))
        )
    ratio = [median([c for _, c in got["this tree"]]) / median([c for _, c in got["baseline"]])]
    rows.append(("CPU ratio, this tree / baseline", f"{ratio[0]:.3f}", "goal <= 1.10", ""))
    print(table(rows, ("cold build", "wall (median)", "CPU (median)", "walls")))
    print(f"\n{args.runs} runs each, --jobs {args.jobs}, load average after: {load}")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
