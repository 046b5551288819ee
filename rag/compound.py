"""Two questions in one ("On what date did X begin, and on what date did Y report Z?").

Each part is answered on its own (its own answer type, its own best passage), and the parts'
answers are joined with their citation markers renumbered. Without the split, the answerer
would look for one sentence answering both halves, which rarely exists.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.types import ABSTAIN_TEXT, Answer, Citation, Passage

_SPLIT = re.compile(
    r",?\s+and\s+(?=(?:what|which|who|whom|whose|when|where|why|how|(?:on|in|at|for) what)\b)",
    re.IGNORECASE,
)
_MARKER = re.compile(r"\[(\d+)\]")
_MIN_PART_WORDS = 3


# "Name the deputy defense minister and the deputy foreign minister quoted in the reports":
# two people asked for at once; a clause after the second ("quoted ...") belongs to both
# unless the first has its own ("the minister who briefed ... and the envoy who spoke ...").
_COORDINATED = re.compile(
    r"^\s*(?P<ask>name|identify|who (?:is|was|are|were))\s+the\s+(?P<first>[^?]+?),?\s+"
    r"and\s+the\s+(?P<second>[^?]+?)\s*[?.]?\s*$",
    re.IGNORECASE,
)
# A relative clause, or a participle with its preposition ("quoted in", "named by").
_CLAUSE = re.compile(
    r"\s+(?:who|that|which|(?-i:[a-z]\w+ed)\s+(?:in|by|at|on|to|from|about|with|as))\b",
    re.IGNORECASE,
)
# "the mediator between Brask and the Vellmark council": one thing, not two.
_JOINS = re.compile(r"\b(?:between|both|among)\b", re.IGNORECASE)


def _split_coordinated(question: str) -> list[str]:
    match = _COORDINATED.match(question)
    if not match or _JOINS.search(match.group("first")):
        return []
    first, second = match.group("first"), match.group("second")
    if not _CLAUSE.search(first) and (clause := _CLAUSE.search(second)):
        first += second[clause.start() :]
    ask = match.group("ask")
    return [f"{ask[0].upper()}{ask[1:]} the {part}?" for part in (first, second)]


def split_compound(question: str) -> list[str]:
    """The sub-questions of ``question``, or ``[question]`` when it asks one thing."""
    if coordinated := _split_coordinated(question):
        return coordinated
    parts = [p.strip(" ?,") for p in _SPLIT.split(question)]
    if len(parts) < 2 or any(len(p.split()) < _MIN_PART_WORDS for p in parts):
        return [question]
    return [p[0].upper() + p[1:] + "?" for p in parts]


def _renumber(text: str, offset: int) -> str:
    return _MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", text)


def merge_answers(question: str, parts: list[Answer]) -> Answer:
    """One answer from the parts' answers; abstains only when every part did."""
    answered = [a for a in parts if not a.abstained]
    if not answered:
        return replace(parts[0], question=question)
    texts: list[str] = []
    citations: list[Citation] = []
    passages: list[Passage] = []
    for answer in answered:
        offset = len(citations)
        texts.append(_renumber(answer.text, offset))
        citations += [replace(c, n=c.n + offset) for c in answer.citations]
        passages += answer.passages
    if len(answered) < len(parts):
        texts.append(f"(For the rest of the question: {ABSTAIN_TEXT.lower()})")
    return Answer(
        question=question,
        text=" ".join(texts),
        abstained=False,
        citations=citations,
        passages=passages,
        evidence=min(a.evidence for a in answered),
    )
