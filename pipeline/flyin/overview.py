"""Fly-in, overview: a day's organizers' sheet, typeset a page at a time and joined (a move remakes one)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pipeline.build.graph import key
from pipeline.flyin.pages import Day, overview_html, overview_parts, typeset
from pipeline.flyin.schedule import Meeting

PARTS = "out/.press/flyin/parts"  # <key>.pdf: one part of an overview, shared by runs while its key holds


def teams(meetings: list[Meeting]) -> list[tuple[str, list[Meeting]]]:
    """A day's meetings by team, the teams in the order the overview prints them."""
    found = defaultdict(list)
    for m in meetings:
        found[m.team].append(m)
    return sorted(found.items(), key=lambda kv: kv[0].lower())


def parts(day: Day, meetings: list[Meeting], env: dict, who) -> list[tuple[str, list]]:
    """Each part of the day's overview (overview_parts) with its key: its teams' meetings and offices (`who`:
    a list of meetings -> what their recipients are), and for the first part the day's header counts."""
    ordered = teams(meetings)
    found = []
    for index, part in enumerate(overview_parts(day, ordered)):
        shown = [(name, [m.key() for m in ms], who(ms)) for name, ms in part]
        header = [len(ordered), len(meetings), len({m.recipient for m in meetings})] if index == 0 else None
        found.append(
            (key({"env": env, "date": day.date, "part": index, "header": header, "teams": shown}), part)
        )
    return found


def make_part(root: Path, day: Day, meetings: list[Meeting], index: int, part: list, families: list[str]):
    """In a worker: part `index` of the day's overview, `part` its teams, as (PDF bytes, for each page the
    teams that start on it); PageError when it cannot be made."""
    markup = overview_html(day, teams(meetings), part, first=index == 0)
    return typeset(root, markup, "overview", families, None)


def joined(parts: list[tuple[bytes, list]]) -> bytes:
    """The parts' pages one after another, their tags kept, with a bookmark per team at its page."""
    from pipeline.pdf.collate import with_outline
    from pipeline.pdf.tagged import Merged

    merged, marks = Merged(parts[0][0]), []
    for data, pages in parts:
        start = len(merged.pdf.pages)
        marks += [(team, start + at) for at, names in enumerate(pages) for team in names]
        merged.add(data)
    merged.close()
    try:
        return with_outline(merged.pdf, marks)
    finally:
        merged.release()


def whole(day: Day, meetings: list[Meeting]) -> str:
    """The whole overview as one HTML document (its print-shop variant is typeset from it)."""
    return overview_html(day, teams(meetings))
