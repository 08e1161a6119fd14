"""The site's front page: every topic with its status, its two web pages and its PDFs."""

from __future__ import annotations

import datetime as dt
import html

from babel.dates import format_date
from markupsafe import Markup

from pipeline import KINDS, __version__
from pipeline.document.render import babel_locale
from pipeline.errors import Report
from pipeline.site.links import INDEX, Links, common, pdf_path, twin_path
from pipeline.site.twin import Page
from pipeline.sources.layouts import render_template, token_css
from pipeline.sources.text import to_html


def status(row: dict, today: dt.date) -> str:
    """draft, stale (past its review date) or approved, as `press serve` says it."""
    if row["status"] == "draft":
        return "draft"
    return "stale" if row["review_by"] and row["review_by"] < today.isoformat() else "approved"


def index(project, rows: list[dict], pdfs: dict[str, dict[str, int]], today: dt.date, report: Report) -> Page:
    """out/site/index.html from the base layout's site/index.html.j2: `rows` as twin.row gives them, `pdfs`
    the pages of each topic's PDFs on the site, by topic and kind."""
    layout, org = project.base, project.org
    links = Links(INDEX)
    language = org.defaults.language
    locale = babel_locale(language.replace("-", "_"))
    topics = [
        dict(
            row,
            status=status(row, today),
            as_of_text=format_date(dt.date.fromisoformat(row["as_of"]), "long", locale=locale),
            twins={kind: links.page(twin_path(row["id"], kind)) for kind in KINDS},
            pdfs=[
                dict(kind=kind, url=links.page(pdf_path(row["id"], kind)), pages=pages)
                for kind, pages in pdfs.get(row["id"], {}).items()
            ],
        )
        for row in rows
    ]
    context = dict(
        common(project.root, layout, links, report),
        org=org,
        lang=language,
        labels=layout.labels,
        home=links.page(INDEX),
        disclaimer=Markup(to_html(org.disclaimer, _no_cite, _no_image, language)) if org.disclaimer else "",
        topics=topics,
        tokens_css=Markup(token_css(layout)),
        version=__version__,
    )
    html = render_template(layout.env.get_template("site/index.html.j2"), context)
    return Page(INDEX, html, links.used)


def _no_cite(cluster) -> str:
    return ""  # the organization's disclaimer cites nothing on the front page


def _no_image(src: str, alt: str) -> str:
    return html.escape(alt)
