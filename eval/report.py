"""``report.html``: one self-contained page a team reads to judge a run.

Headline figures with 95% bootstrap intervals, fact recall and abstention by question kind
(SVG bars), a latency histogram (SVG), and every question with its answer, citations and
verdict, filterable to failures. No network: styles, charts and the filter script are inline.
"""

from __future__ import annotations

import html
import random
from collections.abc import Sequence
from typing import Any

Row = dict[str, Any]

BOOTSTRAP_SAMPLES = 1000


def bootstrap_interval(
    values: Sequence[float], samples: int = BOOTSTRAP_SAMPLES, seed: int = 0
) -> tuple[float, float] | None:
    """95% percentile-bootstrap interval of the mean of ``values`` (seeded, so repeatable)."""
    if not values:
        return None
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(samples))
    return means[int(0.025 * samples)], means[int(0.975 * samples) - 1]


def _per_question(rows: list[Row]) -> dict[str, list[float]]:
    """Each headline metric as one value per question, for the bootstrap."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    return {
        "fact_recall": [float(r["correct"]) for r in answerable],
        "abstention_recall": [float(r["abstained"]) for r in unanswerable],
        "accuracy": [float(r["correct"]) for r in rows],
        "crag_score": [1.0 if r["correct"] else 0.0 if r["abstained"] else -1.0 for r in rows],
        "token_f1": [float(r.get("token_f1", 0.0)) for r in answerable],
    }


BAR_COLOURS = ["#3b6ea8", "#d08c2b", "#4f9a5e"]


def bar_chart(
    groups: dict[str, dict[str, Any]], metrics: Sequence[str], label_width: int = 130
) -> str:
    """Grouped horizontal bars (0..1) per group (a kind, a sweep's setting...), as inline SVG."""
    height = 22 * len(metrics) + 10
    x = label_width
    rows = []
    for i, (kind, figures) in enumerate(groups.items()):
        y0 = i * height
        rows.append(f'<text x="0" y="{y0 + 15}" class="label">{html.escape(kind)}</text>')
        for j, metric in enumerate(metrics):
            value = figures.get(metric)
            y = y0 + j * 22
            if value is None:
                rows.append(f'<text x="{x}" y="{y + 15}" class="muted">{metric}: n/a</text>')
                continue
            width = max(1.0, 300 * float(value))
            colour = BAR_COLOURS[j % len(BAR_COLOURS)]
            rows.append(
                f'<rect x="{x}" y="{y + 3}" width="{width:.1f}" height="16" fill="{colour}">'
                f"<title>{metric} {value:.3f}</title></rect>"
                f'<text x="{x + 5 + width:.1f}" y="{y + 15}" class="value">{metric} {value:.2f}</text>'
            )
    total = height * max(1, len(groups))
    return f'<svg class="chart" width="{x + 490}" height="{total}" role="img">{"".join(rows)}</svg>'


def _histogram(values: Sequence[float], bins: int = 12) -> str:
    if not values:
        return "<p>No latencies.</p>"
    low, high = min(values), max(values)
    step = (high - low) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - low) / step))] += 1
    top = max(counts)
    bars = []
    for i, count in enumerate(counts):
        h = 150 * count / top
        bars.append(
            f'<rect x="{40 + i * 40}" y="{170 - h:.1f}" width="36" height="{h:.1f}" fill="#3b6ea8">'
            f"<title>{low + i * step:.0f}–{low + (i + 1) * step:.0f} ms: {count}</title></rect>"
        )
    axis = f'<text x="40" y="190" class="muted">{low:.0f} ms</text>'
    axis += f'<text x="{40 + bins * 40 - 60}" y="190" class="muted">{high:.0f} ms</text>'
    return f'<svg class="chart" width="{60 + bins * 40}" height="200" role="img">{"".join(bars)}{axis}</svg>'


def _judge_cell(verdicts: dict[str, Any] | None) -> str:
    if verdicts is None:
        return "not judged"
    parts = []
    for metric, verdict in verdicts.items():
        score = verdict.get("score")
        shown = f"{score:g}" if score is not None else f"unscorable ({verdict.get('unscorable')})"
        parts.append(f"{metric} {shown}")
    return "; ".join(parts)


def _judge_table(summary: dict[str, Any], label: str | None) -> str:
    """The LLM judge's figures, beside the deterministic ones but marked as advisory."""
    if "judge_judged" not in summary:
        return ""
    judged = int(summary["judge_judged"])
    rows = []
    for metric, scale in (("faithfulness", "0–1"), ("correctness", "1–5")):
        value = summary.get(f"judge_{metric}")
        unscorable = int(summary.get(f"judge_{metric}_unscorable", 0))
        rows.append(
            f"<tr><th>judge_{metric}</th><td>{'n/a' if value is None else f'{value:.3f}'}</td>"
            f"<td>{scale}</td><td>{judged - unscorable}</td><td>{unscorable}</td></tr>"
        )
    return (
        f"<h2>LLM judge (advisory, never gated)</h2><p>{html.escape(label or '')}. "
        "Abstentions are not judged; an unscorable verdict is left out of the mean.</p>"
        '<table id="judge"><tr><th>metric</th><th>mean</th><th>scale</th><th>scored</th>'
        f"<th>unscorable</th></tr>{''.join(rows)}</table>"
    )


def _question_rows(rows: list[Row]) -> str:
    judged = any("judge" in r for r in rows)
    out = []
    for r in rows:
        cites = "".join(
            f"<li>[{c['n']}] {html.escape(str(c['source']).rsplit('/', 1)[-1])} "
            f"{c['start']}–{c['end']}: <q>{html.escape(str(c['quote']))}</q></li>"
            for c in r.get("citations", [])
        )
        verdict = "pass" if r["correct"] else "fail"
        why = "; ".join(r.get("notes", [])) or "—"
        out.append(
            f'<tr class="{verdict}"><td>{html.escape(r["id"])}</td><td>{html.escape(r["kind"])}</td>'
            f"<td>{html.escape(r['question'])}</td><td>{html.escape(r['text'])}<ul>{cites}</ul></td>"
            f"<td>{verdict}</td><td>{html.escape(why)}</td>"
            + (f"<td>{html.escape(_judge_cell(r.get('judge')))}</td>" if judged else "")
            + "</tr>"
        )
    return "\n".join(out)


STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
td, th { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; text-align: left; }
tr.fail td:nth-child(5) { color: #a00; font-weight: bold; }
.chart text { font-size: 12px; } .muted { fill: #777; } .label { font-weight: bold; }
body.failures-only tr.pass { display: none; }
"""
SCRIPT = """
document.getElementById('failures-only').addEventListener('change', function (e) {
  document.body.classList.toggle('failures-only', e.target.checked);
});
"""


def render_report(results: dict[str, Any], comparison_text: str | None = None) -> str:
    """The whole page for one run (``results`` as written to results.json)."""
    rows: list[Row] = results["questions"]
    summary = results["summary"]
    headline = []
    for metric, values in _per_question(rows).items():
        interval = bootstrap_interval(values)
        value = summary.get(metric)
        shown = "n/a" if value is None else f"{value:.3f}"
        ci = f"[{interval[0]:.3f}, {interval[1]:.3f}]" if interval else "—"
        headline.append(
            f"<tr><th>{metric}</th><td>{shown}</td><td>{ci}</td><td>{len(values)}</td></tr>"
        )
    for metric in ("source_hit_at_1", "mrr", "citation_exactness", "false_abstention_rate"):
        value = summary.get(metric)
        headline.append(
            f"<tr><th>{metric}</th><td>{'n/a' if value is None else f'{value:.3f}'}</td><td>—</td><td></td></tr>"
        )
    by_kind = results.get("by_kind", {})
    latencies = [float(r["latency_ms"]) for r in rows]
    compared = (
        f"<h2>Compared with the previous run</h2><pre>{html.escape(comparison_text)}</pre>"
        if comparison_text
        else ""
    )
    failures = sum(not r["correct"] for r in rows)
    judge_header = "<th>LLM judge</th>" if any("judge" in r for r in rows) else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>citeqa eval report</title><style>{STYLE}</style></head>
<body>
<h1>citeqa eval report</h1>
<p>{len(rows)} questions, {failures} failed. Ingest: {html.escape(str(results.get("ingest", "")))}</p>
<h2>Headline figures (95% bootstrap interval)</h2>
<table id="headline"><tr><th>metric</th><th>value</th><th>95% CI</th><th>n</th></tr>{"".join(headline)}</table>
{_judge_table(summary, results.get("judge"))}
<h2>Fact recall and abstention by kind</h2>
<div id="by-kind">{bar_chart(by_kind, ["fact_recall", "abstention_recall"])}</div>
<h2>Latency</h2>
<div id="latency">{_histogram(latencies)}</div>
{compared}
<h2>Questions</h2>
<label><input type="checkbox" id="failures-only"> failures only</label>
<table id="questions"><tr><th>id</th><th>kind</th><th>question</th><th>answer and citations</th><th>result</th><th>why</th>{judge_header}</tr>
{_question_rows(rows)}
</table>
<script>{SCRIPT}</script>
</body></html>
"""
