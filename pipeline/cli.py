"""The `press` command: build, check and schema, with clean messages and exit codes for expected errors."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import __version__
from .errors import PressError, Report, SourceErrors, UsageError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="press", description="Position Press: YAML positions in, PDFs out.")
    parser.add_argument("--version", action="version", version=f"press {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", help="check the sources and build every PDF into out/")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors (for releases)")
    build.add_argument("--topic", action="append", metavar="ID", help="build only this topic (repeatable)")
    build.add_argument("--quiet", "-q", action="store_true", help="print only problems")

    check = commands.add_parser("check", help="check sources, references and layouts; write nothing")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")

    schema = commands.add_parser("schema", help="print a JSON Schema of a source format, or write them all")
    schema.add_argument("name", nargs="?", choices=["organization", "topic", "layout"])
    schema.add_argument("--write", action="store_true", help="write all schemas to sources/schemas/")

    for sub in (build, check, schema):
        sub.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: here)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    report = Report()
    try:
        root = _root(args.root)
        if args.command == "build":
            return _build(root, args, report)
        if args.command == "check":
            return _check(root, args, report)
        return _schema(root, args)
    except SourceErrors as exc:
        _print(exc.report)
        errors = len(exc.report.errors)
        reason = plural(errors, "error") if errors else "warnings in strict mode"
        print(f"press: {reason}; nothing was written", file=sys.stderr)
        return exc.exit_code
    except PressError as exc:
        print(f"press: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("press: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130


def _root(path: Path) -> Path:
    root = path.resolve()
    if not (root / "sources").is_dir() or not (root / "layouts").is_dir():
        raise UsageError(f"{path} is not a Position Press project (it needs sources/ and layouts/ folders)")
    return root


def plural(n: int, word: str) -> str:
    """'1 topic', '2 topics'."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def _print(report: Report) -> None:
    for line in report.lines():
        print(line, file=sys.stderr)


def _build(root: Path, args, report: Report) -> int:
    from .build import build

    started = time.perf_counter()

    def progress(output, seconds: float) -> None:
        if not args.quiet:
            fitted = f", body {output.notes['body']:g}pt" if output.notes else ""
            print(f"  {output.path}.pdf  {plural(output.pages, 'page')}{fitted}  ({seconds:.1f} s)")

    outputs = build(root, report, strict=args.strict, only=args.topic, progress=progress)
    _print(report)
    if not args.quiet:
        topics = len({o.topic for o in outputs})
        print(f"press: built {len(outputs)} PDFs for {plural(topics, 'topic')} into {root / 'out'}/ "
              f"in {time.perf_counter() - started:.1f} s (HTML beside each PDF)")
    return 0


def _check(root: Path, args, report: Report) -> int:
    from .build import gather, render_all

    project = gather(root, report)
    if project is not None:
        render_all(project, report)
    if report.errors or (args.strict and report.warnings):
        raise SourceErrors(report)
    _print(report)
    counts = (plural(len(project.topics), "topic"), plural(len(project.library.items), "reference"),
              plural(len(project.layouts), "layout"))
    print(f"press: {counts[0]}, {counts[1]} and {counts[2]} are fine"
          + (f" ({plural(len(report.warnings), 'warning')})" if report.warnings else ""))
    return 0


def _schema(root: Path, args) -> int:
    from . import schema

    if args.write:
        for path in schema.write(root / "sources" / "schemas"):
            print(path.relative_to(root))
        return 0
    if not args.name:
        raise UsageError("name a schema (organization, topic, layout) or use --write")
    sys.stdout.write(schema.text(args.name))
    return 0
