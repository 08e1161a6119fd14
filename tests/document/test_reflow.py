"""Step 6b's forecast: one layout of a one-pager tells the room it would leave at the sizes below it."""

from __future__ import annotations

from pipeline.document.fit import measure
from pipeline.document.page import FitSettings
from pipeline.document.reflow import Forecast
from pipeline.document.typeset import layout_html
from tests.document.test_fit import one_pager, with_points

SIZES = [(11.0, 1.0), (10.5, 0.9), (10.0, 0.8), (9.75, 0.75), (9.5, 0.7), (9.0, 0.6)]


def test_the_forecast_gives_the_room_a_real_layout_leaves_and_never_more(project):
    root = project("minimal")
    with_points(root, 7)  # long points that take fewer lines as the type gets smaller
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
