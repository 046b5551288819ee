"""The terminal table of an eval run."""

from __future__ import annotations

from typing import Any

from eval.harness import EvalRun

HEADLINE = [
    "fact_recall",
    "source_hit_at_1",
    "source_hit_at_3",
    "mrr",
    "ndcg_at_5",
    "exact_match",
    "token_f1",
    "crag_score",
    "abstention_recall",
    "false_abstention_rate",
    "citation_exactness",
    "sentence_support_rate",
    "citation_recall",
    "citation_precision",
    "median_answer_words",
    "latency_p50_ms",
    "latency_p95_ms",
]
BY_KIND = ["questions", "fact_recall", "source_hit_at_1", "abstention_recall", "accuracy"]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return str(value)


def render(run: EvalRun, failures: int = 10) -> str:
    lines = [f"ingest: {run.ingest}", ""]
    width = max(len(k) for k in HEADLINE)
    lines += [f"{k:<{width}}  {_cell(run.summary.get(k)):>8}" for k in HEADLINE]
    lines += ["", "kind".ljust(14) + "".join(f"{k:>18}" for k in BY_KIND)]
    for kind, figures in run.by_kind.items():
        lines.append(kind.ljust(14) + "".join(f"{_cell(figures.get(k)):>18}" for k in BY_KIND))
    failed = [o for o in run.outcomes if not o.correct]
    if failed:
        lines += ["", f"{len(failed)} of {len(run.outcomes)} questions failed; first {failures}:"]
        for outcome in failed[:failures]:
            lines.append(f"  {outcome.id} {outcome.question[:70]}")
            lines.append(f"      -> {'; '.join(outcome.notes)}")
    return "\n".join(lines)
