"""rag.features: what the reader measures of a sentence and of a candidate span."""

from __future__ import annotations

from dataclasses import replace

from lang.fake import FakeAnalyzer
from rag.features import (
    PHRASE,
    SENTENCE_FEATURES,
    distinctive_terms,
    sentence_features,
    span_candidates,
    span_features,
)
from rag.question import Shape, build_query
from tests.rag.passages import analysed_passages

FAKE = FakeAnalyzer()
TEXT = (
    "Ada Pell opened the Vellmark bridge in 2019. "
    "The bridge carries 120 trucks a day. "
    "Brask council paid for it."
)
FIRST, SECOND, THIRD = analysed_passages(TEXT, "a.txt", similarity=0.6)


def lemmas(source: str) -> frozenset[str]:
    return frozenset(t.label for p in (FIRST, SECOND, THIRD) for t in p.chunk.terms)


def test_span_candidates_leave_out_what_the_question_names() -> None:
    query = build_query(FAKE, "Who opened the Vellmark bridge?")
    found = [TEXT[s.start : s.end] for s in span_candidates(query, FIRST.chunk)]
    assert "Ada Pell" in found
    assert "Vellmark" not in found  # the question gives it
    assert "2019" in found


def test_span_features_cross_the_type_with_the_question_shape() -> None:
    query = build_query(FAKE, "When did Ada Pell open the bridge?")
    year = next(s for s in span_candidates(query, FIRST.chunk) if s.label == "NUMBER")
    features = span_features(query, FIRST.chunk, year)
    assert features["ask=when|NUMBER"] == 1.0
    assert features["label=NUMBER"] == 1.0
    assert features["restates"] == 0.0
    assert 0 < features["near"] <= 1.0


def test_a_phrase_without_an_entity_is_labelled_phrase() -> None:
    query = build_query(FAKE, "What did Ada Pell open?")
    spans = span_candidates(query, FIRST.chunk)
    assert all(s.label in {"NAME", "NUMBER", PHRASE} for s in spans)


def test_sentence_features_measure_coverage_names_and_spans() -> None:
    query = build_query(FAKE, "How many trucks does the Vellmark bridge carry?")
    distinctive = distinctive_terms(query, [FIRST, SECOND, THIRD])
    features = sentence_features(query, SECOND, lemmas("a.txt"), 0.7, 2, distinctive)
    assert tuple(features) == SENTENCE_FEATURES
    assert features["similarity"] == 0.6
    assert 0 < features["coverage"] < features["window_coverage"]
    assert features["names_missing"] == 0.0  # "Vellmark" is in the window
    assert features["best_span"] == 0.7


def test_a_name_missing_from_the_window_and_the_file_is_counted() -> None:
    query = build_query(FAKE, "How many trucks does the Zorblax bridge carry?")
    features = sentence_features(query, SECOND, lemmas("a.txt"), 0.0, 0, {})
    assert features["names_missing"] == 1.0
    assert features["names_missing_in_document"] == 1.0


def test_a_word_every_candidate_holds_tells_none_apart() -> None:
    passages = analysed_passages(
        "Trucks wait at the bridge. Trucks park by the bridge. Trucks queue at the bridge. "
        "Trucks cross the bridge at noon. Trucks leave the bridge. Trucks avoid the bridge.",
        "c.txt",
    )
    query = build_query(FAKE, "When do trucks cross the bridge?")
    weights = distinctive_terms(query, passages)
    assert weights["cross"] > weights["bridge"] == weights["trucks"]


def test_an_off_topic_candidate_changes_no_distinctive_weight() -> None:
    """A passage sharing little of the question (from an unrelated file) is not counted."""
    (stray,) = analysed_passages("Trucks of grain crossed the Rhine.", "b.txt")
    query = build_query(FAKE, "How many trucks does the Vellmark bridge carry?")
    assert distinctive_terms(query, [FIRST, SECOND, THIRD, stray]) == distinctive_terms(
        query, [FIRST, SECOND, THIRD]
    )


def test_the_noun_asked_about_beside_a_span_is_measured() -> None:
    # The fake analyzer parses no dependencies, so the shape a parser gives is set here.
    asked = build_query(FAKE, "How many trucks does the bridge carry?")
    query = replace(asked, shape=Shape("how", "many", "trucks"))
    spans = {TEXT[s.start : s.end]: s for s in span_candidates(query, SECOND.chunk)}
    beside = span_features(query, SECOND.chunk, spans["120"])["noun_near"]
    assert beside > 0.5  # "120 trucks"
    year = next(s for s in span_candidates(query, FIRST.chunk) if s.label == "NUMBER")
    assert "noun_near" not in span_features(query, FIRST.chunk, year)  # no truck there
    other = build_query(FAKE, "When did Ada Pell open the bridge?")
    year = next(s for s in span_candidates(other, FIRST.chunk) if s.label == "NUMBER")
    assert "noun_near" not in span_features(other, FIRST.chunk, year)  # no noun is asked about
