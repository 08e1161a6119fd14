"""Where things are on the site: each page's path, and URLs from a page to the others and to its assets."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import Markup

from pipeline.errors import Report
from pipeline.sources.files import layout_files

if TYPE_CHECKING:
    from pipeline.sources.layouts import Layout

SITE = "out/site"  # the site's folder in the project
ASSETS = "assets"  # under it, every project file a page uses, at its project path (assets/sources/x.svg)
INDEX = "index.html"


def twin_path(topic: str, kind: str) -> str:
    """A document's web page, relative to the site: <topic>/index.html, <topic>/one-pager/index.html."""
    return f"{topic}/{INDEX}" if kind == "briefing" else f"{topic}/{kind}/{INDEX}"


def pdf_path(topic: str, kind: str) -> str:
    """A document's PDF, relative to the site: where the build writes it, out/<topic>/<topic>-<kind>.pdf (the
    site links to it there rather than carry a second copy that `press audit out/` would read twice)."""
    return f"../{topic}/{topic}-{kind}.pdf"


class Links:
    """URLs from one page of the site (relative, so the site works from any address and from the disk), and
    the project files the page uses, recorded to be copied under assets/."""

    def __init__(self, path: str):
        self.up = "../" * path.count("/")
        self.used: list[str] = []

    def page(self, path: str) -> str:
        """The URL of another file of the site, given by its path relative to the site."""
        return quote(self.up + path)

    def asset(self, path: str) -> str:
        """The URL of a project file (sources/assets/logo.svg, layouts/base/fonts/x.otf), recorded as used."""
        if path not in self.used:
            self.used.append(path)
        return quote(f"{self.up}{ASSETS}/{path}")


def stylesheets(root, layout: Layout, report: Report) -> list[str]:
    """The site's style sheets: css/site/*.css of every layout of the chain, base first."""
    layers = reversed(layout.chain)
    return [path for layer in layers for path in layout_files(root, layer, "css/site/*.css", report)]


def font_faces(layout: Layout, links: Links) -> Markup:
    """@font-face rules for the layout's fonts, at their copies under assets/ (a browser loads only those
    it uses)."""
    rules = [
        f'@font-face {{ font-family: "{face.family}"; src: url("{links.asset(path)}"); '
        f"font-weight: {face.weight}; font-style: {face.style}; font-display: swap; }}"
        for face, path in layout.fonts
    ]
    return Markup("\n".join(rules))


def licences(root, layout: Layout, links: Links, report: Report) -> None:
    """Record the licence files beside the layout's fonts (LICENSE*), to travel with the copies: the SIL Open
    Font License asks that a font be given with its licence."""
    folders = sorted({path.rsplit("/", 1)[0] for _, path in layout.fonts})
    for folder in folders:
        layer, _, inside = folder.removeprefix("layouts/").partition("/")
        for path in layout_files(root, layer, f"{inside}/LICENSE*" if inside else "LICENSE*", report):
            links.asset(path)


def common(root, layout: Layout, links: Links, report: Report) -> dict:
    """What every site template is given besides its content: asset URLs, style sheets, fonts (and their
    licences, copied beside them)."""
    licences(root, layout, links, report)
    return dict(
        asset=links.asset,
        page_url=links.page,
        stylesheets=[links.asset(path) for path in stylesheets(root, layout, report)],
        fonts_css=font_faces(layout, links),
    )
