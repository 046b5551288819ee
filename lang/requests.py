"""Reading what a message asks for: a question, a summary or a comparison, and of what.

The logic needs only what every analyzer gives (lemmas, Universal POS tags, asking words,
dependency heads); the words themselves come from the language: which lemmas ask for a
summary or a comparison, and which link the two things compared ("A *with* B").
"""

from __future__ import annotations

from dataclasses import dataclass

from lang.types import Analysis, Request, Token

# Tokens dropped from the edges of a subject: "summarise [the] SANA report[.]".
_EDGE_POS = frozenset({"ADP", "DET", "PUNCT", "PRON", "AUX", "PART", "CCONJ", "SCONJ", "SPACE"})


@dataclass(frozen=True)
class RequestWords:
    """A language's words for requests (lemmas, lower case)."""

    summary: frozenset[str]  # "summarise", "summary"
    comparison: frozenset[str]  # "compare", "difference"
    linking: frozenset[str]  # what joins the compared things: "and", "with", "versus"


def read_request(message: Analysis, words: RequestWords) -> Request:
    """The request ``message`` makes, by its first summary or comparison word.

    Such a word whose subject or object is an asking word ("Who summarised the report?",
    "What did they compare?") asks a question; "how" is a manner, not an argument. The
    subjects are what stands after the word ("Compare A with B"), or before it when nothing
    does ("How do A and B differ?"); a comparison's subjects are split at a linking word.
    """
    tokens = message.tokens
    for at, token in enumerate(tokens):
        kind = (
            "summary"
            if token.lemma in words.summary
            else "comparison"
            if token.lemma in words.comparison
            else None
        )
        if kind is None:
            continue
        if any(t.asks and t.head == at and t.dep != "advmod" for t in tokens):
            return Request()  # the word's subject or object is asked for
        before = _trimmed([t for t in tokens[:at] if not t.asks])
        after = _trimmed(list(tokens[at + 1 :]))
        if kind == "summary":
            subject = after or before
            return Request("summary", (_text(message.text, subject),) if subject else ())
        subjects = [
            _text(message.text, part)
            for side in (before, after)
            for part in _split(side, words.linking)
        ]
        return Request("comparison", tuple(subjects))
    return Request()


def _trimmed(tokens: list[Token]) -> list[Token]:
    start, end = 0, len(tokens)
    while start < end and tokens[start].pos in _EDGE_POS:
        start += 1
    while end > start and tokens[end - 1].pos in _EDGE_POS:
        end -= 1
    return tokens[start:end]


def _split(tokens: list[Token], linking: frozenset[str]) -> list[list[Token]]:
    """``tokens`` cut at the first linking word that has words on both sides."""
    for at, token in enumerate(tokens):
        if token.lemma in linking and 0 < at < len(tokens) - 1:
            parts = [_trimmed(tokens[:at]), _trimmed(tokens[at + 1 :])]
            return [p for p in parts if p]
    return [tokens] if tokens else []


def _text(text: str, tokens: list[Token]) -> str:
    return text[tokens[0].start : tokens[-1].end]
