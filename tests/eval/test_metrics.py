"""eval.metrics: fact matching, percentiles and the summary of a run, computed by hand."""

from __future__ import annotations

import math
from typing import Any

import pytest

from eval.metrics import (
    Outcome,
    crag_score,
    exact_match,
    fact_found,
    gold_strings,
    ndcg_at_k,
    normalize,
    percentile,
    score_outcome,
    summarize,
    token_f1,
)
from eval.questions import Question


def test_normalize() -> None:
    assert normalize("  The “Castello”\n Road — Russia’s  ") == 'the "castello" road - russia\'s'
    assert normalize("ＡＢＣ") == "abc"  # full-width letters fold (NFKC)


@pytest.mark.parametrize(
    ("fact", "text", "found"),
    [
        ("Castello Road", "It is the castello  road [1].", True),
        ("Castello Road", "It is the Castello.", False),
        (["Valery Gerasimov", "Gerasimov"], "General Gerasimov met ...", True),
        (["Valery Gerasimov", "Gerasimov"], "Dikovic met ...", False),
        ("military-technical", "military–technical cooperation", True),
        ("Russia's", "Russia’s army", True),
    ],
)
def test_fact_found(fact: str | list[str], text: str, found: bool) -> None:
    assert fact_found(fact, text) is found


def test_a_fact_counts_only_within_the_first_sixty_words_of_an_answer() -> None:
    filler = " ".join(["word"] * 59)
    assert fact_found("Castello", f"{filler} Castello")
    assert not fact_found("Castello", f"{filler} word Castello")


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1, 2, 3, 4], 50, 2.5),
        ([4, 1, 3, 2], 50, 2.5),
        ([10, 20, 30, 40, 50], 95, 48.0),
        ([10, 20, 30, 40, 50], 0, 10.0),
        ([10, 20, 30, 40, 50], 100, 50.0),
        ([7], 95, 7.0),
        ([], 50, 0.0),
    ],
)
def test_percentile(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def outcome(**fields: Any) -> Outcome:
    base: dict[str, Any] = {
        "id": "q",
        "question": "?",
        "kind": "fact",
        "answerable": True,
        "text": "",
        "abstained": False,
        "latency_ms": 0.0,
        "facts_found": 0,
        "facts_total": 1,
        "source_ranking": [],
        "gold_sources": ["x.txt"],
        "citations": [],
        "citations_exact": 0,
    }
    base.update(fields)
    return Outcome(**base)


CITE: dict[str, object] = {"source": "x.txt", "start": 0, "end": 1, "quote": "x"}

OUTCOMES = [
    # answerable, right, gold file first (full path vs bare name), 2 exact citations
    outcome(
        text="one two three",
        facts_found=1,
        source_ranking=["/corpus/x.txt", "y.txt"],
        citations=[CITE, CITE],
        citations_exact=2,
        latency_ms=10.0,
    ),
    # answerable, wrong fact, gold file third, 1 citation that does not match its file
    outcome(
        text="a b",
        source_ranking=["y.txt", "z.txt", "x.txt"],
        citations=[CITE],
        latency_ms=20.0,
    ),
    # answerable, abstained, gold file never retrieved
    outcome(
        text="The documents do not say.",
        abstained=True,
        source_ranking=["y.txt"],
        latency_ms=30.0,
    ),
    # unanswerable, abstained: right
    outcome(
        answerable=False,
        facts_total=0,
        gold_sources=[],
        text="The documents do not say.",
        abstained=True,
        latency_ms=40.0,
    ),
    # unanswerable, answered anyway with 1 exact citation
    outcome(
        answerable=False,
        facts_total=0,
        gold_sources=[],
        text="w w w w w",
        citations=[CITE],
        citations_exact=1,
        latency_ms=50.0,
    ),
]


def test_correct_and_gold_rank() -> None:
    assert [o.correct for o in OUTCOMES] == [True, False, False, True, False]
    assert [o.gold_rank for o in OUTCOMES[:3]] == [1, 3, None]


def test_summarize_by_hand() -> None:
    summary = summarize(OUTCOMES)
    assert summary["questions"] == 5
    assert summary["answerable"] == 3
    assert summary["unanswerable"] == 2
    assert summary["fact_recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert summary["source_hit_at_1"] == pytest.approx(1 / 3, abs=1e-4)
    assert summary["source_hit_at_3"] == pytest.approx(2 / 3, abs=1e-4)
    assert summary["mrr"] == pytest.approx((1 + 1 / 3) / 3, abs=1e-4)
    assert summary["abstention_recall"] == pytest.approx(1 / 2)
    assert summary["false_abstention_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert summary["citations"] == 4
    assert summary["citation_exactness"] == pytest.approx(3 / 4)
    assert summary["accuracy"] == pytest.approx(2 / 5)
    assert summary["median_answer_words"] == 3  # of 3, 2 and 5 words; abstentions left out
    assert summary["latency_p50_ms"] == pytest.approx(30.0)
    assert summary["latency_p95_ms"] == pytest.approx(48.0)


def test_summarize_only_unanswerable() -> None:
    summary = summarize(OUTCOMES[3:])
    assert summary["fact_recall"] is None
    assert summary["source_hit_at_1"] is None
    assert summary["mrr"] is None
    assert summary["false_abstention_rate"] is None
    assert summary["abstention_recall"] == pytest.approx(0.5)


def test_summarize_nothing() -> None:
    summary = summarize([])
    assert summary["questions"] == 0
    assert summary["fact_recall"] is None
    assert summary["citation_exactness"] is None
    assert summary["median_answer_words"] is None


def test_score_outcome_explains_failures() -> None:
    question = Question(
        id="q9",
        question="Who met whom?",
        answers=[["Valery Gerasimov", "Gerasimov"], "Dikovic"],
        sources=["000_bee090b7675e03d0.txt"],
        answerable=True,
    )
    result = score_outcome(
        question,
        text="Gerasimov met someone [1].",
        abstained=False,
        latency_ms=5.0,
        source_ranking=["corpus/000_bee090b7675e03d0.txt"],
        citations=[CITE],
        citations_exact=0,
    )
    assert (result.facts_found, result.facts_total) == (1, 2)
    assert not result.correct
    assert result.gold_rank == 1
    assert "missing fact: Dikovic" in result.notes
    assert any("does not match" in note for note in result.notes)


@pytest.mark.parametrize(
    ("prediction", "gold", "em", "f1"),
    [
        ("The Castello Road", "Castello Road", 1.0, 1.0),  # articles and case are dropped
        ("Castello Road.", "castello road", 1.0, 1.0),  # punctuation too
        ("the Castello road to Aleppo", "Castello Road", 0.0, 2 * (2 / 4) * 1 / (2 / 4 + 1)),
        ("four corridors", "seven corridors", 0.0, 0.5),  # 1 common of 2 and 2 tokens
        ("", "Castello Road", 0.0, 0.0),
        ("", "", 1.0, 1.0),
    ],
)
def test_squad_exact_match_and_f1(prediction: str, gold: str, em: float, f1: float) -> None:
    assert exact_match(prediction, gold) == em
    assert token_f1(prediction, gold) == pytest.approx(f1)


def test_gold_strings() -> None:
    assert gold_strings([["Valery Gerasimov", "Gerasimov"]]) == ["Valery Gerasimov", "Gerasimov"]
    assert gold_strings(["July 28"]) == ["July 28"]
    assert gold_strings(["Russia", ["US", "United States"]]) == ["Russia US"]


@pytest.mark.parametrize(
    ("ranking", "gold", "expected"),
    [
        (["a.txt", "b.txt"], ["a.txt"], 1.0),
        (["b.txt", "a.txt"], ["a.txt"], 1 / math.log2(3)),
        (
            ["x/b.txt", "x/a.txt", "c.txt"],
            ["a.txt", "c.txt"],
            (1 / math.log2(3) + 1 / 2) / (1 + 1 / math.log2(3)),
        ),
        (["b.txt"] * 5 + ["a.txt"], ["a.txt"], 0.0),  # past the cut-off of 5
        (["a.txt"], [], 0.0),
    ],
)
def test_ndcg_at_5(ranking: list[str], gold: list[str], expected: float) -> None:
    assert ndcg_at_k(ranking, gold, 5) == pytest.approx(expected)


def test_crag_score_by_hand() -> None:
    right = outcome(answerable=True, abstained=False, facts_found=1, facts_total=1)
    wrong = outcome(answerable=True, abstained=False, facts_found=0, facts_total=1)
    abstained = outcome(answerable=True, abstained=True, facts_found=0, facts_total=1)
    rightly_abstained = outcome(answerable=False, abstained=True)
    answered_unanswerable = outcome(answerable=False, abstained=False)
    outcomes = [right, wrong, abstained, rightly_abstained, answered_unanswerable]
    assert crag_score(outcomes) == pytest.approx((1 - 1 + 0 + 1 - 1) / 5)
    assert crag_score([]) is None


def test_score_outcome_measures_the_short_answer() -> None:
    question = Question("q1", "Which road?", [["Castello Road", "Castello"]], ["a.txt"], True)
    scored = score_outcome(
        question,
        text='The Castello Road [1]. "The Castello Road is used to supply food." [1]',
        abstained=False,
        latency_ms=1.0,
        source_ranking=["a.txt"],
        citations=[],
        citations_exact=0,
        sentences=[{"text": "The Castello Road", "citations": [1], "supported": True}],
    )
    assert (scored.exact_match, scored.token_f1) == (1.0, 1.0)
    assert summarize([scored])["exact_match"] == 1.0


@pytest.mark.parametrize(("kind", "found"), [("fact", 0), ("summary", 1), ("comparison", 1)])
def test_a_summary_or_comparison_is_read_whole(kind: str, found: int) -> None:
    question = Question("s1", "Summarise it", ["Dikovic"], ["a.txt", "b.txt"], True, kind=kind)
    scored = score_outcome(
        question,
        text=" ".join(["word"] * 80) + " Dikovic [1].",
        abstained=False,
        latency_ms=1.0,
        source_ranking=["corpus/a.txt"],
        citations=[{"source": "corpus/a.txt", "n": 1}],
        citations_exact=1,
    )
    assert scored.facts_found == found
    assert scored.sources_cited == 0.5  # one of its two documents is cited
    assert summarize([scored])["source_recall"] == 0.5
