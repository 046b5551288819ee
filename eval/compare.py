"""Compare two eval runs: metric deltas, questions whose outcome flipped, regression gates.

Only deterministic quality figures are gated; latencies and counts are reported, never gated
(timings do not belong in pass/fail checks), and so are LLM-judge scores (a model's opinion,
which moves with the judge model and its server, not only with the answers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag import EvalError

HIGHER_IS_BETTER = (
    "fact_recall",
    "source_hit_at_1",
    "source_hit_at_3",
    "mrr",
    "ndcg_at_5",
    "exact_match",
    "token_f1",
    "crag_score",
    "abstention_recall",
    "citation_exactness",
    "sentence_support_rate",
    "citation_recall",
    "citation_precision",
)
LOWER_IS_BETTER = ("false_abstention_rate",)
REPORTED = (*HIGHER_IS_BETTER, *LOWER_IS_BETTER, "median_answer_words", "latency_p50_ms")
# Advisory: compared when a run has them, never gated.
JUDGE_REPORTED = ("judge_faithfulness", "judge_correctness")


@dataclass(frozen=True)
class Flip:
    id: str
    question: str
    was_correct: bool
    now_correct: bool


@dataclass(frozen=True)
class Comparison:
    deltas: dict[str, tuple[float | None, float | None]]
    flips: list[Flip]

    def to_dict(self) -> dict[str, Any]:
        return {
            "deltas": {k: {"old": a, "new": b} for k, (a, b) in self.deltas.items()},
            "flips": [f.__dict__ for f in self.flips],
        }


def load_results(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise EvalError(f"{path}: not a readable results.json ({error})") from error
    if not isinstance(data, dict) or "summary" not in data or "questions" not in data:
        raise EvalError(f"{path}: not a citeqa results.json (no summary/questions)")
    return data


def compare(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    judged = [k for k in JUDGE_REPORTED if k in old["summary"] or k in new["summary"]]
    deltas = {k: (old["summary"].get(k), new["summary"].get(k)) for k in (*REPORTED, *judged)}
    before = {q["id"]: q for q in old["questions"]}
    flips = [
        Flip(q["id"], q["question"], bool(before[q["id"]]["correct"]), bool(q["correct"]))
        for q in new["questions"]
        if q["id"] in before and bool(before[q["id"]]["correct"]) != bool(q["correct"])
    ]
    return Comparison(deltas, flips)


def regressions(
    comparison: Comparison | None,
    summary: dict[str, Any],
    fail_under: dict[str, float],
    max_drop: float | None,
) -> list[str]:
    """One line per broken gate: a floor not reached, or a metric worse by more than max_drop.

    Judge scores (``judge_*``) are never gated: ``max_drop`` passes over them, and a floor on
    one is refused rather than quietly ignored.
    """
    gated_judge = sorted(m for m in fail_under if is_judge_metric(m))
    if gated_judge:
        raise EvalError(
            f"--fail-under {gated_judge[0]}: LLM-judge scores are advisory and never gate a run; "
            "set floors on deterministic metrics such as fact_recall"
        )
    problems = []
    for metric, floor in fail_under.items():
        value = summary.get(metric)
        if value is None or value < floor:
            problems.append(f"{metric} = {value} is under the floor {floor}")
    if comparison is not None and max_drop is not None:
        for metric in (*HIGHER_IS_BETTER, *LOWER_IS_BETTER):  # no judge_* metric among them
            old, new = comparison.deltas.get(metric, (None, None))
            if old is None or new is None:
                continue
            worse = (old - new) if metric in HIGHER_IS_BETTER else (new - old)
            if worse > max_drop + 1e-9:
                problems.append(f"{metric} fell from {old} to {new} (tolerance {max_drop})")
    return problems


def is_judge_metric(metric: str) -> bool:
    return metric.startswith("judge_")


def render_comparison(comparison: Comparison) -> str:
    lines = [f"{'metric':<24}{'old':>10}{'new':>10}{'delta':>10}"]
    for metric, (old, new) in comparison.deltas.items():
        delta = f"{new - old:+.3f}" if old is not None and new is not None else "-"
        note = "  (LLM judge, not gated)" if is_judge_metric(metric) else ""
        lines.append(f"{metric:<24}{_cell(old):>10}{_cell(new):>10}{delta:>10}{note}")
    if comparison.flips:
        lines.append(f"\n{len(comparison.flips)} question(s) changed outcome:")
        for flip in comparison.flips:
            change = "fixed " if flip.now_correct else "broken"
            lines.append(f"  {change} {flip.id} {flip.question[:70]}")
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
