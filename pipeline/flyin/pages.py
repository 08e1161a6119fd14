"""Fly-in, pages: a team's itinerary and the day's overview, rendered from the base layout and typeset."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from babel.dates import format_date
from markupsafe import Markup

from pipeline import __version__
from pipeline.document.page import page_rule
from pipeline.document.render import babel_locale, shown_path
from pipeline.errors import Report
from pipeline.flyin.schedule import Meeting, clock
from pipeline.flyin.walking import Walking, building
from pipeline.personalize.people import Recipient
from pipeline.personalize.plan import seat
from pipeline.personalize.walk import parse_office
from pipeline.sources.files import layout_files
from pipeline.sources.layouts import font_face_css, token_css

MAX_PAGES = 2  # an itinerary is one or two pages


class PageError(Exception):
    """An itinerary or overview that cannot be made cleanly; the message says why."""


@dataclass(frozen=True)
class Day:
    """What the pages of one date need: the project, the recipients, topic titles and the walks."""

    project: object
    date: dt.date
    people: dict[str, Recipient]
    titles: dict[str, str]  # topic id -> title
    walking: Walking


def stylesheets(layout) -> list[str]:
    """css/*.css then css/flyin/*.css of each layer, base first, relative to the project root."""
    return [
        path
        for layer in reversed(layout.chain)
        for pattern in ("css/*.css", "css/flyin/*.css")
        for path in layout_files(layout.root, layer, pattern, Report())
    ]


def rows(day: Day, meetings: list[Meeting]) -> list[dict]:
    """Each meeting of one team, in time order, as the itinerary prints it (with the walk before it)."""
    out, before = [], None
    for m in sorted(meetings, key=lambda m: (m.start, m.line)):
        r = day.people[m.recipient]
        place = parse_office(r.office)
        walk, tight = _walk(day.walking, before, m, day.people)
        out.append(
            dict(
                line=m.line,
                start=clock(m.start),
                end=clock(m.end),
                member=f"{r.honorific} {r.name}" + (f" ({seat(r)})" if seat(r) else ""),
                short=r.short or r.name,
                room=f"{place[2]} {place[0]}" if place else (r.office or "office not known"),
                office=r.office,
                floor=" · ".join(x for x in (_floor(place), dict(r.extra).get("phone", "")) if x),
                staffer=m.staffer or dict(r.extra).get("staffer", ""),
                topics=[day.titles[t] for t in m.topics],
                topic_ids=list(m.topics),
                attendees=m.attendees,
                notes=m.notes,
                walk=walk,
                tight=tight,
                building=place[0] if place else "",
            )
        )
        before = m
    return out


def _walk(walking: Walking, before: Meeting | None, m: Meeting, people: dict) -> tuple[str, bool]:
    if before is None:
        return "First meeting of the day", False
    a, b = building(people[before.recipient].office), building(people[m.recipient].office)
    need, gap = walking.between(a, b), m.start - before.end
    if need is None:
        return f"{gap} min after the last meeting; walk not known", False
    where = f"within {b}" if a == b else f"from {a}"
    if gap < need:
        return f"{need} min walk {where}, only {gap} min free: leave on time", True
    return f"{need} min walk {where} · {gap} min free", False


def _floor(place) -> str:
    if not place:
        return ""
    _, floor, _ = place
    if floor < 0:
        return "Basement level"
    return "Ground floor" if floor == 0 else f"Floor {floor}"


def _common(day: Day, template_name: str, title: str, description: str) -> dict:
    project = day.project
    layout, org = project.base, project.org
    language = org.defaults.language
    template = layout.env.get_template(template_name)
    created = day.date.isoformat()
    return dict(
        template=template,
        org=org,
        layout=layout,
        lang=language,
        labels=layout.labels,
        date=day.date,
        date_long=format_date(day.date, "full", locale=babel_locale(language.replace("-", "_"))),
        version=__version__,
        template_file=shown_path(template.filename, layout.root),
        fonts_css=Markup(font_face_css(layout)),
        tokens_css=Markup(token_css(layout)),
        page_css=Markup(page_rule(org.defaults.page_size)),
        stylesheets=stylesheets(layout),
        meta=dict(
            title=title,
            author=org.name,
            description=description,
            keywords="fly-in, itinerary",
            created=created,
            modified=created,
        ),
    )


def itinerary_html(day: Day, team: str, meetings: list[Meeting]) -> str:
    """A team's itinerary as HTML."""
    items = rows(day, meetings)
    context = _common(
        day,
        "itinerary.html.j2",
        f"{team}: fly-in itinerary, {day.date.isoformat()}",
        "; ".join(f"{i['start']} {i['member']}" for i in items),
    )
    template = context.pop("template")
    together = {i["attendees"] for i in items}
    members = together.pop() if len(together) == 1 else ""
    if members:  # the same people all day: said once, under the title
        items = [dict(i, attendees="") for i in items]
    return template.render(
        context, team=team, members=members, meetings=items, first=items[0]["start"], last=items[-1]["end"]
    )


def overview_html(day: Day, teams: list[tuple[str, list[Meeting]]], shown=None, first: bool = True) -> str:
    """The organizers' overview of the day as HTML: the teams `shown` (a part, overview_parts; every team when
    None), under the day's header when `first`."""
    context = _common(
        day,
        "overview.html.j2",
        f"Fly-in day {day.date.isoformat()}: every team",
        ", ".join(name for name, _ in teams),
    )
    template = context.pop("template")
    blocks = [dict(name=name, meetings=rows(day, meetings)) for name, meetings in shown or teams]
    offices = len({m.recipient for _, meetings in teams for m in meetings})
    count = sum(len(meetings) for _, meetings in teams)
    return template.render(
        context, teams=blocks, first=first, total_teams=len(teams), count=count, offices=offices
    )


# What the base layout's overview prints, in pt, for the estimate of overview_parts: the header on the first
# page, each team's heading, each meeting's line (and each further line of a long one), the page's margins.
HEADER, HEADING, LINE, WRAPPED, MARGINS, EM = 110.0, 27.5, 16.0, 12.5, 94.0, 4.6


def overview_parts(day: Day, teams: list[tuple[str, list[Meeting]]]) -> list[list[tuple[str, list[Meeting]]]]:
    """The teams in runs that each fill about one page of the overview, in order (a team is never split; a
    team longer than a page is a part of its own). An estimate from the rows' lengths: a part that runs over
    takes the pages it needs. It depends on each team's rows only, so a moved meeting changes one part."""
    from pipeline.document.page import PAGE_SIZES, points

    width, height = (points(x) for x in PAGE_SIZES[day.project.org.defaults.page_size])
    per_line = max(20, int((width - 86.4) / EM))
    room, parts, used = height - MARGINS - HEADER, [[]], 0.0
    for name, meetings in teams:
        lines = [
            -(-len(f"{r['start']} {r['short']} · {r['room']} · {', '.join(r['topic_ids'])} · {r['staffer']}")
                // per_line)
            for r in rows(day, meetings)
        ]  # fmt: skip
        need = HEADING + LINE * len(lines) + WRAPPED * (sum(lines) - len(lines))
        if parts[-1] and used + need > room:
            parts.append([])
            room, used = height - MARGINS, 0.0
        parts[-1].append((name, meetings))
        used += need
    return parts


def typeset(root, markup: str, stem: str, families: list[str], max_pages: int | None) -> tuple[bytes, list]:
    """HTML to PDF through the project-only fetcher, with the checks every document gets (WeasyPrint's log,
    clipped boxes, overrunning lines, fonts the layout does not declare); (PDF bytes, for each page the
    bookmarks that start on it), or PageError."""
    from pipeline.document.typeset import TypesetError, clipped, layout_html, overfull_lines, write_pdf
    from pipeline.pdf.inspect import check_fonts, embedded_fonts

    try:
        document = layout_html(markup, root, stem, "flyin", _fonts())
        problems = [p for page in document.pages for p in clipped(page)] + overfull_lines(document)
        if max_pages and len(document.pages) > max_pages:
            problems.append(f"it needs {len(document.pages)} pages; at most {max_pages} are allowed")
        data = b"" if problems else write_pdf(document)
        problems += check_fonts(embedded_fonts(data), families) if data else []
    except TypesetError as exc:
        problems = exc.problems
    if problems:
        raise PageError("; ".join(problems))
    return data, [[label for _, label, _, _ in page.bookmarks] for page in document.pages]


@functools.cache
def _fonts():
    """One FontConfiguration per process: the base layout's @font-face fonts, loaded by the first itinerary or
    overview a worker lays out, are there for the next (every one declares the same faces)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def print_variant(root, markup: str, stem: str, paper: str) -> bytes:
    """The print-shop variant of an itinerary or overview (prepress: bleed, crop marks, PDF/X-4), from the
    HTML its screen PDF was made from; PageError when WeasyPrint complains."""
    from pipeline.document.prepress import print_pdf
    from pipeline.document.typeset import TypesetError

    try:
        return print_pdf(markup, root, stem, "flyin", None, paper)
    except TypesetError as exc:
        raise PageError("the print-shop variant: " + "; ".join(str(p) for p in exc.problems)) from None
