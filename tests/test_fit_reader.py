"""bench.split_rhine and bench.fit_reader: the fixed halves and the choices the fit makes."""

from __future__ import annotations

import json

from bench.fit_reader import Outcome, choose_short_threshold, choose_threshold, figures
from bench.split_rhine import FIT, HELDOUT, RHINE, split_lines


def test_the_committed_halves_are_the_split_rule_applied_to_the_set() -> None:
    lines = (RHINE / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    halves = split_lines(lines)
    assert FIT.read_text(encoding="utf-8").splitlines() == halves["fit"]
    assert HELDOUT.read_text(encoding="utf-8").splitlines() == halves["heldout"]


def test_the_halves_share_no_question_and_no_paragraph() -> None:
    fit = [json.loads(line) for line in FIT.read_text(encoding="utf-8").splitlines()]
    held = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines()]
    assert not {q["id"] for q in fit} & {q["id"] for q in held}
    assert not {s for q in fit for s in q["sources"]} & {s for q in held for s in q["sources"]}
    assert len(fit) + len(held) == 498
    assert sum(not q["answerable"] for q in held) == 93


def outcome(answerable: bool, best: float, right: bool = True) -> Outcome:
    return Outcome(answerable, best, right, 0.0, 0.0, 0.0)


def test_the_threshold_gives_up_at_most_the_allowed_share_of_answerable_questions() -> None:
    found = [outcome(True, b / 100) for b in range(1, 101)] + [outcome(False, 0.05)] * 10
    threshold = choose_threshold(found)
    result = figures(found, threshold)
    assert result["false_abstentions"] <= 0.08
    assert result["abstention_recall"] == 1.0


def test_the_short_answer_leads_only_where_it_scores_better_than_the_sentence() -> None:
    found = [
        Outcome(True, 0.9, True, 0.9, 1.0, 0.2),  # a sure span, right
        Outcome(True, 0.9, True, 0.1, 0.0, 0.3),  # an unsure span, wrong: the sentence is better
    ]
    assert 0.1 < choose_short_threshold(found) <= 0.9
