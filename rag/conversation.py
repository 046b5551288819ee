"""Follow-up questions: what "And how many of them were militants?" leans on.

No generative model is needed: a follow-up (a pronoun pointing back, an opening
conjunction, or too few content words to stand alone) borrows the content words of the
previous user turns that it does not repeat. They join the retrieval query and weigh less
than the follow-up's own words when passages are read (see ``rag.question.build_query``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lang import Analysis

Turn = tuple[str, str] | dict[str, Any]
"""A past turn: ``(question, answer)``, or an OpenAI-style ``{"role", "content"}`` message."""

_MIN_STANDALONE_WORDS = 3
_TURNS_BORROWED = 2


def user_turns(history: Sequence[Turn]) -> list[str]:
    """The user's messages in ``history``, oldest first."""
    turns = []
    for turn in history:
        if isinstance(turn, dict):
            if turn.get("role") == "user" and isinstance(turn.get("content"), str):
                turns.append(turn["content"])
        else:
            turns.append(turn[0])
    return turns


def is_follow_up(message: Analysis) -> bool:
    """A pronoun that points back ("them"), an opening "and" or "but", or too few words."""
    words = [t for t in message.tokens if t.pos not in {"PUNCT", "SPACE"}]
    opens_with_conjunction = bool(words) and words[0].pos == "CCONJ"
    content = [t for t in words if t.content]
    return (
        opens_with_conjunction
        or any(t.refers for t in words)
        or len(content) < _MIN_STANDALONE_WORDS
    )


def follow_up_context(message: Analysis, previous: Sequence[Analysis]) -> str:
    """Content words of the last user turns that the follow-up does not repeat ('' if none)."""
    asked = {t.lemma for t in message.tokens}
    context: list[str] = []
    for turn in reversed(previous[-_TURNS_BORROWED:]):
        for token in turn.tokens:
            if token.content and token.lemma not in asked and token.text not in context:
                context.append(token.text)
    return " ".join(context)
