"""The fit meter's arithmetic: room left in millimetres and words, or the overflow and what to cut."""

from __future__ import annotations

from pipeline.document.fit import FitError
from pipeline.serve.meter import fitted, overflowing

FIGURES = {
    "body": 10.5,
    "space": 0.85,
    "renders": 4,
    "dropped": ["qa"],
    "spare_mm": 12.34,
    "words_per_mm": 2.0,
    "used_mm": 187.66,
    "floor_room_mm": None,
    "floor_words_per_mm": 0.0,
}


def test_room_left_is_counted_in_words_at_the_density_of_the_pages_running_text():
    meter = fitted(FIGURES)
    assert meter.fits and meter.body == 10.5 and meter.spacing == 0.85
    assert meter.room_words == 24  # 12.34 mm at 2 words a millimetre, rounded down
    assert meter.spare_mm == 12.3
    assert meter.fill == 0.938  # 187.66 mm used of 200
    assert meter.floor_words is None  # set at its largest size, the floor was never measured
    assert meter.dropped == ["qa"] and meter.renders == 4


def test_a_page_set_below_its_largest_size_counts_its_room_at_the_floor():
    stepped = fitted(dict(FIGURES, spare_mm=0.4, used_mm=199.6, floor_room_mm=30.0, floor_words_per_mm=2.5))
    assert (stepped.spare_mm, stepped.room_words) == (0.4, 0)  # at 10.5 pt it is full
    assert (stepped.floor_room_mm, stepped.floor_words) == (30.0, 75)  # 30 mm at 2.5 words a millimetre
    assert stepped.fill == 0.85  # 30 mm of 200 left at the floor


def test_figures_from_an_older_cache_give_no_meter_until_the_next_build():
    assert (
        fitted({"body": 11, "space": 1, "renders": 2, "spare_mm": 20.0, "words": 40, "text_mm": 30.0}) is None
    )
    assert fitted({}) is None


def test_a_full_page_has_no_room():
    assert fitted(dict(FIGURES, spare_mm=0.0)).room_words == 0
    assert fitted(dict(FIGURES, floor_room_mm=0.0, floor_words_per_mm=3.0)).floor_words == 0


def test_an_overflow_is_read_from_the_fit_error_the_build_reports():
    error = FitError("points", 63.6, 313, 9.0, 0.6, ["qa", "facts"], "points", 806)
    meter = overflowing(str(error))
    assert not meter.fits and meter.fill == 1.0
    assert (meter.overflow_mm, meter.cut_words) == (64, 313)
    assert (meter.body, meter.spacing, meter.dropped) == (9.0, 0.6, ["qa", "facts"])
    alone = overflowing(str(FitError("points", 0.2, 1, 9.5, 0.6, [], "points", 20)))
    assert (alone.overflow_mm, alone.cut_words, alone.body, alone.dropped) == (1, 1, 9.5, [])
    assert overflowing("unknown citation 'x' [citation.unknown]") is None
