"""rag.evidence: how much of a question a passage covers."""

from __future__ import annotations

import pytest

from rag.evidence import EvidenceWeights, build_query, score_passages
from tests.rag.passages import make_passage

TEXT = (
    "The minister ordered the delivery of food to Brask by air. Their reaction was calm. "
    "Their statement was short."
)


@pytest.mark.parametrize(
    ("question", "sentence", "coverage"),
    [
        # "delivered" and "delivery" stem apart ("deliv", "deliveri") but say the same thing.
        ("How would food be delivered to Brask?", TEXT.split(". ")[0] + ".", 1.0),
        ("How did they react?", "Their reaction was calm.", 1.0),
        # A short stem is not stretched: "state" does not match "statement".
        ("What did the state say?", "Their statement was short.", 0.0),
    ],
)
def test_derived_forms_of_a_question_word_count_as_covered(
    question: str, sentence: str, coverage: float
) -> None:
    passage = make_passage(TEXT, "a.txt", sentence, similarity=0.5)
    (scored,) = score_passages(
        build_query(question),
        [passage],
        lambda term: 1.0,
        {"a.txt": TEXT}.__getitem__,
        EvidenceWeights(),
    )
    assert scored.coverage == pytest.approx(coverage)
