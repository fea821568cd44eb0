"""The relevance floor's calibration rule (benchmarks/relevance_floor.py): no single question sets a floor."""

from __future__ import annotations

import pytest

from benchmarks.relevance_floor import MARGIN, calibrate

# (relevance, top hit relevant?, English?)
POLISH_RIGHT = [(0.90 + i / 1000, True, False) for i in range(60)]
ENGLISH_RIGHT = [(0.85 + i / 1000, True, True) for i in range(60)]


def test_one_low_right_answer_does_not_set_the_floor() -> None:
    with_outlier = calibrate([*POLISH_RIGHT, *ENGLISH_RIGHT, (0.50, True, True)])
    assert with_outlier.english == pytest.approx(0.85 - MARGIN)


def test_the_floor_sits_a_margin_below_the_right_answers_past_the_lowest() -> None:
    floor = calibrate(POLISH_RIGHT + ENGLISH_RIGHT)
    assert floor.polish == pytest.approx(0.901 - MARGIN)
    assert floor.english == pytest.approx(0.851 - MARGIN)


def test_a_wrong_top_hit_does_not_count_as_a_right_answer() -> None:
    assert calibrate([*POLISH_RIGHT, *ENGLISH_RIGHT, (0.10, False, False)]) == calibrate(
        POLISH_RIGHT + ENGLISH_RIGHT
    )
