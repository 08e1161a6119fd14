"""The typographic check: what a careful reader sees on the laid-out pages, as warnings at the field."""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass

from pipeline.document.pagelines import Pages, plain, read
from pipeline.document.urls import break_points
from pipeline.errors import Report

MEASURE = 80  # characters a line of a one-pager's running text may hold (45 to 75 reads best)
FILL = 1 / 3  # the share of its content area a last page must fill
FLOOR = 6.5  # pt: no text smaller, note calls included
KEEP = 3  # lines of its text a heading or a question keeps with it at the foot of a page
UNMEASURED = {"masthead", "band", "sources", "contact"}  # one-pager blocks that are not running text


@dataclass(frozen=True)
class Finding:
    """One typographic fault: its code (after `typography.`), message, and the field or URL it is about."""

    code: str
    message: str
    field: tuple = ()
    url: str = ""


def check(document, kind: str) -> tuple[list[Finding], Pages]:
    """Every typographic fault of a laid-out document, and what was read from its pages."""
    pages = read(document)
    found = (
        measure(pages, kind)
        + last_page(pages, kind)
        + broken_urls(pages, kind)
        + stranded(pages, kind)
        + lone_words(pages, kind)
        + small_text(pages, kind)
        + split_tables(pages, kind)
        + overlaps(pages, kind)
    )
    return found, pages


def overlaps(pages: Pages, kind: str) -> list[Finding]:
    """Lines that run into a box the layout places at a fixed spot (a long cover title into the cover's
    date and authors), once for each element; an error, as one text prints over the other."""
    found, seen = [], set()
    for page, ident, left, top, right, bottom in pages.placed:
        inside = next((line.text for line in pages.lines if line.placed == ident), "")
        for line in pages.lines:
            if line.page != page or line.placed in (ident, -1) or (line.holder, ident) in seen:
                continue
            if line.top < bottom and line.bottom > top and line.left < right and line.right > left:
                seen.add((line.holder, ident))
                found.append(
                    Finding(
                        "overlap",
                        f"{kind}: page {page}: '{_snippet(line.text)}' runs into '{_snippet(inside, 24)}', "
                        "which the layout places at a fixed spot (they print over each other); shorten it",
                        line.field,
                    )
                )
    return found


def measure(pages: Pages, kind: str) -> list[Finding]:
    """A one-pager's running text: the longest line of each paragraph, when over MEASURE characters."""
    if kind != "one-pager":
        return []
    longest: dict[int, tuple[int, str, tuple]] = {}
    for line in pages.lines:
        if line.role != "text" or line.block in UNMEASURED:
            continue
        text = plain(line.text).strip()
        if len(text) > longest.get(line.holder, (0,))[0]:
            longest[line.holder] = (len(text), text, line.field)
    return [
        Finding(
            "measure",
            f"{kind}: a line of {n} characters (running text holds at most {MEASURE}): '{_snippet(text)}'",
            place,
        )
        for n, text, place in longest.values()
        if n > MEASURE
    ]


def last_page(pages: Pages, kind: str) -> list[Finding]:
    """A last page less than a third full (a document of more than one page)."""
    if len(pages.fill) < 2 or pages.fill[-1] >= FILL:
        return []
    share = round(pages.fill[-1] * 100)
    return [
        Finding(
            "last-page",
            f"{kind}: the last page (page {len(pages.fill)}) is {share}% full; a last page must be at least "
            "a third full: tighten the pages before it, or set the bibliography more compactly",
        )
    ]


def broken_urls(pages: Pages, kind: str) -> list[Finding]:
    """A URL whose line breaks between two letters or digits where Chicago allows no break (unless the part
    between two allowed breaks is longer than its lines, the last resort that keeps it on the page)."""
    found = []
    for href, pieces in pages.urls.values():
        shown = [(serial, plain(piece), line) for serial, piece, line in pieces]
        url = "".join(piece for _, piece, _ in shown)
        allowed = [0] + break_points(url) + [len(url)]
        offset = 0
        for (serial, piece, line), (after, _, _) in itertools.pairwise(shown):
            offset += len(piece)
            if after != serial + 1 or offset in allowed or offset >= len(url):
                continue
            left, right = url[offset - 1], url[offset]
            start = max(p for p in allowed if p < offset)
            end = min(p for p in allowed if p > offset)
            if left.isalnum() and right.isalnum() and end - start < len(plain(line).strip()):
                found.append(
                    Finding(
                        "url-break",
                        f"{kind}: URL broken inside a word ('{url[max(0, offset - 12) : offset]}' / "
                        f"'{url[offset : offset + 12]}'); break it only where the Chicago Manual allows",
                        url=href or url,
                    )
                )
    return found


def stranded(pages: Pages, kind: str) -> list[Finding]:
    """A heading or question whose text runs on to the next page with fewer than KEEP lines after it."""
    found, lines = [], pages.lines
    for i, line in enumerate(lines):
        if line.role != "heading" or (i + 1 < len(lines) and lines[i + 1].holder == line.holder):
            continue  # only a heading's last line
        after = i + 1
        while after < len(lines) and lines[after].page == line.page and lines[after].role != "heading":
            after += 1
        kept = after - i - 1
        if after < len(lines) and lines[after].page > line.page and lines[after].role != "heading":
            if kept < KEEP:
                heading = " ".join(plain(x.text).strip() for x in lines[: i + 1] if x.holder == line.holder)
                place = line.field or lines[after].field
                found.append(
                    Finding(
                        "stranded",
                        f"{kind}: page {line.page}: '{_snippet(heading)}' is at the foot of the page with "
                        f"{kept} line{'' if kept == 1 else 's'} of its text (keep at least {KEEP} with it)",
                        place,
                    )
                )
    return found


def lone_words(pages: Pages, kind: str) -> list[Finding]:
    """A title or heading of more than one line whose last line is a single word."""
    found, lines = [], pages.lines
    for i, line in enumerate(lines):
        if line.role not in ("title", "heading") or i == 0 or lines[i - 1].holder != line.holder:
            continue
        if i + 1 < len(lines) and lines[i + 1].holder == line.holder:
            continue
        words = plain(line.text).split()
        if len(words) == 1:
            found.append(
                Finding(
                    "lone-word",
                    f"{kind}: page {line.page}: '{words[0]}' is alone on the last line of a "
                    f"{'title' if line.role == 'title' else 'heading'}; break it in balanced lines",
                    line.field,
                )
            )
    return found


def small_text(pages: Pages, kind: str) -> list[Finding]:
    """Text under FLOOR points, once for each field and size."""
    seen, found = set(), []
    for size, text, place, page in pages.sizes:
        if size < FLOOR - 0.05 and (place, round(size, 1)) not in seen:
            seen.add((place, round(size, 1)))
            found.append(
                Finding(
                    "small-text",
                    f"{kind}: page {page}: text set at {size:.1f}pt, under the {FLOOR:g}pt floor: "
                    f"'{_snippet(text)}'",
                    place,
                )
            )
    return found


def split_tables(pages: Pages, kind: str) -> list[Finding]:
    """A table, or a list of key facts, laid out over more than one page."""
    return [
        Finding(
            "table-split",
            f"{kind}: a table splits across pages {min(on)} to {max(on)}; keep it whole on one page",
            place,
        )
        for place, on in pages.tables.values()
        if len(on) > 1
    ]


def smallest(pages: Pages) -> float:
    """The smallest text size on the pages, in points."""
    return min((size for size, *_ in pages.sizes), default=0.0)


def line_lengths(pages: Pages) -> tuple[float, int]:
    """Median and longest line of a one-pager's running text, in characters."""
    counts = [
        len(plain(x.text).strip()) for x in pages.lines if x.role == "text" and x.block not in UNMEASURED
    ]
    return (statistics.median(counts), max(counts)) if counts else (0.0, 0)


def report_findings(findings: list[Finding], source, library, report: Report) -> None:
    """Each finding as a warning (an overlap: an error) at the topic field that holds its text (a reference's
    for its URL)."""
    urls = {str(item.get("URL", "")): key for key, item in library.items.items()}
    for finding in findings:
        if finding.url and finding.url in urls:
            where = library.where[urls[finding.url]]
        elif finding.field[:1] == ("ref",) and finding.field[1] in library.where:
            where = library.where[finding.field[1]]
        else:
            where = source.where(finding.field if finding.field[:1] != ("ref",) else ())
        (report.error if finding.code == "overlap" else report.warning)(
            where, finding.message, f"typography.{finding.code}"
        )


def _snippet(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
