"""eval.compare: deltas, flipped questions and the regression gates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.compare import compare, load_results, regressions, render_comparison
from rag import EvalError


def results(
    fact_recall: float, false_abstention: float, correct: dict[str, bool]
) -> dict[str, Any]:
    return {
        "summary": {
            "fact_recall": fact_recall,
            "false_abstention_rate": false_abstention,
            "latency_p50_ms": 20.0,
        },
        "questions": [
            {"id": i, "question": f"question {i}", "correct": c} for i, c in correct.items()
        ],
    }


OLD = results(0.80, 0.02, {"q1": True, "q2": False, "q3": True})
NEW = results(0.75, 0.05, {"q1": True, "q2": True, "q3": False})


def test_deltas_and_flips() -> None:
    comparison = compare(OLD, NEW)
    assert comparison.deltas["fact_recall"] == (0.80, 0.75)
    assert [(f.id, f.was_correct, f.now_correct) for f in comparison.flips] == [
        ("q2", False, True),
        ("q3", True, False),
    ]
    text = render_comparison(comparison)
    assert "fact_recall" in text and "-0.050" in text
    assert "fixed  q2" in text and "broken q3" in text


def test_max_drop_gates_quality_metrics_in_their_own_direction() -> None:
    comparison = compare(OLD, NEW)
    problems = regressions(comparison, NEW["summary"], {}, max_drop=0.02)
    assert problems == [
        "fact_recall fell from 0.8 to 0.75 (tolerance 0.02)",
        "false_abstention_rate fell from 0.02 to 0.05 (tolerance 0.02)",
    ]
    assert regressions(comparison, NEW["summary"], {}, max_drop=0.1) == []
    assert regressions(compare(NEW, OLD), OLD["summary"], {}, max_drop=0.0) == []  # improvements


def test_latency_is_never_gated() -> None:
    slower = results(0.80, 0.02, {"q1": True})
    slower["summary"]["latency_p50_ms"] = 9999.0
    assert regressions(compare(OLD, slower), slower["summary"], {}, max_drop=0.0) == []


def test_fail_under_floors() -> None:
    assert regressions(None, NEW["summary"], {"fact_recall": 0.8}, None) == [
        "fact_recall = 0.75 is under the floor 0.8"
    ]
    assert regressions(None, NEW["summary"], {"fact_recall": 0.7}, None) == []
    assert regressions(None, NEW["summary"], {"no_such_metric": 0.1}, None) == [
        "no_such_metric = None is under the floor 0.1"
    ]


def test_load_results_rejects_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    with pytest.raises(EvalError, match=r"not a citeqa results\.json"):
        load_results(bad)
    with pytest.raises(EvalError, match=r"not a readable results\.json"):
        load_results(tmp_path / "missing.json")


def test_the_committed_baseline_is_a_results_file() -> None:
    baseline = load_results(Path(__file__).resolve().parents[2] / "eval" / "baseline.json")
    assert baseline["summary"]["questions"] >= 80
    assert baseline["summary"]["citation_exactness"] == 1.0


def judged(faithfulness: float, correctness: float) -> dict[str, Any]:
    run = results(0.80, 0.02, {"q1": True})
    run["summary"] |= {"judge_faithfulness": faithfulness, "judge_correctness": correctness}
    return run


def test_judge_scores_are_compared_but_never_gated() -> None:
    old, new = judged(0.95, 4.8), judged(0.10, 1.2)
    comparison = compare(old, new)
    assert comparison.deltas["judge_faithfulness"] == (0.95, 0.10)
    assert "(LLM judge, not gated)" in render_comparison(comparison)
    assert regressions(comparison, new["summary"], {}, max_drop=0.0) == []


def test_a_floor_on_a_judge_score_is_refused() -> None:
    with pytest.raises(EvalError, match=r"--fail-under judge_faithfulness: LLM-judge scores"):
        regressions(None, judged(0.1, 1.0)["summary"], {"judge_faithfulness": 0.5}, None)


def test_runs_without_a_judge_compare_as_before() -> None:
    assert "judge_faithfulness" not in compare(OLD, NEW).deltas
    assert "LLM judge" not in render_comparison(compare(OLD, NEW))
