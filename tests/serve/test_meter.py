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
    "words": 300,
    "text_mm": 150.0,
    "used_mm": 187.66,
}


def test_room_left_is_counted_in_words_at_the_pages_own_density():
    meter = fitted(FIGURES)
    assert meter.fits and meter.body == 10.5 and meter.spacing == 0.85
    assert meter.words_per_mm == 2.0  # 300 words in 150 mm of blocks
    assert meter.room_words == 24  # 12.34 mm at 2 words a millimetre, rounded down
    assert meter.spare_mm == 12.3
    assert meter.fill == 0.938  # 187.66 mm used of 200
    assert meter.dropped == ["qa"] and meter.renders == 4


def test_a_page_set_below_its_largest_size_counts_its_room_at_the_floor():
    stepped = fitted(dict(FIGURES, spare_mm=0.4, used_mm=199.6, floor_room_mm=30.0, floor_text_mm=120.0))
    assert (stepped.spare_mm, stepped.room_words) == (0.4, 0)  # at 10.5 pt it is full
    assert stepped.floor_room_mm == 30.0
    assert stepped.floor_words == 75  # 30 mm at the floor's 2.5 words a millimetre (300 words in 120 mm)
    assert stepped.fill == 0.85  # 30 mm of 200 left at the floor
    assert fitted(FIGURES).floor_words is None  # set at its largest size, the floor was never measured


def test_a_full_page_has_no_room_and_a_page_without_text_no_density():
    assert fitted(dict(FIGURES, spare_mm=0.0)).room_words == 0
    empty = fitted(dict(FIGURES, words=0, text_mm=0.0))
    assert (empty.words_per_mm, empty.room_words) == (0.0, 0)


def test_an_overflow_is_read_from_the_fit_error_the_build_reports():
    error = FitError("points", 63.6, 313, 9.0, 0.6, ["qa", "facts"], "points", 806)
    meter = overflowing(str(error))
    assert not meter.fits and meter.fill == 1.0
    assert (meter.overflow_mm, meter.cut_words) == (64, 313)
    assert (meter.body, meter.spacing, meter.dropped) == (9.0, 0.6, ["qa", "facts"])
    alone = overflowing(str(FitError("points", 0.2, 1, 9.5, 0.6, [], "points", 20)))
    assert (alone.overflow_mm, alone.cut_words, alone.body, alone.dropped) == (1, 1, 9.5, [])
    assert overflowing("unknown citation 'x' [citation.unknown]") is None
