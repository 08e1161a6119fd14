"""The `press` command: its subcommands, clean messages and exit codes for expected errors."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from pipeline import __version__
from pipeline.build.progress import plural
from pipeline.errors import PressError, Report, SourceErrors, UsageError, did_you_mean, one_of


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="press", description="Position Press: YAML positions in, PDFs out.")
    parser.add_argument("--version", action="version", version=f"press {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", help="check the sources and build every PDF into out/")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors (for releases)")
    build.add_argument("--topic", action="append", metavar="ID", help="build only this topic (repeatable)")
    build.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    build.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        default=None,
        metavar="N",
        help="worker processes (default: the number of cores)",
    )
    build.add_argument(
        "--release",
        action="store_true",
        help="strict release into out/release/ with packets, a manifest and SHA256SUMS",
    )
    build.add_argument(
        "--allow-stale", action="store_true", help="let a release include topics past their review_by date"
    )
    build.add_argument(
        "--packets",
        action="store_true",
        help="also make the packets: all one-pagers, and all briefings, each in one PDF",
    )
    _paper_options(build)
    _worker_limits(build, "a document")

    check = commands.add_parser("check", help="check sources, references and layouts; write nothing")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")

    schema = commands.add_parser("schema", help="print a JSON Schema of a source format, or write them all")
    schema.add_argument("name", nargs="?", choices=["organization", "topic", "layout"])
    schema.add_argument("--write", action="store_true", help="write all schemas to sources/schemas/")

    verify = commands.add_parser("verify", help="re-check a release folder against its manifest")
    verify.add_argument(
        "folder",
        type=Path,
        nargs="?",
        default=Path("out/release"),
        help="the release folder (default: out/release)",
    )

    audit = commands.add_parser(
        "audit", help="check finished PDFs for PDF/UA-1 (Matterhorn) and text extraction; change nothing"
    )
    audit.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="PDF files, or folders to search")
    audit.add_argument("--json", action="store_true", help="print the findings as JSON")

    person = commands.add_parser(
        "personalize", help="one verified one-pager per office, an index and a print file"
    )
    person.add_argument("topic", help="the topic id")
    person.add_argument(
        "--recipients",
        type=Path,
        metavar="PATH",
        help="a recipients .csv file or a congress-legislators folder",
    )
    person.add_argument("--committee", metavar="CODES", help="only members of these committees (HSFA,SSFR)")
    person.add_argument("--chamber", choices=["senate", "house"], help="only this chamber")
    person.add_argument("--state", metavar="CODES", help="only these states (WA,OR)")
    person.add_argument("--id", metavar="IDS", help="only these recipient ids")
    person.add_argument(
        "--shard", metavar="K/N", help="make only shard K of N (for a CI matrix); then --combine"
    )
    person.add_argument(
        "--combine", action="store_true", help="merge the shards' index files; make the print file"
    )
    person.add_argument(
        "--full", action="store_true", help="render every copy through WeasyPrint (slow; full tags)"
    )
    person.add_argument(
        "--jobs", "-j", type=_positive, metavar="N", help="worker processes (default: the CPUs)"
    )
    person.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    _print_option(person, "copy and the print file: <id>.print.pdf, <topic>-print.print.pdf")
    _bills_option(person)
    _worker_limits(person, "a chunk of copies")

    flyin = commands.add_parser(
        "flyin", help="a fly-in day: each team's itinerary and packet, and the organizers' overview"
    )
    flyin.add_argument("schedule", type=Path, help="the schedule .csv file")
    flyin.add_argument(
        "--recipients",
        type=Path,
        metavar="PATH",
        required=True,
        help="a recipients .csv file or a congress-legislators folder",
    )
    flyin.add_argument(
        "--jobs", "-j", type=_positive, metavar="N", help="worker processes (default: the CPUs)"
    )
    flyin.add_argument("--strict", action="store_true", help="treat warnings as errors")
    flyin.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    _print_option(flyin, "one-pager, itinerary, packet and overview: <name>.print.pdf")
    _bills_option(flyin)
    _worker_limits(flyin, "a team's pages")

    serve = commands.add_parser("serve", help="preview the documents in a browser as you edit the sources")
    serve.add_argument("--port", type=_port, default=8000, metavar="N", help="the port (default: 8000)")
    serve.add_argument(
        "--host", default="127.0.0.1", metavar="ADDR", help="the address to listen on (default: 127.0.0.1)"
    )

    new = commands.add_parser("new", help="write a commented skeleton: a topic, a layout or a whole project")
    kinds = new.add_subparsers(dest="kind", metavar="KIND", required=True)
    new_topic = kinds.add_parser("topic", help="sources/topics/ID.yaml, a draft that builds at once")
    new_topic.add_argument("id", metavar="ID", help="the topic id (a slug, like water-rights)")
    new_topic.add_argument("--layout", default="base", metavar="NAME", help="its layout (default: base)")
    new_layout = kinds.add_parser("layout", help="layouts/NAME/layout.yaml, over the layout it extends")
    new_layout.add_argument("name", metavar="NAME", help="the layout's name (a slug)")
    new_layout.add_argument("--extends", default="base", metavar="NAME", help="its parent (default: base)")
    new_project = kinds.add_parser("project", help="a new project of its own, with placeholder content")
    new_project.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")

    for sub in (build, check, schema, person, flyin, serve, new_topic, new_layout):
        sub.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: here)")
    return parser


def _paper_options(parser: argparse.ArgumentParser) -> None:
    """--print and --paper: what is made of each document besides the PDF on the organization's paper."""
    parser.add_argument(
        "--print",
        action="store_true",
        dest="print_pdf",
        help="also a print-shop PDF beside each PDF: <name>.print.pdf (PDF/X-4, bleed, crop marks)",
    )
    parser.add_argument(
        "--paper",
        type=_papers,
        metavar="SIZES",
        help="paper sizes to make, e.g. letter,a4 (default: the organization's defaults.papers); a size "
        "other than its page_size is named <name>.<size>.pdf",
    )


def _print_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--print",
        action="store_true",
        dest="print_pdf",
        help=f"also a print-shop PDF (PDF/X-4, bleed, crop marks) beside each {what}",
    )


def _papers(text: str) -> tuple[str, ...]:
    from pipeline.document.page import PAGE_SIZES

    names = [name.strip().lower() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"expected sizes separated by commas (letter,a4), got '{text}'")
    for i, name in enumerate(names):
        if name not in PAGE_SIZES:
            hint = did_you_mean(name, PAGE_SIZES)
            raise argparse.ArgumentTypeError(
                f"unknown paper size '{name}'{hint}; paper sizes: {one_of(PAGE_SIZES)}"
            )
        if name in names[:i]:
            raise argparse.ArgumentTypeError(f"paper size '{name}' is named twice in '{text}'")
    return tuple(names)


def _bills_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bills",
        type=Path,
        metavar="DIR",
        help="a folder of Bill Status XML files: the band says where each member stands on the topic's bills",
    )


def _read_bills(args, report: Report):
    """The --bills folder's bills, or None without it; an error in it stops the run."""
    if args.bills is None:
        return None
    from pipeline.personalize.bills import read

    mine = Report()
    found = read(args.bills, _shown(args.bills, Path(args.root).resolve()), mine)
    report.extend(mine)
    if mine.errors:
        raise SourceErrors(report)
    return found


def _worker_limits(parser: argparse.ArgumentParser, what: str) -> None:
    """--timeout and --memory-limit, for the commands that run worker processes."""
    parser.add_argument(
        "--timeout",
        type=_positive,
        default=300,
        metavar="SECONDS",
        help=f"stop {what} that takes longer than this (default: 300)",
    )
    parser.add_argument(
        "--memory-limit",
        type=_positive,
        default=2048,
        metavar="MB",
        help="address-space limit of each worker (default: 2048)",
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    report = Report()
    try:
        if args.command == "verify":
            return _verify(args.folder)
        if args.command == "audit":
            return _audit(args.paths, args.json)
        if args.command == "new":
            return _new(args, report)
        root = _root(args.root)
        if args.command == "build":
            return _build(root, args, report)
        if args.command == "check":
            return _check(root, args, report)
        if args.command == "personalize":
            return _personalize(root, args, report)
        if args.command == "flyin":
            return _flyin(root, args, report)
        if args.command == "serve":
            return _serve(root, args)
        return _schema(root, args)
    except SourceErrors as exc:
        _print(exc.report)
        errors = len(exc.report.errors)
        reason = plural(errors, "error") if errors else "warnings in strict mode"
        made = exc.summary.built if exc.summary else []
        if made and getattr(args, "release", False):
            print(f"press: {reason}; nothing was released (out/release/ is as it was)", file=sys.stderr)
        elif made:
            print(
                f"press: {reason}; wrote {plural(len(made), 'document')} that succeeded, "
                "kept the previous files of the others",
                file=sys.stderr,
            )
        else:
            print(f"press: {reason}; nothing was written", file=sys.stderr)
        return exc.exit_code
    except PressError as exc:
        print(f"press: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("press: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130


def _known_topic(root: Path, name: str) -> None:
    """A topic named on the command line must have a file (its id is its file name): else exit status 2."""
    ids = sorted(p.stem for p in (root / "sources" / "topics").glob("*.yaml"))  # names only; gather reads
    if name not in ids or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name):
        raise UsageError(f"no topic has the id '{name}'{did_you_mean(name, ids)}; topics: {one_of(ids)}")


def _root(path: Path) -> Path:
    root = path.resolve()
    if not (root / "sources").is_dir():  # layouts/ is optional: the base layout ships with the package
        raise UsageError(f"{path} is not a Position Press project (it needs a sources/ folder)")
    return root


def _print(report: Report) -> None:
    for line in report.lines():
        print(line, file=sys.stderr)


def _build(root: Path, args, report: Report) -> int:
    from pipeline.build.progress import Progress, summary
    from pipeline.build.run import Options, build

    if args.release and args.topic:
        raise UsageError("a release builds every topic; drop --topic")
    for name in args.topic or []:
        _known_topic(root, name)
    options = Options(
        strict=args.strict,
        only=tuple(args.topic or ()),
        jobs=args.jobs,
        release=args.release,
        allow_stale=args.allow_stale,
        packets=args.packets,
        timeout=args.timeout,
        memory_mb=args.memory_limit,
        papers=args.paper or (),
        print_pdf=args.print_pdf,
    )
    result = build(root, report, options, Progress(quiet=args.quiet))
    _print(report)
    if not args.quiet:
        print(summary(result, "out/"))
    return 0


def _new(args, report: Report) -> int:
    from pipeline.sources import skeleton

    if args.kind == "project":
        written = skeleton.new_project(args.folder, report)
        if report.errors:
            raise SourceErrors(report)
        where = f"--root {args.folder}"
        print(f"press: wrote a new project into {args.folder}/ ({plural(len(written), 'file')})")
        print(f"press: check it with `press check {where}`; build it with `press build {where}`")
        return 0
    root = _root(args.root)
    elsewhere = f" --root {args.root}" if root != Path.cwd().resolve() else ""
    if args.kind == "topic":
        written = skeleton.new_topic(root, args.id, args.layout, report)
        then = f"build it with `press build --topic {args.id}{elsewhere}`"
    else:
        written = skeleton.new_layout(root, args.name, args.extends, report)
        then = f"use it with `layout: {args.name}` in a topic (`press new topic ID --layout {args.name}`)"
    if report.errors:
        raise SourceErrors(report)
    print(f"press: wrote {', '.join(written)}; {then}")
    return 0


def _verify(folder: Path) -> int:
    from pipeline.build.release import verify

    problems, checked = verify(folder)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(
            f"press: {plural(len(problems), 'problem')} in {folder}; do not use this release", file=sys.stderr
        )
        return 1
    print(f"press: all {plural(checked, 'file')} in {folder} match the manifest")
    return 0


def _audit(paths: list[Path], as_json: bool) -> int:
    from pipeline.pdf import audit

    files, missing = audit.pdf_files(paths)
    if missing:
        raise UsageError(", ".join(f"{p}: no such file or folder" for p in missing))
    if not files:
        raise UsageError(f"no PDF files in {', '.join(str(p) for p in paths)}")
    findings = []
    for path in files:
        findings.extend(audit.audit_file(path))
    findings.sort()
    if as_json:
        print(audit.as_json(files, findings))
    else:  # as `press verify`: the problems on stderr, the last line on stdout only when all is well
        for finding in findings:
            print(finding, file=sys.stderr)
        print(audit.summary(files, findings), file=sys.stderr if findings else sys.stdout)
    return 1 if findings else 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, got '{text}'")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got '{text}'")
    return int(text)


def _serve(root: Path, args) -> int:
    from pipeline.serve.run import Options, serve

    serve(root, Options(host=args.host, port=args.port), lambda text: print(text, flush=True))
    return 0


def _check(root: Path, args, report: Report) -> int:
    from pipeline.build.graph import build_date
    from pipeline.document.make import render_all
    from pipeline.sources.gather import gather

    project = gather(root, report)
    if project is not None:
        render_all(project, report, build_date())
        if project.org.personalize is not None:  # the QR address and the band lines of `press personalize`
            from pipeline.personalize.plan import check_settings

            for topic, _ in project.topics:
                check_settings(project, topic, project.layouts[topic.layout], report)
    if report.errors or (args.strict and report.warnings):
        raise SourceErrors(report)
    _print(report)
    counts = (
        plural(len(project.topics), "topic"),
        plural(len(project.library.items), "reference"),
        plural(len(project.layouts), "layout"),
    )
    print(
        f"press: {counts[0]}, {counts[1]} and {counts[2]} are fine"
        + (f" ({plural(len(report.warnings), 'warning')})" if report.warnings else "")
    )
    return 0


def _schema(root: Path, args) -> int:
    from pipeline.sources import schema

    if args.write:
        for path in schema.write(root / "sources" / "schemas"):
            print(path.relative_to(root))
        return 0
    if not args.name:
        raise UsageError("name a schema (organization, topic, layout) or use --write")
    sys.stdout.write(schema.text(args.name))
    return 0


def _shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    found = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not found or not 1 <= int(found.group(1)) <= int(found.group(2)):
        raise UsageError(f"--shard {text}: write K/N with 1 <= K <= N, for example --shard 2/4")
    return int(found.group(1)), int(found.group(2))


def _personalize(root: Path, args, report: Report) -> int:
    from pipeline.build.graph import Lock

    with Lock(root / "out" / ".press", "out/"):  # one build or personalize run at a time in out/
        return _personalize_locked(root, args, report)


def _personalize_locked(root: Path, args, report: Report) -> int:
    from pipeline.build.workers import cpu_jobs
    from pipeline.personalize import index
    from pipeline.personalize import recipients as rs
    from pipeline.personalize import run as p
    from pipeline.personalize.cache import recipients as cached_recipients
    from pipeline.sources.gather import gather

    started = time.perf_counter()
    _known_topic(root, args.topic)
    folder = f"out/personalized/{args.topic}"
    if args.combine:
        copies, printed = index.combine(root, args.topic, report, args.print_pdf)
        _print(report)
        if not args.quiet:
            target = (
                f"and {folder}/{args.topic}-print.pdf" if printed else "(no print file, as no copy is left)"
            )
            print(f"press: combined {plural(len(copies), 'office')} into {folder}/index.csv {target}")
        return 1 if report.errors else 0
    if args.recipients is None:
        raise UsageError(
            "name the recipients: --recipients PATH (a .csv file or a congress-legislators folder)"
        )
    shard = _shard(args.shard)
    project = gather(root, report, only=[args.topic])
    if project is None:
        raise SourceErrors(report)
    bills = _read_bills(args, report)
    filters = rs.Filters(args.chamber, args.state, args.committee, args.id)
    try:
        source = cached_recipients(root, args.recipients, report)  # read once, then while it is unchanged
        selection = rs.choose(args.recipients, filters, report, shard, root=root, source=source)
    except PressError:
        _print(report)
        raise
    options = p.Options(
        full=args.full,
        jobs=args.jobs or cpu_jobs(),
        shard=shard,
        timeout=args.timeout,
        memory_mb=args.memory_limit,
        bills=bills,
        print_pdf=args.print_pdf,
    )
    result = p.personalize(project, args.topic, selection, report, options)
    _print(report)
    if not args.quiet:
        made = f"{folder}/{index.index_name(shard)}"
        if result.print_file:
            made += f" and {folder}/{args.topic}-print.pdf"
        elif not shard:
            made += "; no print file, as no copy was made"
        if result.print_shop:
            made += f" (print-shop variants: <id>.print.pdf, {args.topic}-print.print.pdf)"
        print(
            f"press: made and checked {len(result.copies)} of {plural(len(selection.mine), 'office')} in "
            f"{folder}/ ({time.perf_counter() - started:.1f} s); index {made}"
        )
        if result.bills is not None and result.bills.bills:
            from pipeline.personalize.standing import summary

            everyone = {r.id for r in source[0]}  # the source, not the selection
            print(f"press: bills: {summary(result.bills, everyone)}")
    if report.errors:
        rest = "the other copies were made" if result.copies else "no copy was made"
        print(f"press: {plural(len(report.errors), 'problem')}; {rest}", file=sys.stderr)
        return 1
    return 0


def _flyin(root: Path, args, report: Report) -> int:
    from pipeline.build.graph import Lock

    with Lock(root / "out" / ".press", "out/"):  # one build, personalize or fly-in run at a time in out/
        return _flyin_locked(root, args, report)


def _flyin_locked(root: Path, args, report: Report) -> int:
    from pipeline.build.workers import cpu_jobs
    from pipeline.flyin.run import OUT, Options, flyin
    from pipeline.sources.gather import gather

    started = time.perf_counter()
    project = gather(root, report)
    if project is None:
        raise SourceErrors(report)
    bills = _read_bills(args, report)
    options = Options(
        jobs=args.jobs or cpu_jobs(),
        timeout=args.timeout,
        memory_mb=args.memory_limit,
        bills=bills,
        bills_folder=args.bills,
        strict=args.strict,
        print_pdf=args.print_pdf,
    )
    shown = _shown(args.schedule, root)
    result = flyin(project, args.schedule, shown, args.recipients, report, options)
    _print(report)
    if not args.quiet:
        for line in result.bills:
            print(f"press: bills: {line}")
        print(
            f"press: {plural(len(result.teams_made), 'team')} made, {len(result.teams_current)} up to date "
            f"({', '.join(result.days)}); {plural(result.copies_made, 'one-pager')} made, "
            f"{result.copies_reused} reused; in {OUT}/ ({time.perf_counter() - started:.1f} s)"
        )
    if report.errors:
        print(f"press: {plural(len(report.errors), 'problem')}; the other teams were made", file=sys.stderr)
        return 1
    return 0


def _shown(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the project when it is inside it."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)
