"""The terminal table of an eval run."""

from __future__ import annotations

from typing import Any

from eval.harness import EvalRun

HEADLINE = [
    "fact_recall",
    "source_hit_at_1",
    "source_hit_at_3",
    "source_recall",
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


def format_cell(value: Any) -> str:
    """A figure as the tables show it: 3 decimals for rates, 1 for larger numbers."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return str(value)


def render(run: EvalRun, failures: int = 10) -> str:
    lines = [f"ingest: {run.ingest}", ""]
    width = max(len(k) for k in HEADLINE)
    lines += [f"{k:<{width}}  {format_cell(run.summary.get(k)):>8}" for k in HEADLINE]
    lines += judge_lines(run.summary, run.judge, width)
    lines += ["", "kind".ljust(14) + "".join(f"{k:>18}" for k in BY_KIND)]
    for kind, figures in run.by_kind.items():
        lines.append(
            kind.ljust(14) + "".join(f"{format_cell(figures.get(k)):>18}" for k in BY_KIND)
        )
    failed = [o for o in run.outcomes if not o.correct]
    if failed:
        lines += ["", f"{len(failed)} of {len(run.outcomes)} questions failed; first {failures}:"]
        for outcome in failed[:failures]:
            lines.append(f"  {outcome.id} {outcome.question[:70]}")
            lines.append(f"      -> {'; '.join(outcome.notes)}")
    return "\n".join(lines)


def judge_lines(summary: dict[str, Any], label: str | None, width: int) -> list[str]:
    """The LLM judge's figures, marked advisory; nothing when no judge ran."""
    if "judge_judged" not in summary:
        return []
    judged = int(summary["judge_judged"])
    lines = ["", f"{label or 'judge'} (advisory, never gated; abstentions not judged)"]
    for metric, scale in (("faithfulness", "0-1"), ("correctness", "1-5")):
        unscorable = int(summary.get(f"judge_{metric}_unscorable", 0))
        value = summary.get(f"judge_{metric}")
        shown = "-" if value is None else f"{value:.3f}"
        lines.append(
            f"{'judge_' + metric:<{width}}  {shown:>8}  ({scale}; "
            f"{judged - unscorable} scored, {unscorable} unscorable)"
        )
    return lines
