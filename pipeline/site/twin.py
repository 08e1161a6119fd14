"""A topic's two web pages, its briefing and its one-pager: the PDFs' content and citations, for a browser."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pipeline import KINDS
from pipeline.document.render import render
from pipeline.document.urls import BREAK, JOIN
from pipeline.errors import Report
from pipeline.site.links import INDEX, Links, common, pdf_path, twin_path
from pipeline.sources.text import smart


@dataclass
class Page:
    """A page of the site: where it goes (relative to out/site/), its HTML, and the project files it uses."""

    path: str
    html: str
    assets: list[str] = field(default_factory=list)


def twin(project, topic, kind: str, pdfs: dict[str, int], date: dt.date | None, report: Report) -> Page:
    """The web page of a topic's briefing or one-pager, from the layout's templates/site/. `pdfs` gives the
    pages of each PDF the site carries beside it, by kind. A template error is raised (jinja2's)."""
    layout = project.layouts[topic.layout]
    path = twin_path(topic.id, kind)
    links = Links(path)
    site = dict(
        common(project.root, layout, links, report),
        current=kind,
        home=links.page(INDEX),
        twins={name: links.page(twin_path(topic.id, name)) for name in KINDS},
        pdfs=[
            dict(kind=name, url=links.page(pdf_path(topic.id, name)), pages=pdfs[name])
            for name in KINDS
            if name in pdfs
        ],
    )
    doc = render(kind, topic, project.org, layout, project.library, project.style, date, site=site)
    return Page(path, web_urls(doc.html), links.used)


URL_TEXT = re.compile(r'(<a class="url" href="[^"]*">)([^<]*)(</a>)')


def web_urls(markup: str) -> str:
    """The printed URLs' break hints made a browser's: <wbr> where a line may break, which copying the text
    leaves out (a zero-width space would be copied with it), and no word joiners."""

    def hints(match: re.Match) -> str:
        return match[1] + match[2].replace(JOIN, "").replace(BREAK, "<wbr>") + match[3]

    return URL_TEXT.sub(hints, markup)


def row(topic, org) -> dict:
    """What the index says of a topic, kept in the site's manifest so that `--topic` can rewrite the index
    without rendering the other topics."""
    language = topic.language or org.defaults.language
    return dict(
        id=topic.id,
        title=smart(topic.title, language),
        subtitle=smart(topic.subtitle, language) if topic.subtitle else "",
        status=topic.status,
        as_of=topic.as_of.isoformat(),
        review_by=topic.review_by.isoformat() if topic.review_by else "",
        language=language,
    )
