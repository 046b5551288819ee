"""rag.compound: two questions in one are split, answered apart and merged."""

from __future__ import annotations

import pytest

from lang import load_analyzer
from rag.compound import merge_answers, split_compound
from rag.types import ABSTAIN_TEXT, Answer, Citation

ENGLISH = load_analyzer("en")


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "On what date did the operation begin, and on what date did TASS report on it?",
            ["On what date did the operation begin?", "On what date did TASS report on it?"],
        ),
        (
            "Which minister was Shoigu due to meet and which president did he meet in Damascus?",
            ["Which minister was Shoigu due to meet?", "Which president did he meet in Damascus?"],
        ),
        (
            "How many people fled the city, and when did the talks begin?",
            ["How many people fled the city?", "When did the talks begin?"],
        ),
        ("What did Russia and Syria agree?", ["What did Russia and Syria agree?"]),
        # One thing between two names is not two questions.
        (
            "Who was the mediator between Brask and the Vellmark council?",
            ["Who was the mediator between Brask and the Vellmark council?"],
        ),
        # The second clause asks nothing of its own.
        (
            "Who opened the bridge and cut the ribbon?",
            ["Who opened the bridge and cut the ribbon?"],
        ),
        ("Who met, and when?", ["Who met, and when?"]),  # a part too short to stand alone
    ],
)
def test_split_compound(question: str, parts: list[str]) -> None:
    assert split_compound(ENGLISH.analyze([question])[0]) == parts


def _answer(text: str, sources: list[str], abstained: bool = False) -> Answer:
    citations = [
        Citation(n=i, source=s, start=0, end=4, quote="text", score=0.5)
        for i, s in enumerate(sources, start=1)
    ]
    return Answer("part", text, abstained, citations, evidence=0.5)


def test_merge_renumbers_markers_and_citations() -> None:
    first = _answer("July 28 [1].", ["a.txt"])
    second = _answer("July 29 [1][2].", ["b.txt", "c.txt"])
    merged = merge_answers("both?", [first, second])
    assert merged.text == "July 28 [1]. July 29 [2][3]."
    assert [(c.n, c.source) for c in merged.citations] == [(1, "a.txt"), (2, "b.txt"), (3, "c.txt")]
    assert not merged.abstained and merged.question == "both?"


def test_merge_says_which_part_the_documents_do_not_cover() -> None:
    merged = merge_answers(
        "both?", [_answer("July 28 [1].", ["a.txt"]), _answer(ABSTAIN_TEXT, [], True)]
    )
    assert not merged.abstained
    assert ABSTAIN_TEXT.lower() in merged.text


def test_merge_abstains_when_every_part_does() -> None:
    merged = merge_answers("both?", [_answer(ABSTAIN_TEXT, [], True)] * 2)
    assert merged.abstained and merged.text == ABSTAIN_TEXT and not merged.citations
