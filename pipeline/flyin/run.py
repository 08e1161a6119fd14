"""Fly-in, run: a day's copies (once per office and topic), each team's itinerary and packet, the overview."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.finish import csv_bytes, write_atomic
from pipeline.build.graph import build_date, file_hashes, key, output_keys
from pipeline.build.workers import Failure, run
from pipeline.errors import PressError, Report, SourceErrors
from pipeline.flyin import state as st
from pipeline.flyin.checks import check
from pipeline.flyin.overview import PARTS, joined, make_part, parts, teams, whole
from pipeline.flyin.pages import MAX_PAGES, Day, PageError, itinerary_html, print_variant, rows, typeset
from pipeline.flyin.schedule import Meeting, clock
from pipeline.flyin.walking import load as load_walking
from pipeline.personalize.cache import recipients as cached_recipients
from pipeline.personalize.recipients import Selection
from pipeline.personalize.walk import walking_order

OUT = "out/flyin"
COPIES = f"{OUT}/one-pagers"  # out/flyin/one-pagers/<topic>/<id>.pdf, shared by every team and day
CSV_COLUMNS = (
    "date", "start", "end", "team", "folder", "recipient", "member", "office", "walk_from_previous",
    "topics", "staffer", "attendees", "notes", "line",
)  # fmt: skip


@dataclass(frozen=True)
class Options:
    """How `press flyin` runs."""

    jobs: int = 2
    timeout: float = 300.0
    memory_mb: int = 2048
    bills: dict | None = None  # Bill Status data (personalize.bills.read), for the band's bill lines
    bills_folder: Path | None = None  # where it was read from (its files are part of every copy's key)
    strict: bool = False  # warnings fail the run, nothing is made
    print_pdf: bool = False  # also every PDF's print-shop variant beside it, <name>.print.pdf


@dataclass
class Result:
    """What a run did: team folders made and already current, copies made and reused, and the failures."""

    teams_made: list[str] = field(default_factory=list)
    teams_current: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    copies_made: int = 0
    copies_reused: int = 0
    failed: list[str] = field(default_factory=list)
    bills: list[str] = field(default_factory=list)  # one summary per topic with bill data


@dataclass
class _Plan:
    """The checked day(s): meetings by (date, team folder), who is who, and each output's key."""

    meetings: list[Meeting]
    people: dict
    everyone: list
    names: dict
    walking: object
    env: dict
    topic_keys: dict[str, str] = field(default_factory=dict)

    def teams(self) -> dict[tuple, list[Meeting]]:
        found = defaultdict(list)
        for m in self.meetings:
            found[(m.date, m.slug)].append(m)
        return dict(sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1])))

    def copy_key(self, topic: str, rid: str) -> str:
        return key({"topic": self.topic_keys[topic], "recipient": rid})


def flyin(project, schedule: Path, shown: str, recipients: Path, report: Report, options: Options) -> Result:
    """Check the schedule, then make what is not up to date. Errors in the schedule (or, strict, warnings)
    raise SourceErrors before anything is made; a copy or page that fails fails its team only."""
    plan = _check(project, schedule, shown, recipients, report, options)
    import pipeline.document.typeset  # noqa: F401 (WeasyPrint imported once, here, not in every worker)

    saved, result = st.load(project.root), Result()
    failed_copies = _copies(project, plan, saved, report, options, result)
    st.save(project.root, saved)  # an interrupted run keeps the copies it made
    work = []
    for (date, slug), meetings in plan.teams().items():
        entry, wanted = saved.teams.get(f"{date}/{slug}"), _team_key(plan, meetings)
        if not failed_copies.intersection(_pairs(meetings)) and st.current(project.root, entry, wanted):
            result.teams_current.append(f"{date}/{slug}")
        elif failed_copies.intersection(_pairs(meetings)):
            _fail(
                report,
                meetings[0],
                f"team '{meetings[0].team}': a one-pager of its day could not be made",
                result,
            )
        else:
            work.append(("team", date, slug, meetings, wanted))
    days = []
    for date in sorted({m.date for m in plan.meetings}):
        day_meetings = [m for m in plan.meetings if m.date == date]
        wanted = key(
            {"env": plan.env, "meetings": [m.key() for m in day_meetings], "who": _who(plan, day_meetings)}
        )
        result.days.append(date.isoformat())
        if not st.current(project.root, saved.days.get(date.isoformat()), wanted):
            days.append((date, day_meetings, wanted))
    _pages(project, plan, work, days, saved, report, options, result)
    _forget(project.root, plan, saved)
    st.save(project.root, saved)
    return result


def _check(project, schedule: Path, shown: str, recipients: Path, report: Report, options: Options) -> _Plan:
    from pipeline.flyin.schedule import read as read_schedule

    found, names = cached_recipients(project.root, recipients, report)
    people = {r.id: r for r in found}
    walking = load_walking(project.root, report)
    topics = {t.id for t, _ in project.topics}
    meetings = read_schedule(schedule, shown, set(people), topics, report)
    meetings = check(meetings, {rid: r.office for rid, r in people.items()}, walking, report)
    scheduled = {m.recipient for m in meetings}
    order = walking_order([people[rid] for rid in sorted(scheduled)], Report())
    for r in order:
        if not r.office or _unplaced(r):
            report.warning(
                r.at(),
                f"{r.name} ({r.id}) has no office the itinerary can place; walks to it are not known",
                "flyin.office",
            )
    if report.errors or (options.strict and report.warnings):
        raise SourceErrors(report)
    if not meetings:
        raise PressError(f"{shown} has no meetings; nothing was made")
    files = file_hashes(project.root)
    inputs = [recipients] + ([options.bills_folder] if options.bills_folder else [])
    env = dict(st.environment(project.root, files, inputs), print=options.print_pdf)
    everyone = walking_order(list(people.values()), Report())
    plan = _Plan(meetings, people, everyone, names, walking, env)
    date = build_date()
    keys = output_keys(project, files, env["tools"], date, "out")
    for topic, _ in project.topics:
        plan.topic_keys[topic.id] = key({"one-pager": keys[f"out/{topic.id}/{topic.id}-one-pager"], **env,
                                         "day": str(date or dt.date.today())})  # fmt: skip
    return plan


def _unplaced(r) -> bool:
    from pipeline.personalize.walk import parse_office

    return parse_office(r.office) is None


def _pairs(meetings: list[Meeting]) -> set[tuple[str, str]]:
    return {(t, m.recipient) for m in meetings for t in m.topics}


def _who(plan: _Plan, meetings: list[Meeting]) -> list:
    return [repr(plan.people[rid]) for rid in sorted({m.recipient for m in meetings})]


def _team_key(plan: _Plan, meetings: list[Meeting]) -> str:
    copies = sorted(f"{t}/{r}:{plan.copy_key(t, r)}" for t, r in _pairs(meetings))
    return key(
        {
            "env": plan.env,
            "meetings": [m.key() for m in meetings],
            "who": _who(plan, meetings),
            "copies": copies,
        }
    )


def _copies(project, plan: _Plan, saved, report: Report, options: Options, result: Result) -> set:
    """Make every (topic, office) copy the day needs that is not already made; the pairs that failed."""
    from pipeline.personalize.run import Options as CopyOptions
    from pipeline.personalize.run import personalize

    needed = defaultdict(set)
    for topic, rid in _pairs(plan.meetings):
        entry = saved.copies.get(f"{topic}/{rid}")
        if st.current(project.root, entry, plan.copy_key(topic, rid)):
            result.copies_reused += 1
        else:
            needed[topic].add(rid)
    failed, bases = set(), _bases(project, plan, sorted(needed), report, options)
    for topic in sorted(needed):
        if bases.get(topic) is None:
            failed.update((topic, rid) for rid in needed[topic])
            continue
        base, ready = bases[topic]
        mine = [r for r in plan.everyone if r.id in needed[topic]]
        selection = Selection(plan.everyone, mine, plan.names)
        copy_options = CopyOptions(jobs=options.jobs, timeout=options.timeout, memory_mb=options.memory_mb,
                                   folder=f"{COPIES}/{topic}", index=False, bills=options.bills,
                                   base=base, prepared=ready, print_pdf=options.print_pdf)  # fmt: skip
        made = personalize(project, topic, selection, report, copy_options)
        if made.bills is not None and made.bills.bills:  # none in the folder: the warnings say so
            from pipeline.personalize.standing import summary

            result.bills.append(f"{topic}: {summary(made.bills, set(plan.people))}")
        done = {c.id: c for c in made.copies}
        for rid in needed[topic]:
            if rid in done:
                made = {done[rid].file: done[rid].sha256}
                if done[rid].print_sha256:
                    made[done[rid].print_file] = done[rid].print_sha256
                entry = {"key": plan.copy_key(topic, rid), "files": made}
                _replace(project.root, saved.copies, f"{topic}/{rid}", entry)
                result.copies_made += 1
            else:
                saved.copies.pop(f"{topic}/{rid}", None)
                failed.add((topic, rid))
    return failed


def _bases(project, plan: _Plan, topics: list[str], report: Report, options: Options) -> dict:
    """Each topic's base one-pager (render, typeset, fit, checks) with its band font and prepared bases
    (personalize.run.prepared), made in worker processes at once: (output, prepared), prepared None when the
    topic cannot be personalized (personalize says why); None (with its errors reported) for a topic whose
    base fails."""
    from pipeline.personalize.run import base_document, prepared, topic_bills

    sources = {t.id: (t, s) for t, s in project.topics}
    made = {}
    everyone = Selection(plan.everyone, plan.everyone, plan.names)

    def work(topic):
        mine = Report()
        output = base_document(project, *sources[topic], mine)
        ready = None
        if output is not None and project.org.personalize and project.layouts[sources[topic][0].layout].band:
            bills = topic_bills(project, *sources[topic], options.bills, mine)
            try:
                ready = prepared(project, *sources[topic], output, everyone, bills, options.print_pdf, mine)
            except SourceErrors:
                output = None
        return (output, ready) if output is not None else None, mine

    def done(topic, outcome):
        if isinstance(outcome, Failure):
            report.error(
                sources[topic][1].where(), f"the one-pager's base: {outcome.message}", "flyin.failed"
            )
            made[topic] = None
            return
        made[topic], mine = outcome
        report.extend(mine)

    if topics:
        run(topics, work, done, jobs=options.jobs, timeout=options.timeout, memory_mb=options.memory_mb)
    return made


def _fail(report: Report, m: Meeting, message: str, result: Result) -> None:
    report.error(m.at(""), f"{message}; its previous files are kept", "flyin.failed")
    result.failed.append(f"{m.date}/{m.slug}")


def _pages(
    project, plan: _Plan, work: list, days: list, saved, report: Report, options: Options, result: Result
) -> None:
    """Make the team files and the overviews' parts (and with --print, each overview's print-shop variant)
    in worker processes, recording each that is written; then join each overview whose parts are made."""
    day_of, printed = {}, {}

    def day(date):
        if date not in day_of:
            titles = {t.id: t.title for t, _ in project.topics}
            day_of[date] = Day(project, date, plan.people, titles, plan.walking)
        return day_of[date]

    def done(task, outcome):
        kind, date, slug, meetings, wanted = task
        if isinstance(outcome, Failure) or isinstance(outcome, str):
            message = outcome.message if isinstance(outcome, Failure) else outcome
            what = f"team '{meetings[0].team}'" if kind == "team" else f"the overview of {date}"
            _fail(report, meetings[0], f"{what}: {message}", result)
            return
        if kind == "team":
            _replace(root, saved.teams, f"{date}/{slug}", {"key": wanted, "files": outcome})
            result.teams_made.append(f"{date}/{slug}")
        elif kind == "part":
            files, pages = outcome
            saved.parts[slug] = {"key": slug, "files": files, "pages": pages}
        else:
            printed[date] = outcome

    root = project.root
    keys = {}
    for date, meetings, _ in days:
        found = parts(day(date), meetings, plan.env, lambda ms: _who(plan, ms))
        keys[date] = [k for k, _ in found]
        work += [  # last: the shortest tasks, which fill the workers' tails
            ("part", date, k, meetings, (index, part))
            for index, (k, part) in enumerate(found)
            if not st.current(root, saved.parts.get(k), k)
        ]
        if options.print_pdf:  # the print-shop variant is typeset whole, first: the longest task
            work.insert(0, ("day", date, "", meetings, None))
    work_fn = lambda task: _make(root, day(task[1]), plan, task, options.print_pdf)  # noqa: E731
    for task in work:
        day(task[1])  # made before the workers fork, so each inherits it
    if work:
        run(work, work_fn, done, jobs=options.jobs, timeout=options.timeout, memory_mb=options.memory_mb)
    for date, meetings, wanted in days:
        made = [saved.parts.get(k) for k in keys[date]]
        if all(st.current(root, entry, k) for entry, k in zip(made, keys[date], strict=True)) and (
            not options.print_pdf or date in printed
        ):
            files = _overview(root, day(date), meetings, made) | printed.get(date, {})
            entry = {"key": wanted, "files": files, "parts": keys[date]}
            _replace(root, saved.days, date.isoformat(), entry)
    live = {k for entry in saved.days.values() for k in entry.get("parts", [])}
    for k in [k for k in saved.parts if k not in live]:
        for path in saved.parts.pop(k)["files"]:
            (root / path).unlink(missing_ok=True)


def _overview(root: Path, day: Day, meetings: list[Meeting], parts: list[dict]) -> dict[str, str]:
    """The day's overview joined from its parts, and meetings.csv, written; their sha256."""
    folder = f"{OUT}/{day.date.isoformat()}"
    pages = [((root / next(iter(p["files"]))).read_bytes(), p["pages"]) for p in parts]
    files = {f"{folder}/overview.pdf": joined(pages), f"{folder}/meetings.csv": _csv(day, teams(meetings))}
    for path, data in files.items():
        write_atomic(root / path, data)
    return {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}


def _replace(root: Path, records: dict, name: str, entry: dict) -> None:
    """Record what an output made now, removing the files it made before and not now (a print-shop variant
    of a run with --print, when this one has none)."""
    for path in set(records.get(name, {}).get("files", {})) - set(entry["files"]):
        (root / path).unlink(missing_ok=True)
    records[name] = entry


def _make(root: Path, day: Day, plan: _Plan, task, printed: bool = False) -> dict[str, str] | tuple | str:
    """In a worker: one team's itinerary and packet (`printed`: and their print-shop variants), one part of a
    date's overview (and its pages' teams), or an overview's print-shop variant; the files written with their
    sha256, or why nothing was."""
    kind, date, slug, meetings, which = task
    families = sorted({face.family for face, _ in day.project.base.fonts})
    folder = f"{OUT}/{date.isoformat()}"
    paper = day.project.org.defaults.page_size
    pages = None
    try:
        if kind == "part":
            pdf, pages = make_part(root, day, meetings, *which, families)
            files = {f"{PARTS}/{slug}.pdf": pdf}
        elif kind == "day":
            markup = whole(day, meetings)
            files = {f"{folder}/overview.print.pdf": print_variant(root, markup, "overview", paper)}
        else:
            team = meetings[0].team
            markup = itinerary_html(day, team, meetings)
            pdf, marks = typeset(root, markup, "itinerary", families, MAX_PAGES)
            packet = _packet(root, day, plan, meetings, pdf, len(marks))
            files = {f"{folder}/{slug}/itinerary.pdf": pdf, f"{folder}/{slug}/packet.pdf": packet}
            if printed:
                front = print_variant(root, markup, "itinerary", paper)
                files[f"{folder}/{slug}/itinerary.print.pdf"] = front
                packet = _packet(root, day, plan, meetings, front, len(marks), printed=True)
                files[f"{folder}/{slug}/packet.print.pdf"] = packet
    except PageError as exc:
        return str(exc)
    for path, data in files.items():
        write_atomic(root / path, data)
    made = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    return made if pages is None else (made, pages)


def _packet(
    root: Path, day: Day, plan: _Plan, meetings: list[Meeting], itinerary: bytes, pages: int, printed=False
) -> bytes:
    """The itinerary, then each meeting's copies in meeting order, a bookmark per meeting (`printed`: the
    print-shop variant, of the itinerary's and the copies' variants); checked as a reader opens it (pdfium,
    one page per copy after the itinerary)."""
    import pypdfium2 as pdfium

    from pipeline.pdf.collate import packet
    from pipeline.pdf.pressfile import press_file

    sections, count = [], 0
    name = "{}.print.pdf" if printed else "{}.pdf"
    for m, row in zip(sorted(meetings, key=lambda m: (m.start, m.line)), rows(day, meetings), strict=True):
        parts = [(day.titles[t], root / COPIES / t / name.format(m.recipient)) for t in m.topics]
        sections.append((f"{row['start']} {row['member']} · {row['office'] or row['room']}", parts))
        count += len(parts)
    data = (press_file if printed else packet)(itinerary, f"Itinerary: {meetings[0].team}", sections)
    try:
        found = len(pdfium.PdfDocument(data))
    except pdfium.PdfiumError as exc:
        raise PageError(f"the packet does not open ({exc})") from None
    if found != pages + count:
        raise PageError(f"the packet has {found} pages, not {pages + count}")
    return data


def _csv(day: Day, ordered: list[tuple[str, list[Meeting]]]) -> bytes:
    out = []
    for team, meetings in ordered:
        ordered = sorted(meetings, key=lambda m: (m.start, m.line))
        for m, row in zip(ordered, rows(day, meetings), strict=True):
            out.append([
                m.date.isoformat(), clock(m.start), clock(m.end), team, m.slug, m.recipient, row["member"],
                row["office"], row["walk"], " ".join(m.topics), m.staffer, m.attendees, m.notes, m.line,
            ])  # fmt: skip
    return csv_bytes(list(CSV_COLUMNS), out)


def _forget(root: Path, plan: _Plan, saved) -> None:
    """Remove the files of teams no longer in the schedule (of the dates it has), and their records."""
    dates = {m.date.isoformat() for m in plan.meetings}
    live = {f"{d.isoformat()}/{s}" for d, s in plan.teams()}
    for name in [n for n in saved.teams if n.split("/")[0] in dates and n not in live]:
        for path in saved.teams.pop(name).get("files", {}):
            (root / path).unlink(missing_ok=True)
        folder = root / OUT / name
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
