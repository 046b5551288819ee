"""bench.calibrate: the threshold plateau and the robust choice among weight combinations."""

from __future__ import annotations

from bench.calibrate import THRESHOLDS, plateau, robust_choice


def test_plateau_counts_right_answers_and_sits_mid_plateau() -> None:
    rows = [
        (True, 0.6, True),  # answerable, strong evidence, right answer
        (True, 0.5, False),  # answerable but a wrong answer: never right
        (False, 0.3, True),  # unanswerable: right when the threshold is above 0.3
    ]
    best, threshold, width = plateau(rows)
    assert best == 2
    # Every threshold in (0.3, 0.6] gets both right; the middle of that run is chosen.
    right = [t for t in THRESHOLDS if 0.3 < t <= 0.6]
    assert width == len(right)
    assert threshold == right[len(right) // 2]


def test_robust_choice_takes_a_wider_plateau_one_question_behind() -> None:
    narrow = (40, 2, 0.3, {"w": 1.0})
    wide = (39, 12, 0.28, {"w": 2.0})
    worse = (37, 30, 0.25, {"w": 3.0})
    assert robust_choice([narrow, wide, worse]) == wide
    assert robust_choice([narrow, worse]) == narrow
