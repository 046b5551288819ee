"""What a question asks for: its expected answer type, and whether it is an instruction."""

from __future__ import annotations

import re
from enum import Enum

from rag.text import DATE_PATTERN, NAME_PATTERN, NUMBER_PATTERN, content_terms


class AnswerType(Enum):
    NUMBER = "number"
    DATE = "date"
    NAME = "name"  # a person, organisation or place
    OTHER = "other"


_TYPE_RULES: list[tuple[re.Pattern[str], AnswerType]] = [
    (
        re.compile(
            r"\bhow (many|much|long|far|old)\b|\bnumber of\b|\bwhat (percentage|share)\b", re.I
        ),
        AnswerType.NUMBER,
    ),
    (
        re.compile(
            r"\bwhen\b|\b(what|which) (date|day|month|year|time|hours?)\b|\bon what day\b|"
            r"\bwhat time\b|\bhow (early|late)\b",
            re.I,
        ),
        AnswerType.DATE,
    ),
    (
        re.compile(
            r"^\s*(who|whom|whose)\b|\bwho\b|\bwhere\b|"
            r"\b(which|what) (city|country|countries|town|place|organi[sz]ations?|agency|"
            r"group|outlet|minister|official|road|park|person|president|envoy)\b",
            re.I,
        ),
        AnswerType.NAME,
    ),
]

# Phrases that try to replace the assistant's task instead of asking about the documents.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(documents?|instructions?|rules|"
    r"context|sources?|above|previous|prompt)\b|\byou are now\b|\bpretend (to be|you)\b|"
    r"\bsystem prompt\b|\bact as\b|\bjailbreak\b|\bfrom now on\b",
    re.IGNORECASE,
)


def answer_type(question: str) -> AnswerType:
    for pattern, kind in _TYPE_RULES:
        if pattern.search(question):
            return kind
    return AnswerType.OTHER


def is_instruction(question: str) -> bool:
    """True when the 'question' tells the assistant to drop its documents or its role."""
    return bool(_INSTRUCTION.search(question))


def typed_candidates(sentence: str, kind: AnswerType, question: str) -> list[str]:
    """Spans of ``sentence`` of the expected type that the question does not already name."""
    if kind is AnswerType.NUMBER:
        spans = [m.group() for m in NUMBER_PATTERN.finditer(sentence)]
    elif kind is AnswerType.DATE:
        spans = [m.group() for m in DATE_PATTERN.finditer(sentence)]
    elif kind is AnswerType.NAME:
        spans = [m.group() for m in NAME_PATTERN.finditer(sentence)]
        spans = [s for s in spans if not DATE_PATTERN.fullmatch(s)]
    else:
        return []
    asked = set(content_terms(question))
    fresh = []
    for span in spans:
        terms = content_terms(span)
        if terms and not set(terms) <= asked:
            fresh.append(span.strip(" ,.;:"))
    return fresh
