"""Personalize: one verified one-pager per office for a topic, an index, and a print file in walking order."""

from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.graph import build_date
from pipeline.document.make import make_document
from pipeline.errors import PressError, Report, SourceErrors
from pipeline.personalize.index import collate, index_name, write_index
from pipeline.personalize.people import Recipient
from pipeline.personalize.plan import Copy, band_date, check_settings, line_fields, plan, texts

CHUNK = 24  # copies per task: small enough to keep memory flat, large enough to keep workers busy


@dataclass
class Result:
    """What a run made: the copies written and verified, and timings per phase."""

    copies: list[Copy] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    folder: Path | None = None


# --- the shared base, made once per run ---------------------------------------------------------------------


def base_document(project, topic, source, report: Report):
    """The topic's one-pager through the normal pipeline (render, typeset, fit, checks) with the band's boxes
    empty but sized: the base every copy is stamped on. None (and errors in `report`) if it fails a check."""
    from pipeline.document.typeset import require_environment

    require_environment()
    output, _ = make_document(project, topic, source, "one-pager", build_date(), report, band={"lines": []})
    return output


def band_font(project, layout, chars: set[str]):
    """The band font subset to `chars`: the layout's upright weight-400 face of the band's family."""
    from pipeline.pdf.fonts import BandFont

    family = layout.band.font
    faces = [(face, path) for face, path in layout.fonts if face.family == family and face.style == "normal"]
    if not faces:
        raise PressError(f"layout '{layout.id}': the band font '{family}' is not one of the layout's fonts")
    _, path = min(faces, key=lambda fp: abs(fp[0].weight - 400))
    return BandFont.subset(project.root / path, family, chars)


# --- workers
# -------------------------------------------------------------------------------------------------

_BASE = None


def _init(base) -> None:
    global _BASE
    _BASE = base


def _make(job: tuple[str, list[Copy]]) -> list[tuple[int, str, list[str]]]:
    """Stamp and write a chunk of copies; returns (order, sha256, problems) per copy."""
    from pipeline.build.finish import write_atomic
    from pipeline.pdf.update import band_content, stamp
    from pipeline.personalize import qr

    root, copies = job
    done = []
    for copy in copies:
        data = stamp(_BASE, band_content(_BASE, copy.lines, qr.matrix(copy.url)))
        write_atomic(Path(root) / copy.file, data, sync=False)
        done.append((copy.order, hashlib.sha256(data).hexdigest(), []))
    return done


def _full(job: tuple[str, list[tuple[Copy, str]]]) -> list[tuple[int, str, list[str]]]:
    """Typeset, check and write a chunk of full renders (HTML made in the main process); a copy WeasyPrint
    complains about, or whose page clips content, is not written and comes back with its problems."""
    from pipeline.build.finish import write_atomic
    from pipeline.document.typeset import TypesetError, clipped, layout_html, write_pdf

    root, items = job
    done = []
    for copy, markup in items:
        try:
            document = layout_html(markup, Path(root), copy.id, "personalized")
            problems = [p for page in document.pages for p in clipped(page)]
            data = b"" if problems else write_pdf(document)
        except TypesetError as exc:
            problems = exc.problems
        if problems:
            done.append((copy.order, "", problems))
            continue
        write_atomic(Path(root) / copy.file, data, sync=False)
        done.append((copy.order, hashlib.sha256(data).hexdigest(), []))
    return done


def _check(job: tuple[str, list[Copy]]) -> list[tuple[int, list[str]]]:
    """Proof a chunk of written copies: (order, problems) for each."""
    from pipeline.pdf.proof import problems

    root, copies = job
    qr_box = _BASE.qr_box if _BASE is not None else None
    return [(c.order, problems((Path(root) / c.file).read_bytes(), c.name, c.url, qr_box)) for c in copies]


def _chunks(items: list, size: int = CHUNK) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def run_pool(function, jobs, base, workers: int):
    """`function` over `jobs` in `workers` processes (in this one when 1), results in order, streamed."""
    if workers <= 1:
        _init(base)
        for job in jobs:
            yield function(job)
        return
    import multiprocessing

    # Workers start from a small server process, not a copy of this one (which has WeasyPrint and a laid-out
    # page).
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(base,)) as pool:
        yield from pool.map(function, jobs)


# --- the run
# -------------------------------------------------------------------------------------------------


def personalize(
    project,
    topic_id: str,
    recipients: list[Recipient],
    report: Report,
    *,
    names: dict | None = None,
    full: bool = False,
    jobs: int = 2,
    shard: tuple[int, int] | None = None,
    order: dict[str, int] | None = None,
    everyone: list[Recipient] | None = None,
    verify: bool = True,
) -> Result:
    """Make, write and verify one copy per recipient (already selected and in walking order), then the index
    (and, unsharded, the print file). `order` gives each recipient's place in the whole selection's walking
    order (default: the list's order); `everyone` is that whole selection, whose characters the band font
    covers
    (so that every shard stamps the same base). Problems go to `report`; the others are still made."""
    from pipeline.pdf.update import prepare

    topic, source = next(((t, s) for t, s in project.topics if t.id == topic_id), (None, None))
    if topic is None:
        raise PressError(f"no topic has the id '{topic_id}'")
    layout = project.layouts[topic.layout]
    settings = Report()
    if not check_settings(project, topic, layout, settings):
        report.extend(settings)
        raise SourceErrors(report)
    result, clock = Result(), time.perf_counter()
    folder = f"out/personalized/{topic.id}"
    result.folder = project.root / folder
    language = topic.language or project.org.defaults.language
    day, names = band_date(language), names or {}
    chars = set()
    for r in everyone or recipients:
        for text in texts(r, layout.band, line_fields(r, topic, names, day)):
            chars |= set(text)
    font = band_font(project, layout, chars)
    output = base_document(project, topic, source, report)
    if output is None:
        raise SourceErrors(report)
    anchors = output.fitting.band
    base = prepare(output.pdf, anchors, font, layout.tokens.get("ink", "#000000"))
    width = base.text_box[2] - base.text_box[0]
    copies = plan(
        recipients,
        topic,
        layout.band,
        font,
        width,
        project.org.personalize.url,
        names,
        day,
        folder,
        report,
        order or {r.id: i for i, r in enumerate(recipients, 1)},
    )
    result.seconds["base"] = time.perf_counter() - clock
    clock = time.perf_counter()
    root = str(project.root)
    by_order = {c.order: c for c in copies}
    if full:  # each chunk's HTML is made here while the workers typeset the chunks before it
        chunks = (
            (root, [(c, _full_html(project, topic, layout, c, output.fitting.settings)) for c in chunk])
            for chunk in _chunks(copies, 4)
        )
        batches = run_pool(_full, chunks, None, jobs)
    else:
        batches = run_pool(_make, [(root, chunk) for chunk in _chunks(copies)], base, jobs)
    failed = set()
    for batch in batches:
        for order, digest, problems in batch:
            by_order[order].sha256 = digest
            if problems:
                failed.add(order)
                copy = by_order[order]
                report.error(
                    (copy.file, 0, 0),
                    f"the copy for {copy.name} ({copy.id}) could not be made: {'; '.join(problems)}",
                    "personalize.render",
                )
    os.sync()  # the copies were renamed into place unsynced; one flush for all of them
    result.seconds["make"] = time.perf_counter() - clock
    clock = time.perf_counter()
    if verify:
        made = [c for c in copies if c.order not in failed]
        for batch in run_pool(_check, [(root, chunk) for chunk in _chunks(made)], base, jobs):
            for order, problems in batch:
                if problems:
                    copy = by_order[order]
                    failed.add(order)
                    (project.root / copy.file).unlink(missing_ok=True)
                    report.error(
                        (copy.file, 0, 0),
                        f"the copy for {copy.name} ({copy.id}) failed its check: "
                        f"{'; '.join(problems)}; the file was removed",
                        "personalize.proof",
                    )
    result.seconds["verify"] = time.perf_counter() - clock
    result.copies = [c for c in copies if c.order not in failed]
    clock = time.perf_counter()
    index = index_name(shard)
    write_index(project.root / folder / index, result.copies)
    if shard is None:
        collate(project.root, result.copies, project.root / folder / f"{topic.id}-print.pdf", report)
    result.seconds["index"] = time.perf_counter() - clock
    return result


def _full_html(project, topic, layout, copy: Copy, settings) -> str:
    """One office's one-pager HTML with its band filled, set as the shared base was fitted (`settings`)."""
    from pipeline.document.render import render
    from pipeline.personalize import qr

    band = {
        "lines": [{"text": t, "size": s} for t, s in copy.lines],
        "qr": qr.svg_data_url(copy.url),
        "alt": f"QR code: the full briefing at {copy.url}",
    }
    date = build_date()
    return render(
        "one-pager", topic, project.org, layout, project.library, project.style, date, (), band, settings
    ).html
