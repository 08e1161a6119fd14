"""Step 6b's forecast: one layout of a one-pager tells the room it would leave at the sizes below it."""

from __future__ import annotations

from pipeline.document.fit import measure
from pipeline.document.make import render_all
from pipeline.document.page import FitSettings
from pipeline.document.reflow import Forecast
from pipeline.document.typeset import layout_html
from pipeline.errors import Report
from pipeline.sources.gather import gather
from tests.conftest import edit
from tests.document.test_fit import one_pager, with_points

SIZES = [(11.0, 1.0), (10.5, 0.9), (10.0, 0.8), (9.75, 0.75), (9.5, 0.7), (9.0, 0.6)]


def test_the_forecast_gives_the_room_a_real_layout_leaves_and_never_more(project):
    root = project("minimal")
    with_points(root, 4)  # long points that take fewer lines as the type gets smaller
    doc, _ = one_pager(root)

    def laid_out(body: float, space: float):
        again = doc.refit(FitSettings(body, space))
        document = layout_html(again.html, root, doc.stem, doc.topic)
        return document, measure(document, doc.blocks, doc.pinned)

    first, measured = laid_out(*SIZES[0])
    forecast = Forecast(first.pages, FitSettings(*SIZES[0]), measured.bottom)
    assert abs(forecast.room(FitSettings(*SIZES[0])) - measured.room) < 0.01  # the layout it was read from
    rooms = []
    for body, space in SIZES[1:]:
        real = laid_out(body, space)[1].room
        rooms.append(real)
        promised = forecast.room(FitSettings(body, space))
        assert promised <= real + 0.5  # never more room than there is: the size it picks fits
        assert promised >= real - 25  # at worst a line short: the size it picks is at most a step small
    assert rooms[0] < 0 < rooms[-1]  # the sizes span the one that fits: too long first, room at the floor


def test_on_taller_paper_the_forecast_reads_larger_sizes_as_well(project):
    """Larger type needs more lines, not fewer: the forecast a taller page grows by (--paper a4 for a letter
    organization) must not promise room the larger size does not leave."""
    root = project("minimal")
    edit(root, "page_size: letter", "page_size: a4", "sources/organization.yaml")
    with_points(root, 3)  # at 12pt its points take several lines more
    doc, _ = one_pager(root)
    first = layout_html(doc.refit(FitSettings(11.0, 1.0)).html, root, doc.stem, doc.topic)
    forecast = Forecast(first.pages, FitSettings(11.0, 1.0), measure(first, doc.blocks, doc.pinned).bottom)
    for body, space in ((11.25, 1.05), (11.5, 1.1), (12.0, 1.2)):
        again = doc.refit(FitSettings(body, space))
        real = measure(layout_html(again.html, root, doc.stem, doc.topic), doc.blocks, doc.pinned).room
        assert real - 25 <= forecast.room(FitSettings(body, space)) <= real + 0.5


def test_words_hyphenated_in_narrow_columns_are_foreseen_where_weasyprint_hyphenates_them(project):
    """Over-compliance sets its points as three narrow steps, hyphenated: the forecast breaks and hyphenates
    their lines as WeasyPrint does, so it gives the room each smaller size leaves, to the pixel."""
    root = project()
    edit(
        root,
        "compliance costs.[@impact-2020-invisible-sanctions]",
        "compliance costs.[@impact-2020-invisible-sanctions] Donors must insist on independent monitoring.",
        "sources/topics/over-compliance.yaml",
    )
    report = Report()
    project_ = gather(root, report, only=["over-compliance"])
    [doc] = [d for d, _, _ in render_all(project_, report) if d.kind == "one-pager"]
    first = layout_html(doc.refit(FitSettings(*SIZES[0])).html, root, doc.stem, doc.topic)
    forecast = Forecast(first.pages, FitSettings(*SIZES[0]), measure(first, doc.blocks, doc.pinned).bottom)
    for body, space in SIZES[1:]:
        again = doc.refit(FitSettings(body, space))
        real = measure(layout_html(again.html, root, doc.stem, doc.topic), doc.blocks, doc.pinned).room
        assert abs(forecast.room(FitSettings(body, space)) - real) < 0.5, body
