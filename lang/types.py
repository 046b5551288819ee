"""What language analysis returns: tokens, typed spans and sentences of one text.

Offsets are character offsets into the analysed text. Everything past the seam (retrieval,
scoring, verification, the faces) sees only these types, never a spaCy object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Token:
    """One token with what the pipeline says about it."""

    start: int
    end: int
    text: str
    lemma: str  # lower case
    pos: str  # Universal POS tag: NOUN, PROPN, VERB, NUM, PRON, ...
    dep: str  # dependency label
    head: int  # index of the head token in the same analysis (itself for a root)
    content: bool  # a word that says what a text is about (not a stopword or punctuation)
    asks: bool = False  # an interrogative that asks ("which" in "Which road ...?"), not relates
    refers: bool = False  # a pronoun or demonstrative pointing back ("them", "that")
    number: float | None = None  # the value of a number written in digits or words


@dataclass(frozen=True)
class Span:
    """A stretch of text: an entity with its type, or a noun phrase (``label`` "")."""

    start: int
    end: int
    label: str = ""


@dataclass(frozen=True)
class Analysis:
    """One analysed text."""

    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[Span, ...]
    entities: tuple[Span, ...]
    phrases: tuple[Span, ...]  # noun chunks

    def content_lemmas(self) -> list[str]:
        """Lemmas of the content words, in order (duplicates kept)."""
        return [t.lemma for t in self.tokens if t.content]

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """The tokens that lie inside ``[start, end)``."""
        return [t for t in self.tokens if t.start >= start and t.end <= end]


RequestKind = Literal["question", "summary", "comparison"]


@dataclass(frozen=True)
class Request:
    """What a message asks for: an answer to a question, a summary of a document, or a
    comparison of documents. ``subjects`` are the documents as the user described them
    ("the SANA report"), one for a summary (none when not said), two for a comparison when
    it names both."""

    kind: RequestKind = "question"
    subjects: tuple[str, ...] = ()
