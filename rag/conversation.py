"""Follow-up questions: what "And how many of them were militants?" leans on.

No generative model is needed: a follow-up (a pronoun, "and ...", or a question too short to
stand alone) borrows the content words of the previous user turns that it does not repeat.
They join the retrieval query and weigh less than the follow-up's own words when passages
are scored (see ``rag.evidence.build_query``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rag.text import STOPWORDS, words

Turn = tuple[str, str] | dict[str, Any]
"""A past turn: ``(question, answer)``, or an OpenAI-style ``{"role", "content"}`` message."""

_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|what about|how about|so)\b|\b(it|its|they|them|their|theirs|he|him|his|"
    r"she|her|hers|that|this|these|those|there|then|the same|the two|both)\b",
    re.IGNORECASE,
)
_MIN_STANDALONE_WORDS = 4


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


def is_follow_up(message: str) -> bool:
    content = [w for w in words(message) if w not in STOPWORDS]
    return bool(_FOLLOW_UP.search(message)) or len(content) < _MIN_STANDALONE_WORDS


def follow_up_context(message: str, history: Sequence[Turn]) -> str:
    """Words from earlier user turns that a follow-up ``message`` leans on ('' if none)."""
    previous = user_turns(history)
    if not previous or not is_follow_up(message):
        return ""
    asked = set(words(message))
    context: list[str] = []
    for turn in reversed(previous[-2:]):
        for word in re.findall(r"[\w’'-]+", turn):
            if word.lower() not in STOPWORDS and word.lower() not in asked and word not in context:
                context.append(word)
    return " ".join(context)
