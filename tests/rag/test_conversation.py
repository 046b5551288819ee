"""rag.conversation: spotting follow-ups and borrowing context from earlier user turns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lang import load_analyzer
from rag import Assistant
from rag.conversation import Turn, is_follow_up, user_turns
from rag.conversation import follow_up_context as borrowed

ENGLISH = load_analyzer("en")


def follows(message: str) -> bool:
    return is_follow_up(ENGLISH.analyze([message])[0])


def follow_up_context(message: str, history: list[Turn]) -> str:
    """What the assistant borrows: nothing unless ``message`` is a follow-up."""
    previous = user_turns(history)
    if not previous or not follows(message):
        return ""
    message_analysis, *earlier = ENGLISH.analyze([message, *previous[-2:]])
    return borrowed(message_analysis, earlier)


FIRST = "How many people fled Aleppo via the safe corridors?"
FOLLOW_UP = "And how many of them were militants?"

TUPLE_HISTORY = [(FIRST, "More than 1,000 [1].")]
OPENAI_HISTORY: list[dict[str, Any]] = [
    {"role": "system", "content": "You answer from documents."},
    {"role": "user", "content": FIRST},
    {"role": "assistant", "content": "More than 1,000 Castello [1]."},
]


@pytest.mark.parametrize(
    "message",
    [
        FOLLOW_UP,
        "What about Geneva?",
        "But when did they meet?",
        "Did they meet again?",
        "When?",
        "Who else?",
    ],
)
def test_is_follow_up(message: str) -> None:
    assert follows(message)


@pytest.mark.parametrize(
    "message",
    [
        FIRST,
        "Who did Syrian President Bashar Assad meet in Damascus?",
        "Which road supplies food to Aleppo?",
    ],
)
def test_standalone_questions_are_not_follow_ups(message: str) -> None:
    assert not follows(message)


def test_user_turns_from_tuples_and_messages() -> None:
    history: list[Any] = [
        ("first?", "answer"),
        {"role": "system", "content": "ignored"},
        {"role": "user", "content": "second?"},
        {"role": "assistant", "content": "ignored too"},
        {"role": "user", "content": [{"type": "image"}]},  # not text: skipped
    ]
    assert user_turns(history) == ["first?", "second?"]


@pytest.mark.parametrize("history", [TUPLE_HISTORY, OPENAI_HISTORY], ids=["tuples", "openai"])
def test_follow_up_borrows_words_of_earlier_user_turns(history: list[Any]) -> None:
    context = follow_up_context(FOLLOW_UP, history).split()
    assert {"Aleppo", "fled", "corridors"} <= set(context)
    # Words the follow-up already says are not repeated, nor are answer or system texts.
    assert "many" not in context and "How" not in context
    assert "Castello" not in context and "documents" not in context


def test_standalone_question_borrows_nothing() -> None:
    assert follow_up_context("Who did Syrian President Bashar Assad meet?", TUPLE_HISTORY) == ""


def test_no_history_no_context() -> None:
    assert follow_up_context(FOLLOW_UP, []) == ""


def test_only_the_last_two_user_turns_count() -> None:
    history = [("Geneva talks?", "x"), ("Aleppo corridors?", "y"), ("Castello road?", "z")]
    context = follow_up_context("And when?", history).split()
    assert "Castello" in context and "Aleppo" in context
    assert "Geneva" not in context


@pytest.mark.parametrize("history", [TUPLE_HISTORY, OPENAI_HISTORY], ids=["tuples", "openai"])
def test_chat_records_how_a_follow_up_was_understood(
    make_fake_assistant: Callable[..., Assistant], corpus_dir: Path, history: list[Any]
) -> None:
    assistant = make_fake_assistant()
    assistant.ingest([corpus_dir])
    answer = assistant.chat(FOLLOW_UP, history)
    assert answer.question == FOLLOW_UP
    assert answer.standalone_question is not None
    assert FOLLOW_UP.rstrip("?") in answer.standalone_question
    assert "Aleppo" in answer.standalone_question


def test_chat_leaves_standalone_questions_alone(
    make_fake_assistant: Callable[..., Assistant], corpus_dir: Path
) -> None:
    assistant = make_fake_assistant()
    assistant.ingest([corpus_dir])
    question = "Which road is used to supply food to Aleppo?"
    answer = assistant.chat(question, TUPLE_HISTORY)
    assert answer.question == question
    assert answer.standalone_question in (None, question)
