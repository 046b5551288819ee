"""rag.question: the shape of a question (asking word, modifier, noun) and the query."""

from __future__ import annotations

import pytest

from lang import load_analyzer
from lang.fake import FakeAnalyzer
from rag.question import CONTEXT_WEIGHT, Shape, build_query, shape_of

ENGLISH = load_analyzer("en")


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("Which airport did the militants use?", Shape("which", "", "airport", "use")),
        ("How many people fled Aleppo?", Shape("how", "many", "people", "flee")),
        ("How long is the Rhine?", Shape("how", "long", "", "")),
        ("In what year did the project begin?", Shape("what", "", "year", "begin")),
        ("What is the length of the old bridge?", Shape("what", "", "length", "")),
        ("Who met the militants who left the city?", Shape("who", "", "", "meet")),
        ("When did the Geneva talks begin?", Shape("when", "", "", "begin")),
        ("Name the deputy foreign minister.", Shape("", "", "minister", "name")),
    ],
)
def test_shape_of_a_question(question: str, shape: Shape) -> None:
    assert shape_of(ENGLISH.analyze([question])[0]) == shape


def test_shape_keys_go_from_specific_to_general() -> None:
    assert Shape("how", "many", "people", "flee").feature_keys() == [
        "ask=how",
        "mod=many",
        "ask+mod=how many",
        "noun=people",
        "ask+noun=how people",
        "verb=flee",
    ]
    assert Shape().feature_keys() == ["ask=-"]


def test_query_terms_weigh_rare_words_more_and_leave_out_the_type_words() -> None:
    query = build_query(ENGLISH, "How many people fled Aleppo via the safe corridors?")
    assert set(query.terms) == {"flee", "aleppo", "safe", "corridor"}
    assert query.terms["corridor"] > query.terms["safe"]
    assert query.own == frozenset(query.terms)
    assert query.names == (frozenset({"aleppo"}),)


def test_words_borrowed_from_earlier_turns_weigh_less() -> None:
    fake = FakeAnalyzer()
    query = build_query(fake, "And how many were militants?", context="Aleppo corridors")
    assert query.terms["militants"] == 1.0
    assert query.terms["corridors"] == CONTEXT_WEIGHT
    assert "corridors" not in query.own
    assert query.search_text.split() == list(query.terms)


def test_a_question_of_type_words_only_keeps_them_as_terms() -> None:
    query = build_query(ENGLISH, "Which airport?")
    assert "airport" in query.terms
