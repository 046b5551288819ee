"""Two questions in one ("On what date did X begin, and on what date did Y report Z?").

Each part is answered on its own (its own best passage, its own short answer), and the
parts' answers are joined with their citation markers renumbered. Without the split, the
reader would look for one sentence answering both halves, which rarely exists.

The split is read from the analysis: a coordinating conjunction is followed by an asking
word (or a preposition and one), and the clause before it asks too.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lang import Analysis, Token
from rag.types import ABSTAIN_TEXT, Answer, Citation, Passage

_MARKER = re.compile(r"\[(\d+)\]")
_MIN_PART_WORDS = 3


def _opens_a_question(tokens: tuple[Token, ...], at: int) -> bool:
    """The clause from ``at`` opens with an asking word, or a preposition and one
    ("and which president", "and on what date")."""
    following = [t for t in tokens[at : at + 2] if t.pos != "PUNCT"]
    return bool(following) and (
        following[0].asks
        or (following[0].pos == "ADP" and len(following) > 1 and following[1].asks)
    )


def split_compound(question: Analysis) -> list[str]:
    """The sub-questions of ``question``, or ``[question.text]`` when it asks one thing."""
    tokens = question.tokens
    text = question.text
    for at, token in enumerate(tokens):
        if token.pos != "CCONJ" or not _opens_a_question(tokens, at + 1):
            continue
        if not any(t.asks for t in tokens[:at]):
            continue
        parts = [text[: token.start].strip(" ,;"), text[token.end :].strip(" ,;")]
        if all(len(p.split()) >= _MIN_PART_WORDS for p in parts):
            return [_as_question(p) for p in parts]
    return [text]


def _as_question(part: str) -> str:
    part = part.rstrip(" ?.!")
    return part[0].upper() + part[1:] + "?"


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
