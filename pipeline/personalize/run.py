"""Personalize: one verified one-pager per office for a topic, an index, and a print file in walking order."""

from __future__ import annotations

import functools
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.graph import build_date
from pipeline.build.workers import Failure, run
from pipeline.document.make import make_document
from pipeline.errors import PressError, Report, SourceErrors
from pipeline.personalize.index import collate, index_name, write_index
from pipeline.personalize.plan import Copy, band_date, check_settings, line_fields, plan, texts
from pipeline.personalize.recipients import Selection

CHUNK = 24  # copies per task: small enough to keep memory flat, large enough to keep workers busy
FULL_CHUNK = 4  # full renders per task


@dataclass(frozen=True)
class Options:
    """How a run makes its copies: the choices of `press personalize`."""

    full: bool = False  # every copy through WeasyPrint instead of the stamped fast path
    jobs: int = 2
    shard: tuple[int, int] | None = None  # (K, N): this run makes shard K of N
    verify: bool = True  # proof every copy (benchmarks may time making alone)
    timeout: float = 300.0  # seconds a chunk of copies may take in a worker
    memory_mb: int = 2048  # each worker's address-space limit
    folder: str | None = None  # where the copies go, from the project root (default out/personalized/<topic>)
    index: bool = True  # write index.csv and the print file (a fly-in keeps its own records instead)
    bills: object = None  # the Bill Status data of --bills (pipeline.personalize.bills.Bills), or None
    base: object = None  # the topic's base one-pager (`base_document`'s Output) when made beforehand
    print_pdf: bool = False  # also each copy's print-shop variant, <id>.print.pdf (PDF/X-4, bleed, marks)
    prepared: tuple | None = None  # `prepared`'s (font, base, print base) for `base`, when made beforehand


@dataclass
class Result:
    """What a run made: the copies written and verified, the print file, and timings per phase."""

    copies: list[Copy] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    folder: Path | None = None
    print_file: Path | None = None  # None when it was not made (a shard, no copy, or a failed check)
    bills: object = None  # the topic's bills (standing.TopicBills) when --bills was given
    print_shop: Path | None = None  # the print file's print-shop variant, with --print


def personalize(project, topic_id: str, selection: Selection, report: Report, options: Options = Options()):
    """Make, write and verify one copy per office of `selection` (this shard's, in walking order), then the
    index and, unsharded, the print file. Every shard stamps the same base: its band font covers the whole
    selection's characters. Problems go to `report`, each at its office's row; the others are still made."""
    topic, source = next(((t, s) for t, s in project.topics if t.id == topic_id), (None, None))
    if topic is None:
        raise PressError(f"no topic has the id '{topic_id}'")
    layout = project.layouts[topic.layout]
    settings = Report()
    if not check_settings(project, topic, layout, settings):
        report.extend(settings)
        raise SourceErrors(report)
    folder = options.folder or f"out/personalized/{topic.id}"
    result, clock = Result(folder=project.root / folder), time.perf_counter()
    result.bills = topic_bills(project, topic, source, options.bills, report)
    output, (base, press), copies = _prepare(
        project, topic, source, layout, selection, report, folder, result.bills, options
    )
    result.seconds["base"] = time.perf_counter() - clock
    clock = time.perf_counter()
    failed = _make(project, topic, layout, output, (base, press), copies, options, report)
    result.seconds["make"] = time.perf_counter() - clock
    clock = time.perf_counter()
    if options.verify:
        mine = [c for c in copies if c.order not in failed]
        failed |= _proof(project, (base, press), mine, options, report)
    result.seconds["verify"] = time.perf_counter() - clock
    result.copies = [c for c in copies if c.order not in failed]
    clock = time.perf_counter()
    if options.index:
        write_index(result.folder / index_name(options.shard), result.copies)
        target = result.folder / f"{topic.id}-print.pdf"
        if options.shard is None and collate(project.root, result.copies, target, report):
            result.print_file = target
            shop = target.with_name(f"{topic.id}-print.print.pdf")
            if press is not None and collate(project.root, result.copies, shop, report, printed=True):
                result.print_shop = shop
    result.seconds["index"] = time.perf_counter() - clock
    return result


def topic_bills(project, topic, source, bills: dict | None, report: Report):
    """The bills the topic names, from the --bills data (None without it); a missing bill and data older than
    the organization's bills.max_age_days are warnings."""
    import datetime as dt

    from pipeline.personalize import standing

    if bills is None:
        return None
    language = topic.language or project.org.defaults.language
    found = standing.for_topic(topic, source, bills, language, report)
    limit = project.org.bills.max_age_days if project.org.bills else None
    standing.check_age(found, limit, build_date() or dt.date.today(), report)
    return found


def _prepare(project, topic, source, layout, selection: Selection, report: Report, folder, bills, options):
    """The shared base (the one-pager through the normal pipeline, band font added), with --print its
    print-shop variant (or None), and each copy's plan."""
    day = band_date(topic.language or project.org.defaults.language)
    output = options.base or base_document(project, topic, source, report)
    if output is None:
        raise SourceErrors(report)
    font, base, press = options.prepared or prepared(
        project, topic, source, output, selection, bills, options.print_pdf, report
    )
    width = base.text_box[2] - base.text_box[0]
    url = project.org.personalize.url
    copies = plan(
        selection.mine,
        topic,
        layout.band,
        font,
        width,
        url,
        selection.names,
        day,
        folder,
        report,
        selection.order,
        bills,
    )
    return output, (base, press), copies


def prepared(project, topic, source, output, selection: Selection, bills, printed: bool, report: Report):
    """(the band font, cut to the characters of every band of the whole selection; the base one-pager `output`
    with that font and the band's empty stream; with `printed`, its print-shop variant likewise, else None).
    A fly-in makes these in its workers, beside the base."""
    from pipeline.pdf.update import prepare

    layout = project.layouts[topic.layout]
    day = band_date(topic.language or project.org.defaults.language)
    chars = set()
    for r in selection.everyone:
        for text in texts(r, layout.band, line_fields(r, topic, selection.names, day, bills)):
            chars |= set(text)
    font = band_font(project, layout, chars)
    ink = layout.tokens.get("ink", "#000000")
    base = prepare(output.pdf, output.fitting.band, font, ink)
    press = None
    if printed:
        press = prepare(
            print_base(project, topic, source, layout, output, report), output.fitting.band, font, ink
        )
    return font, base, press


def print_base(project, topic, source, layout, output, report: Report) -> bytes:
    """The base one-pager's print-shop variant (prepress: bleed, crop marks, PDF/X-4) from the same fitted
    HTML; its copies are stamped as the screen ones are, the band placed from the trim. SourceErrors when
    WeasyPrint cannot make it."""
    from pipeline.document.prepress import print_pdf
    from pipeline.document.trace import report_problems
    from pipeline.document.typeset import TypesetError

    mine = Report()
    try:
        paper = project.org.defaults.page_size
        data = print_pdf(output.html, project.root, f"{topic.id}-one-pager", topic.id, layout, paper)
    except TypesetError as exc:
        report_problems(exc.problems, project, source, layout, "one-pager", mine)
        report.extend(mine)
        raise SourceErrors(report) from None
    return data


def base_document(project, topic, source, report: Report):
    """The topic's one-pager through the normal pipeline (render, typeset, fit, checks) with the band's boxes
    empty but sized: the base every copy is stamped on. None (and errors in `report`) if it fails a check."""
    from pipeline.document.typeset import require_environment

    require_environment()
    output, _ = make_document(project, topic, source, "one-pager", build_date(), report, band={"lines": []})
    return output


def band_font(project, layout, chars: set[str]):
    """The band font subset to `chars`: the layout's upright weight-400 face of the band's family."""
    from pipeline.sources.files import locate

    family = layout.band.font
    faces = [(face, path) for face, path in layout.fonts if face.family == family and face.style == "normal"]
    if not faces:
        raise PressError(f"layout '{layout.id}': the band font '{family}' is not one of the layout's fonts")
    _, path = min(faces, key=lambda fp: abs(fp[0].weight - 400))
    found = locate(project.root, path)
    info = found.stat()
    return _subset(found, info.st_size, info.st_mtime_ns, family, frozenset(chars))


@functools.lru_cache(maxsize=8)
def _subset(path, size: int, mtime: int, family: str, chars: frozenset):
    """The band font subset, made once per process for the same file and characters (the topics of a fly-in
    mostly share one set: subsetting takes most of a second)."""
    from pipeline.pdf.fonts import BandFont

    return BandFont.subset(path, family, set(chars))


def _make(project, topic, layout, output, bases, copies: list[Copy], options: Options, report: Report) -> set:
    """Write every copy (and with --print its print-shop variant: `bases` is the screen base and the print
    one, or None) in worker processes; the orders of the copies that could not be made."""
    root, paper = str(project.root), project.org.defaults.page_size
    if options.full:  # each chunk's HTML is made here while the workers typeset the chunks before it
        tasks = (
            [(c, _full_html(project, topic, layout, c, output.fitting.settings)) for c in chunk]
            for chunk in _chunks(copies, FULL_CHUNK)
        )
        work = lambda items: _typeset_copies(root, items, paper if bases[1] else None)  # noqa: E731
    else:
        tasks = iter(_chunks(copies, CHUNK))
        work = lambda chunk: _stamp_copies(root, bases, chunk)  # noqa: E731
    failed = set()

    def done(task, result):
        chunk = [item[0] if isinstance(item, tuple) else item for item in task]
        if isinstance(result, Failure):
            failed.update(_lost(chunk, result, "no copy made", report))
            return
        by_order = {c.order: c for c in chunk}
        for order, digest, problems, printed in result:
            by_order[order].sha256, by_order[order].print_sha256 = digest, printed
            if problems:
                failed.add(order)
                copy = by_order[order]
                report.error(
                    copy.where,
                    f"{copy.label} ({copy.id}): the copy could not be made: {'; '.join(problems)}",
                    "personalize.render",
                )

    run(tasks, work, done, jobs=options.jobs, timeout=options.timeout, memory_mb=options.memory_mb)
    os.sync()  # the copies were renamed into place unsynced; one flush for all of them
    return failed


def _proof(project, bases, copies: list[Copy], options: Options, report: Report) -> set:
    """Check every written copy (and print-shop variant) as a reader gets it (pdfium, zxing-cpp); remove and
    report each that fails."""
    root, failed = project.root, set()

    def done(chunk, result):
        if isinstance(result, Failure):
            failed.update(_lost(chunk, result, "the copy could not be checked and was removed", report))
            for copy in chunk:
                _remove(root, copy)
            return
        by_order = {c.order: c for c in chunk}
        for order, problems in result:
            if problems:
                copy = by_order[order]
                failed.add(order)
                _remove(root, copy)
                report.error(
                    copy.where,
                    f"{copy.label} ({copy.id}): the copy failed its check: {'; '.join(problems)}; "
                    f"{copy.file} was removed",
                    "personalize.proof",
                )

    work = lambda chunk: _check_copies(str(root), bases, chunk)  # noqa: E731
    run(
        _chunks(copies, CHUNK),
        work,
        done,
        jobs=options.jobs,
        timeout=options.timeout,
        memory_mb=options.memory_mb,
    )
    return failed


def _remove(root: Path, copy: Copy) -> None:
    (root / copy.file).unlink(missing_ok=True)
    (root / copy.print_file).unlink(missing_ok=True)


def _lost(chunk: list[Copy], failure: Failure, what: str, report: Report) -> set:
    """Report every copy of a chunk whose worker died, hung or ran out of memory, each at its office."""
    for copy in chunk:
        report.error(copy.where, f"{copy.label} ({copy.id}): {what}: {failure.message}", "personalize.worker")
    return {copy.order for copy in chunk}


def _stamp_copies(root: str, bases, copies: list[Copy]) -> list[tuple[int, str, list[str], str]]:
    """In a worker: stamp and write a chunk of copies (on the screen base, and on the print one when there is
    one); (order, sha256, problems, the print variant's sha256 or '') per copy."""
    from pipeline.build.finish import write_atomic
    from pipeline.pdf.update import band_content, stamp
    from pipeline.personalize import qr

    done = []
    for copy in copies:
        matrix, digests = qr.matrix(copy.url), []
        for base, name in zip(bases, (copy.file, copy.print_file), strict=True):
            if base is None:
                digests.append("")
                continue
            data = stamp(base, band_content(base, copy.lines, matrix), copy.url)
            write_atomic(Path(root) / name, data, sync=False)
            digests.append(hashlib.sha256(data).hexdigest())
        done.append((copy.order, digests[0], [], digests[1]))
    return done


def _typeset_copies(
    root: str, items: list[tuple[Copy, str]], paper: str | None
) -> list[tuple[int, str, list[str], str]]:
    """In a worker: typeset, check and write a chunk of full renders (their HTML made in the main process),
    and given a `paper`, each one's print-shop variant from the same HTML; a copy WeasyPrint complains about,
    or whose page clips content, is not written; its problems come back."""
    from pipeline.build.finish import write_atomic
    from pipeline.document.prepress import print_pdf
    from pipeline.document.typeset import TypesetError, clipped, layout_html, write_pdf

    done = []
    for copy, markup in items:
        printed = b""
        try:
            document = layout_html(markup, Path(root), copy.id, "personalized")
            problems = [p for page in document.pages for p in clipped(page)]
            data = b"" if problems else write_pdf(document)
            if paper and not problems:
                printed = print_pdf(markup, Path(root), copy.id, "personalized", None, paper)
        except TypesetError as exc:
            problems = exc.problems
        if problems:
            done.append((copy.order, "", problems, ""))
            continue
        write_atomic(Path(root) / copy.file, data, sync=False)
        if printed:
            write_atomic(Path(root) / copy.print_file, printed, sync=False)
        digest = hashlib.sha256(printed).hexdigest() if printed else ""
        done.append((copy.order, hashlib.sha256(data).hexdigest(), [], digest))
    return done


def _check_copies(root: str, bases, copies: list[Copy]) -> list[tuple[int, list[str]]]:
    """In a worker: proof a chunk of written copies, and their print-shop variants when `bases` has a print
    base; (order, problems) for each."""
    from pipeline.pdf.proof import problems

    base, press = bases
    done = []
    for c in copies:
        found = problems((Path(root) / c.file).read_bytes(), c.name, c.url, base.qr_box)
        if press is not None and not found:
            data = (Path(root) / c.print_file).read_bytes()
            found = [f"its print-shop variant: {p}" for p in problems(data, c.name, c.url, press.page_qr_box)]
        done.append((c.order, found))
    return done


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _full_html(project, topic, layout, copy: Copy, settings) -> str:
    """One office's one-pager HTML with its band filled, set as the shared base was fitted (`settings`)."""
    from pipeline.document.render import render
    from pipeline.pdf.bandtags import alt
    from pipeline.personalize import qr

    band = {
        "lines": [{"text": t, "size": s} for t, s in copy.lines],
        "qr": qr.svg_data_url(copy.url),
        "url": copy.url,
        "alt": alt(copy.url),
    }
    date = build_date()
    return render(
        "one-pager", topic, project.org, layout, project.library, project.style, date, (), band, settings
    ).html
