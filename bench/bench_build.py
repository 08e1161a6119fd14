"""Build speed and memory on the sample: cold builds with 1 and 2 workers, no-op and one-topic rebuilds."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import median, run, table

REPO = Path(__file__).resolve().parent.parent
PRESS = [sys.executable, "-m", "pipeline", "build", "--quiet"]
TOPIC = "sanctions"


def fresh(base: Path, name: str) -> Path:
    root = base / name
    shutil.rmtree(root, ignore_errors=True)
    for folder in ("sources", "layouts"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="cold builds per worker count (default 3)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="press-bench-"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    cold: dict[int, list[float]] = {1: [], 2: []}
    for _i in range(args.runs):
        for jobs in (1, 2):  # alternate, so both see the same machine load
            root = fresh(base, f"cold-{jobs}")
            cold[jobs].append(run(PRESS + ["--jobs", str(jobs), "--root", str(root)], cwd=REPO)[0])
    memory = {
        jobs: run(
            PRESS + ["--jobs", str(jobs), "--root", str(fresh(base, f"memory-{jobs}"))], cwd=REPO, memory=True
        )[1]
        for jobs in (1, 2)
    }
    root = base / "cold-1"
    pdfs = sorted(p.relative_to(root) for p in (root / "out").rglob("*.pdf"))
    same = all((root / p).read_bytes() == (base / "cold-2" / p).read_bytes() for p in pdfs)
    state = json.loads((root / "out/.press/state.json").read_text())["body"]["outputs"]
    own = sum(v["seconds"] for k, v in state.items() if k.startswith(f"out/{TOPIC}/"))
    noop = [run(PRESS + ["--root", str(root)], cwd=REPO)[0] for _ in range(7)]
    topic = root / f"sources/topics/{TOPIC}.yaml"
    edits = []
    for n in range(args.runs):
        text = topic.read_text()  # a real change each time: a different word at the start of the summary
        topic.write_text(
            text.replace("summary: >-\n  ", f"summary: >-\n  {['Again,', 'Still,', 'Today,'][n % 3]} ", 1)
        )
        assert topic.read_text() != text
        edits.append(run(PRESS + ["--root", str(root)], cwd=REPO)[0])
    one, two = median(cold[1]), median(cold[2])
    rows = [
        ("cold build, --jobs 1", f"{one:.2f} s", "", ", ".join(f"{w:.2f}" for w in cold[1])),
        (
            "cold build, --jobs 2",
            f"{two:.2f} s",
            f"ratio {two / one:.2f} (goal <= 0.60)",
            ", ".join(f"{w:.2f}" for w in cold[2]),
        ),
        (
            "no-op rebuild (whole command)",
            f"{median(noop):.3f} s",
            "goal <= 0.2 s",
            ", ".join(f"{w:.3f}" for w in noop),
        ),
        (f"{TOPIC}: its own render time", f"{own:.2f} s", "briefing + one-pager, from the jobs-1 build", ""),
        (
            f"rebuild after editing {TOPIC}'s summary",
            f"{median(edits):.2f} s",
            f"{median(edits) / own:.2f}x its render time (goal <= 1.3x)",
            ", ".join(f"{w:.2f}" for w in edits),
        ),
        (
            "peak memory of a full build",
            f"{max(memory.values()):.0f} MB",
            "goal <= 400 MB (PSS of all processes together)",
            f"jobs 1: {memory[1]:.0f}, jobs 2: {memory[2]:.0f}",
        ),
    ]
    print(
        f"Build benchmark: sample sources, {args.runs} cold builds per worker count (timed without memory "
        f"sampling; one more build each for memory), medians, load average before: {load}\n"
    )
    print(table(rows, ("measure", "median", "against the goal", "every run")))
    print(f"\n{len(pdfs)} PDFs; --jobs 1 and --jobs 2 gave byte-identical files: {'yes' if same else 'NO'}")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
