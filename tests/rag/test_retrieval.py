"""rag.retrieval: reciprocal rank fusion, question anchors, and hybrid retrieval."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rag import Assistant, Passage
from rag.retrieval import KeywordIndex, fuse_rankings, question_anchors
from store.types import Chunk, DocumentMeta

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


def test_question_anchors_finds_numbers_dates_and_names() -> None:
    anchors = question_anchors("Did 48 militants leave Aleppo on August 12 with Valery Gerasimov?")
    assert {"48", "aleppo", "august 12", "valery gerasimov"} <= set(anchors)
    assert anchors == sorted(anchors)
    assert all(a == a.lower() for a in anchors)
    assert "did" not in anchors  # the capitalised first word of a sentence is no name


def test_question_anchors_skip_the_first_word_and_deduplicate() -> None:
    assert question_anchors("Aleppo is where?") == []
    assert question_anchors("Is Aleppo near Aleppo?").count("aleppo") == 1


def test_question_anchors_of_a_plain_question_are_empty() -> None:
    assert question_anchors("which road is used to supply food?") == []


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


def test_hybrid_passages_explain_their_rank(fake_with_corpus: Callable[..., Assistant]) -> None:
    assistant = fake_with_corpus()
    passages = assistant.ask(ROAD_QUESTION).passages
    assert 0 < len(passages) <= assistant.settings.top_k
    scores = [p.fused_score for p in passages]
    assert scores == sorted(scores, reverse=True)
    for passage in passages:
        assert passage.dense_rank is not None or passage.keyword_rank is not None
        # The fused score is at least the reciprocal-rank fusion of the ranks it reports.
        assert passage.fused_score >= rrf(passage, assistant.settings.rrf_k) - 1e-9
    assert any(p.keyword_rank is not None for p in passages)
    assert len({p.chunk.chunk_id for p in passages}) == len(passages)


def test_hybrid_ranks_the_passage_naming_the_keywords_first(
    fake_with_corpus: Callable[..., Assistant],
) -> None:
    top = fake_with_corpus().ask(ROAD_QUESTION).passages[0]
    assert "Castello Road" in top.chunk.text
    assert top.keyword_rank == 1


def test_dense_only_gives_no_keyword_ranks(fake_with_corpus: Callable[..., Assistant]) -> None:
    passages = fake_with_corpus(hybrid=False).ask(ROAD_QUESTION).passages
    assert passages
    assert all(p.keyword_rank is None for p in passages)
    dense_ranks = [p.dense_rank for p in passages]
    assert None not in dense_ranks
    assert len(set(dense_ranks)) == len(dense_ranks)
    scores = [p.fused_score for p in passages]
    assert scores == sorted(scores, reverse=True)


def test_top_k_limits_the_passages(fake_with_corpus: Callable[..., Assistant]) -> None:
    assert len(fake_with_corpus(top_k=2).ask(ROAD_QUESTION).passages) == 2


def test_empty_store_retrieves_nothing(make_fake_assistant: Callable[..., Assistant]) -> None:
    assert make_fake_assistant().ask(ROAD_QUESTION).passages == []


def _chunk(n: int, text: str) -> Chunk:
    return Chunk(
        f"c{n}", "a.txt", 0, len(text), 0, len(text), text, n, DocumentMeta("", None, None)
    )


def test_an_anchor_in_every_chunk_is_not_specific_and_a_rare_one_is() -> None:
    index = KeywordIndex(
        [_chunk(n, f"Talks on Vellmark, day {n}.") for n in range(9)]
        + [_chunk(9, "Brask hosted the Vellmark talks.")],
        top_k=5,
    )
    assert index.specificity("vellmark") < 0.05
    assert index.specificity("brask") > 0.6
    assert index.specificity("zorblax") == pytest.approx(1.0)


@pytest.mark.slow
def test_a_sentence_first_in_both_rankings_is_not_pushed_out_by_a_common_name(
    real_assistant: Assistant,
) -> None:
    """Most sentences name Aleppo; the one that answers says "the besieged city"."""
    answer = real_assistant.ask("How many people have fled Aleppo?")
    assert answer.text.startswith("more than 400 [1].")
    (cited,) = [p for p in answer.passages if "400 people" in p.chunk.text]
    assert (cited.dense_rank, cited.keyword_rank) == (1, 1)
