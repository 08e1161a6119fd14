"""press serve: from saving a one-pager field to the new one-pager image loaded in a real browser."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import median, table

from tests.conftest import copy_project
from tests.serve.studio import Serve, chromium

IMAGE = "#topic-{topic} .one-pager .pages img"
GOALS = (1.0, 2.0)  # seconds: median and 95th percentile


def loaded(driver, selector: str) -> tuple[str, int] | None:
    """The image the browser has loaded for this element, and when (ms since the epoch, browser's clock)."""
    found = driver.execute_script(
        "const img = document.querySelector(arguments[0]);"
        "return img && img.complete && img.dataset.loaded"
        "  ? [img.dataset.loaded, +img.dataset.loadedAt] : null;",
        selector,
    )
    return tuple(found) if found else None


def edits(server: Serve, topic: str, count: int) -> tuple[list[float], list[float]]:
    """Save `count` changes to the first one-pager point; for each, the seconds from the write to the new
    image loaded in the browser, and the build's own seconds (briefing included)."""
    path = server.root / f"sources/topics/{topic}.yaml"
    original = path.read_text()
    first = original.split("  points:\n", 1)[1].split("\n", 1)[0]  # "    - The first point."
    driver = chromium()
    latencies, builds = [], []
    selector = IMAGE.format(topic=topic)
    try:
        driver.get(server.url)
        deadline = time.monotonic() + 300
        while not loaded(driver, selector) and time.monotonic() < deadline:
            time.sleep(0.05)
        for n in range(count):
            before = loaded(driver, selector)
            changed = original.replace(first, first.rstrip(".") + f", edit {n + 1}.", 1)
            written = time.time()
            path.write_text(changed)
            while (now := loaded(driver, selector)) is None or now[0] == before[0]:
                time.sleep(0.01)
            latencies.append(now[1] / 1000 - written)
            status = server.settled()  # the briefing too, so each save starts from a quiet studio
            builds.append(status["build"]["seconds"])
            time.sleep(0.3)
    finally:
        driver.quit()
        path.write_text(original)
    return latencies, builds


def breakdown(root: Path, topic: str, runs: int) -> dict[str, list[float]]:
    """Where a one-pager's rebuild spends its time, measured in this process (warm, one document at a time):
    the steps of build() and of make_document, and drawing the PNG."""
    from pipeline.build import graph
    from pipeline.document import fit, render, typeset
    from pipeline.document.make import make_document
    from pipeline.errors import Report
    from pipeline.serve.pages import Pages
    from pipeline.sources.gather import gather

    labels = [
        "hash the inputs",
        "gather the sources",
        "make the one-pager",
        "render: HTML from the templates",
    ]
    labels += ["fit: WeasyPrint layouts", "write the PDF", "draw the PNG", "make the one-pager, CPU"]
    spent: dict[str, list[float]] = {label: [] for label in labels}
    renders: list[int] = []

    def timed(module, name: str, label: str) -> None:
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label][-1] += time.perf_counter() - started

        setattr(module, name, wrapper)

    timed(render, "render", "render: HTML from the templates")
    timed(fit, "layout_html", "fit: WeasyPrint layouts")
    timed(typeset, "write_pdf", "write the PDF")
    source = root / f"sources/topics/{topic}.yaml"
    original = source.read_text()
    first = original.split("  points:\n", 1)[1].split("\n", 1)[0]
    for n in range(runs + 1):  # the first run warms the process up and is not counted
        source.write_text(original.replace(first, first.rstrip(".") + f", again {n}.", 1))
        for label in list(spent) + [
            "hash the inputs",
            "gather the sources",
            "make the one-pager",
            "draw the PNG",
        ]:
            spent[label].append(0.0)
        started = time.perf_counter()
        graph.file_hashes(root), graph.versions()
        spent["hash the inputs"][-1] = time.perf_counter() - started
        started = time.perf_counter()
        project = gather(root, Report())
        spent["gather the sources"][-1] = time.perf_counter() - started
        item = next((t, s) for t, s in project.topics if t.id == topic)
        started, cpu = time.perf_counter(), time.process_time()
        output, _ = make_document(project, *item, "one-pager", None, Report())
        spent["make the one-pager"][-1] = time.perf_counter() - started
        spent["make the one-pager, CPU"][-1] = time.process_time() - cpu
        renders.append(output.fitting.renders)
        pdf = root / "bench-one-pager.pdf"
        pdf.write_bytes(output.pdf)
        started = time.perf_counter()
        Pages().png(pdf, graph.digest(output.pdf), 1, "page")
        spent["draw the PNG"][-1] = time.perf_counter() - started
    source.write_text(original)
    result = {label: values[1:] for label, values in spent.items()}
    result["renders"] = renders[1:]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edits", type=int, default=20, help="saves to time (default 20)")
    parser.add_argument("--runs", type=int, default=5, help="in-process runs for the breakdown (default 5)")
    parser.add_argument(
        "--sample",
        metavar="TOPIC",
        default="sanctions",
        help="also time this sample topic (default sanctions)",
    )
    parser.add_argument("--sample-edits", type=int, default=5, help="saves to time on the sample (default 5)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="press-bench-serve-"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    projects = [("minimal", "mini", copy_project(base / "minimal", "minimal"), args.edits)]
    if args.sample and args.sample_edits:
        projects.append(("sample", args.sample, copy_project(base / "sample"), args.sample_edits))
    rows, parts = [], []
    for name, topic, root, count in projects:
        with Serve(root) as server:
            server.settled(timeout=900)
            latencies, builds = edits(server, topic, count)
        p95 = (
            statistics.quantiles(latencies, n=20, method="inclusive")[18]
            if len(latencies) > 1
            else latencies[0]
        )
        rows += [
            (
                f"{name} ({topic}): save to new image, median",
                f"{median(latencies):.2f} s",
                f"<= {GOALS[0]:.1f} s: {'met' if median(latencies) <= GOALS[0] else 'MISSED'}",
                ", ".join(f"{v:.2f}" for v in latencies),
            ),
            (
                f"{name} ({topic}): save to new image, 95th percentile",
                f"{p95:.2f} s",
                f"<= {GOALS[1]:.1f} s: {'met' if p95 <= GOALS[1] else 'MISSED'}",
                "",
            ),
            (f"{name} ({topic}): whole build (briefing too)", f"{median(builds):.2f} s", "", ""),
        ]
        spent = breakdown(root, topic, args.runs)
        renders = spent.pop("renders")
        parts.append((name, topic, spent, renders))
    print(
        f"Preview benchmark: saves of a one-pager point ({args.edits} on the minimal project, "
        f"{args.sample_edits} on the sample), each timed from the file write to the new one-pager image "
        f"loaded in headless Chromium; load average before: {load}\n"
    )
    print(table(rows, ("measure", "value", "goal", "every save")))
    for name, topic, spent, renders in parts:
        print(
            f"\nWhere a {name} ({topic}) one-pager rebuild goes, in one warm process "
            f"(medians of {args.runs}; {statistics.median(renders):g} WeasyPrint layouts each):\n"
        )
        order = [
            "hash the inputs",
            "gather the sources",
            "make the one-pager",
            "make the one-pager, CPU",
            "render: HTML from the templates",
            "fit: WeasyPrint layouts",
            "write the PDF",
            "draw the PNG",
        ]
        print(table([(label, f"{median(spent[label]):.3f} s") for label in order], ("step", "median")))
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
