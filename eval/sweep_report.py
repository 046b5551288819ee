"""How a sweep is shown: a terminal table and ``sweep.html``, best value per column marked.

The page is self-contained like ``report.html``: inline styles and an inline SVG chart of
fact recall, abstention recall and citation exactness per combination; nothing loads from
the network.
"""

from __future__ import annotations

import html

from eval.compare import HIGHER_IS_BETTER
from eval.report import STYLE, bar_chart
from eval.sweep import SweepResult, label
from eval.table import format_cell

COLUMNS = [
    "fact_recall",
    "source_hit_at_1",
    "mrr",
    "token_f1",
    "abstention_recall",
    "false_abstention_rate",
    "citation_exactness",
    "latency_p50_ms",
]
JUDGE_COLUMNS = ["judge_faithfulness", "judge_correctness"]
CHARTED = ["fact_recall", "abstention_recall", "citation_exactness"]


def columns(result: SweepResult) -> list[str]:
    """The compared metrics; the judge's too when it scored the sweep."""
    judged = any("judge_judged" in p.run.summary for p in result.points)
    return COLUMNS + (JUDGE_COLUMNS if judged else [])


def higher_is_better(metric: str) -> bool:
    return metric in HIGHER_IS_BETTER or metric.startswith("judge_")


def best_rows(values: list[float | None], higher: bool) -> set[int]:
    """Rows holding the best value of a column; none when every row has the same value."""
    present = [v for v in values if v is not None]
    if len(set(present)) < 2:
        return set()
    best = max(present) if higher else min(present)
    return {i for i, v in enumerate(values) if v == best}


def _table_data(result: SweepResult) -> tuple[list[str], list[list[str]], list[set[int]]]:
    """(metric names, cells per row, best rows per metric column)."""
    metrics = columns(result)
    cells = [[format_cell(p.run.summary.get(m)) for m in metrics] for p in result.points]
    best = [
        best_rows([p.run.summary.get(m) for p in result.points], higher_is_better(m))
        for m in metrics
    ]
    return metrics, cells, best


def render_sweep_table(result: SweepResult) -> str:
    """The comparison for the terminal; ``*`` marks the best value of each column."""
    names = [a.name for a in result.axes]
    metrics, cells, best = _table_data(result)
    header = names + metrics
    rows = [
        [p.settings[n] for n in names]
        + [c + ("*" if i in best[j] else "") for j, c in enumerate(row)]
        for i, (p, row) in enumerate(zip(result.points, cells, strict=True))
    ]
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append(
        f"\n{len(result.points)} combinations, {result.ingests} ingest(s); * best per column"
        + ("; judge_* are advisory LLM-judge scores" if "judge_faithfulness" in metrics else "")
    )
    return "\n".join(lines)


SWEEP_STYLE = """
td.best { background: #d8ecd9; font-weight: bold; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
"""


def render_sweep_html(result: SweepResult) -> str:
    """The whole ``sweep.html`` page."""
    names = [a.name for a in result.axes]
    metrics, cells, best = _table_data(result)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in names + metrics)
    body = []
    for i, (point, row) in enumerate(zip(result.points, cells, strict=True)):
        settings = "".join(f"<td>{html.escape(point.settings[n])}</td>" for n in names)
        figures = "".join(
            f'<td class="num{" best" if i in best[j] else ""}">{html.escape(c)}</td>'
            for j, c in enumerate(row)
        )
        body.append(f"<tr>{settings}{figures}</tr>")
    groups = {label(p.settings): p.run.summary for p in result.points}
    longest = max((len(k) for k in groups), default=10)
    chart = bar_chart(groups, CHARTED, label_width=min(420, 20 + 7 * longest))
    base = ", ".join(f"{k}={v}" for k, v in result.base.items()) or "none"
    axes = "; ".join(f"{a.name} = {', '.join(a.values)}" for a in result.axes)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>citeqa settings sweep</title>
<style>{STYLE}{SWEEP_STYLE}</style></head>
<body>
<h1>citeqa settings sweep</h1>
<p>Axes: {html.escape(axes)}. Fixed by --set: {html.escape(base)}.
{len(result.points)} combinations, {result.ingests} ingest(s) (one per chunking setting).</p>
<h2>Headline figures per combination</h2>
<p>The best value of each column is highlighted (lowest for false_abstention_rate and
latency); a column where every combination scores the same has no highlight.</p>
<table id="sweep"><tr>{head}</tr>
{"".join(body)}
</table>
<h2>Fact recall, abstention recall and citation exactness</h2>
<div id="sweep-chart">{chart}</div>
</body></html>
"""
