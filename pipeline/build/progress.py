"""What a build shows as it runs: a progress bar on a terminal, a line per document elsewhere, or nothing."""

from __future__ import annotations

import sys


def plural(n: int, word: str) -> str:
    """'1 topic', '2 topics'."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def line(output) -> str:
    """One finished document: its file, pages, fit, time, and of that time the audit's."""
    from pipeline.document.make import published

    fitted = f", body {output.fitting.settings.body:g}pt" if output.fitting else ""
    spent = f"{output.seconds:.1f} s, audit {output.audit_seconds:.2f} s"
    return f"  {published(output.path)}.pdf  {plural(output.pages, 'page')}{fitted}  ({spent})"


class Progress:
    """Told how many documents will be made, then each one as it finishes."""

    def __init__(self, quiet: bool = False, stream=None):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.bar = None

    def start(self, total: int) -> None:
        if not self.quiet and total and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, unit="doc", file=self.stream, leave=False, dynamic_ncols=True, mininterval=0
            )

    def __call__(self, output) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(output.path.rsplit("/", 1)[-1], refresh=False)
            self.bar.update(1)
        elif not self.quiet:
            print(line(output), file=sys.stdout, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def summary(result, root_shown: str) -> str:
    """The last line of a build: what was built, up to date and failed, and the time taken."""
    parts = [f"built {len(result.built)}", f"{len(result.skipped)} up to date"]
    if result.failed:
        parts.append(f"{len(result.failed)} failed")
    where = " into out/release/" if result.release else f" in {root_shown}"
    site = getattr(result, "site", None)
    web = f"; web pages in {root_shown}site/ ({plural(len(site), 'file')} written)" if site else ""
    return f"press: {', '.join(parts)}{where} ({result.seconds:.1f} s){web}"
