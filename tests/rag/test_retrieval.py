"""rag.retrieval: reciprocal rank fusion and hybrid (dense + keyword) retrieval."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rag import Assistant, Passage
from rag.retrieval import fuse_rankings

ROAD_QUESTION = "Which road is used to supply food to Aleppo?"


def test_fuse_single_ranking() -> None:
    assert fuse_rankings([["a", "b", "c"]], k=60) == pytest.approx(
        {"a": 1 / 61, "b": 1 / 62, "c": 1 / 63}
    )


def test_fuse_two_rankings_sums_reciprocal_ranks() -> None:
    fused = fuse_rankings([["a", "b", "c"], ["c", "a"]], k=1)
    assert fused == pytest.approx({"a": 1 / 2 + 1 / 3, "b": 1 / 3, "c": 1 / 4 + 1 / 2})


def test_fuse_default_k_is_60() -> None:
    assert fuse_rankings([["x"], ["y", "x"]]) == pytest.approx({"x": 1 / 61 + 1 / 62, "y": 1 / 61})


def test_fuse_agreement_beats_a_single_first_place() -> None:
    fused = fuse_rankings([["solo", "both"], ["other", "both"]], k=60)
    assert fused["both"] > fused["solo"] == fused["other"]


@pytest.mark.parametrize("rankings", [[], [[]], [[], []]])
def test_fuse_nothing(rankings: list[list[str]]) -> None:
    assert fuse_rankings(rankings) == {}


def rrf(passage: Passage, k: int = 60) -> float:
    ranks = [r for r in (passage.dense_rank, passage.keyword_rank) if r is not None]
    return sum(1 / (k + r) for r in ranks)


@pytest.fixture
def fake_with_corpus(
    make_fake_assistant: Callable[..., Assistant], corpus_dir: Path
) -> Callable[..., Assistant]:
    """Ingest the corpus once; return a factory opening the same store with other settings."""
    report = make_fake_assistant().ingest([corpus_dir])
    assert len(report.added) == 5
    return make_fake_assistant


def candidates(assistant: Assistant, question: str) -> list[Passage]:
    """The retrieved candidates in retrieval order (fused rank), before the reader."""
    readings = assistant.read(assistant.query(question))
    return sorted((r.passage for r in readings), key=lambda p: -p.fused_score)


def test_hybrid_passages_explain_their_rank(fake_with_corpus: Callable[..., Assistant]) -> None:
    assistant = fake_with_corpus()
    passages = candidates(assistant, ROAD_QUESTION)
    assert passages
    for passage in passages:
        assert passage.dense_rank is not None or passage.keyword_rank is not None
        # The fused score is the reciprocal-rank fusion of the ranks it reports.
        assert passage.fused_score == pytest.approx(rrf(passage, assistant.settings.rrf_k))
    assert any(p.keyword_rank is not None for p in passages)
    assert len({p.chunk.chunk_id for p in passages}) == len(passages)


def test_keyword_search_finds_the_passage_naming_the_keywords(
    fake_with_corpus: Callable[..., Assistant],
) -> None:
    top = next(p for p in candidates(fake_with_corpus(), ROAD_QUESTION) if p.keyword_rank == 1)
    assert "Castello Road" in top.chunk.text


def test_dense_only_gives_no_keyword_ranks(fake_with_corpus: Callable[..., Assistant]) -> None:
    passages = candidates(fake_with_corpus(hybrid=False), ROAD_QUESTION)
    assert passages
    assert all(p.keyword_rank is None for p in passages)
    dense_ranks = [p.dense_rank for p in passages]
    assert None not in dense_ranks
    assert len(set(dense_ranks)) == len(dense_ranks)


def test_answers_keep_top_k_passages_best_read_first(
    fake_with_corpus: Callable[..., Assistant],
) -> None:
    passages = fake_with_corpus(top_k=2).ask(ROAD_QUESTION).passages
    assert len(passages) == 2
    assert passages[0].score >= passages[1].score


def test_empty_store_retrieves_nothing(make_fake_assistant: Callable[..., Assistant]) -> None:
    assert make_fake_assistant().ask(ROAD_QUESTION).passages == []


@pytest.mark.slow
def test_a_sentence_with_the_answer_is_a_candidate_though_it_names_the_city_otherwise(
    real_assistant: Assistant,
) -> None:
    """Most sentences name Aleppo; the one that answers says "the besieged city"."""
    passages = candidates(real_assistant, "How many people have fled Aleppo?")
    assert any("400 people" in p.chunk.text for p in passages)
