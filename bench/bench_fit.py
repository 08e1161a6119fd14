"""Fit speed on the sample, before (a git ref; by default where this branch left main) and after (this tree),
in one run: renders and seconds per one-pager, a one-topic cold build against one plain WeasyPrint render of
its two final HTML files, and a full cold build on two workers. Medians; every process timed whole."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import median, run, table

REPO = Path(__file__).resolve().parent.parent
TOPIC = "sanctions"

# Run inside a code tree: make each sample one-pager once, after one to warm up, and say how it went.
PROBE = r"""
import json, sys, time
from pathlib import Path
from pipeline.document.make import make_document
from pipeline.errors import Report
from pipeline.sources.gather import gather
project = gather(Path(sys.argv[1]), Report())
topics = list(project.topics)
make_document(project, *topics[0], "one-pager", None, Report())
found = {}
for topic, source in topics:
    started = time.perf_counter()
    output, _ = make_document(project, topic, source, "one-pager", None, Report())
    fitting = output.fitting
    found[topic.id] = [time.perf_counter() - started, fitting.renders, fitting.settings.body]
print(json.dumps(found))
"""

# Run inside a code tree: where the time of a one-topic build goes, step by step, in one process.
PHASES = r"""
import json, sys, time
from pathlib import Path
now = time.perf_counter
started = now()
import weasyprint
took = {"import weasyprint": now() - started}
started = now()
from pipeline.build import run, graph
from pipeline.document.fit import fit
from pipeline.document.glyphs import stray_fonts
from pipeline.document.render import render
from pipeline.document.typeset import PDF_OPTIONS, layout_html
from pipeline.errors import Report
from pipeline.sources.gather import gather
took["import the pipeline"] = now() - started
root = Path(sys.argv[1])
started = now()
project = gather(root, Report(), only=[sys.argv[2]])
took["gather and check the sources"] = now() - started
topic, source = project.topics[0]
layout = project.layouts[topic.layout]
given = (topic, project.org, layout, project.library, project.style, None)
for kind in ("briefing", "one-pager"):
    started = now()
    doc = render(kind, *given)
    took[f"{kind}: render (templates, citations)"] = now() - started
    started = now()
    if kind == "briefing":
        document = layout_html(doc.html, root, doc.stem, doc.topic)
    else:
        document = fit(doc, root, lambda drop: render(kind, *given, drop)).document
    took[f"{kind}: layout" + (" (the fit)" if kind == "one-pager" else "")] = now() - started
    started = now()
    data = document.write_pdf(**PDF_OPTIONS)
    took[f"{kind}: write the PDF"] = now() - started
    started = now()
    stray_fonts(data, layout)
    took[f"{kind}: check its fonts"] = now() - started
print(json.dumps(took))
"""

# One plain WeasyPrint render of each file named, in one process: the floor the pipeline is compared with.
PLAIN = r"""
import sys
from weasyprint import HTML
for path in sys.argv[1:]:
    HTML(filename=path).write_pdf()
"""


def code_tree(base: Path, ref: str) -> Path:
    """The pipeline's code at `ref`, unpacked (not checked out: the repository is left alone)."""
    tree = base / "code-before"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def fresh(base: Path, name: str, tree: Path) -> Path:
    """A project to build: the sample's sources and the layouts of the code tree, with no out/ yet."""
    root = base / name
    shutil.rmtree(root, ignore_errors=True)
    for folder in ("sources", "layouts"):
        shutil.copytree(tree / folder, root / folder)
    return root


def python(tree: Path, *args: str) -> tuple[float, str]:
    """Run Python with the pipeline of `tree` first on its path; (wall seconds, stdout)."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    wall, _, out = run([sys.executable, *args], cwd=tree, env=env)
    return wall, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="repetitions of every measure (default 5)")
    parser.add_argument("--before", help="the git ref to compare with (default: the merge base with main)")
    args = parser.parse_args()
    if args.before is None:
        found = subprocess.run(
            ["git", "-C", str(REPO), "merge-base", "main", "HEAD"], capture_output=True, text=True
        )
        args.before = found.stdout.strip()[:12] or "main"
    base = Path(tempfile.mkdtemp(prefix="press-bench-fit-"))
    trees = {"before": code_tree(base, args.before), "after": REPO}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    probes: dict[str, list[dict]] = {name: [] for name in trees}
    topic_build: dict[str, list[float]] = {name: [] for name in trees}
    plain: dict[str, list[float]] = {name: [] for name in trees}
    full: dict[str, list[float]] = {name: [] for name in trees}
    phases: dict[str, list[dict]] = {name: [] for name in trees}
    build = ["-m", "pipeline", "build", "--quiet"]
    for _ in range(args.runs):
        for name, tree in trees.items():  # alternate, so both see the same machine load
            root = fresh(base, f"probe-{name}", tree)
            probes[name].append(json.loads(python(tree, "-c", PROBE, str(root))[1]))
            root = fresh(base, f"topic-{name}", tree)
            one = [*build, "--topic", TOPIC, "--jobs", "1", "--root", str(root)]
            topic_build[name].append(python(tree, *one)[0])
            html = [str(p) for p in sorted((root / "out" / TOPIC).glob("*.html"))]
            plain[name].append(python(tree, "-c", PLAIN, *html)[0])
            root = fresh(base, f"phases-{name}", tree)
            phases[name].append(json.loads(python(tree, "-c", PHASES, str(root), TOPIC)[1]))
            root = fresh(base, f"full-{name}", tree)
            full[name].append(python(tree, *build, "--jobs", "2", "--root", str(root))[0])
    before, after = base / "full-before", base / "full-after"
    briefings = sorted(p.relative_to(after) for p in after.rglob("*-briefing.pdf"))
    same = all((before / p).read_bytes() == (after / p).read_bytes() for p in briefings)
    now = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Fit benchmark: the sample, {args.runs} runs alternating before ({args.before}) and after (this "
        f"tree), medians; load average before: {load}, after: {now}\n"
    )
    print(one_pagers(probes) + "\n")
    print(builds(topic_build, plain, full) + "\n")
    print(f"Where the time of a one-topic build goes ({TOPIC}, steps in one process, seconds):\n")
    print(steps(phases) + "\n")
    print(f"{len(briefings)} briefings byte-identical before and after (the fit is one-pagers' only): {same}")
    shutil.rmtree(base, ignore_errors=True)


def one_pagers(probes: dict[str, list[dict]]) -> str:
    rows = []
    for topic in sorted(probes["after"][0]):
        got = {name: [p[topic] for p in runs] for name, runs in probes.items()}
        seconds = {name: median([g[0] for g in runs]) for name, runs in got.items()}
        rows.append(
            (
                topic,
                f"{got['before'][0][1]} -> {got['after'][0][1]}",
                f"{got['before'][0][2]:g} -> {got['after'][0][2]:g}",
                f"{seconds['before']:.2f} -> {seconds['after']:.2f}",
                f"{seconds['after'] / seconds['before']:.2f}",
            )
        )
    return table(rows, ("one-pager", "renders", "body pt", "seconds (warm, in process)", "after/before"))


def builds(topic_build: dict, plain: dict, full: dict) -> str:
    def cell(times: list[float]) -> str:
        return f"{median(times):.2f} s"

    def every(times: list[float]) -> str:
        return ", ".join(f"{w:.2f}" for w in times)

    ratio = {name: median(topic_build[name]) / median(plain[name]) for name in topic_build}
    rows = [
        (
            f"press build --topic {TOPIC} --jobs 1, cold",
            cell(topic_build["before"]),
            cell(topic_build["after"]),
            "",
            every(topic_build["after"]),
        ),
        (
            "one plain WeasyPrint render of its 2 final HTML files",
            cell(plain["before"]),
            cell(plain["after"]),
            "",
            every(plain["after"]),
        ),
        ("  build / plain render", f"{ratio['before']:.2f}x", f"{ratio['after']:.2f}x", "<= 1.3x", ""),
        (
            "press build --jobs 2, cold, all 12 documents",
            cell(full["before"]),
            cell(full["after"]),
            "<= 5 s",
            every(full["after"]),
        ),
    ]
    return table(rows, ("whole process", "before", "after", "goal", "every run, after"))


def steps(phases: dict[str, list[dict]]) -> str:
    rows = [
        (step, *(f"{median([p[step] for p in phases[name]]):.2f}" for name in ("before", "after")))
        for step in phases["after"][0]
    ]
    totals = (f"{median([sum(p.values()) for p in phases[name]]):.2f}" for name in ("before", "after"))
    return table(rows + [("total", *totals)], ("step", "before", "after"))


if __name__ == "__main__":
    main()
