"""eval.report: bootstrap intervals, a safe self-contained page, and charts that render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eval.report import bootstrap_interval, render_report
from tests.chromium import chromium


def test_bootstrap_interval_is_seeded_and_brackets_the_mean() -> None:
    values = [1.0] * 30 + [0.0] * 10
    low, high = bootstrap_interval(values) or (0.0, 0.0)
    assert low < 0.75 < high
    assert low > 0.55 and high < 0.9
    assert bootstrap_interval(values) == (low, high)  # the same seed gives the same interval
    assert bootstrap_interval([1.0, 1.0]) == (1.0, 1.0)
    assert bootstrap_interval([]) is None


def row(id_: str, correct: bool, **fields: Any) -> dict[str, Any]:
    base = {
        "id": id_,
        "kind": "fact",
        "question": f"question {id_}",
        "answerable": True,
        "abstained": False,
        "correct": correct,
        "text": "The Castello Road [1].",
        "latency_ms": 20.0 + len(id_),
        "citations": [{"n": 1, "source": "c/road.txt", "start": 0, "end": 4, "quote": "The"}],
        "notes": [] if correct else ["missing fact: Castello"],
        "token_f1": 1.0 if correct else 0.0,
    }
    return base | fields


RESULTS = {
    "summary": {"fact_recall": 0.5, "abstention_recall": 1.0, "accuracy": 2 / 3},
    "by_kind": {"fact": {"fact_recall": 0.5, "abstention_recall": None}},
    "ingest": "2 added",
    "questions": [
        row("q1", True),
        row("q2", False, text="<script>alert(1)</script> ![x](http://evil/x.png)"),
        row("q3", True, answerable=False, abstained=True, kind="unanswerable"),
    ],
}


def test_the_page_is_self_contained_and_escapes_answers() -> None:
    page = render_report(RESULTS, comparison_text="fact_recall 0.6 -> 0.5")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http" not in page.replace("http://evil/x.png", "")  # nothing loads from the network
    assert page.count("<svg") == 2 and "failures-only" in page
    assert "fact_recall 0.6 -&gt; 0.5" in page
    assert 'class="fail"' in page and "missing fact: Castello" in page


@pytest.mark.e2e
def test_charts_render_and_the_filter_hides_passes_in_chromium(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text(render_report(RESULTS), encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page()
        page.goto(report.as_uri())
        bars = page.locator("#by-kind svg rect")
        assert bars.count() >= 1
        box = bars.first.bounding_box()
        assert box is not None and box["width"] > 1 and box["height"] > 1
        assert page.locator("#latency svg rect").count() >= 1
        assert page.locator("tr.pass").first.is_visible()
        page.check("#failures-only")
        assert not page.locator("tr.pass").first.is_visible()
        assert page.locator("tr.fail").first.is_visible()
        page.screenshot(path=str(tmp_path / "report.png"))
