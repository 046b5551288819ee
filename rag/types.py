"""The data ``rag`` returns to its faces: passages, citations and answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from store.types import Chunk

ABSTAIN_TEXT = "The documents do not say."

TextLookup = Callable[[str], str]
"""Raw text of an ingested file, by source path."""


@dataclass(frozen=True)
class Passage:
    """A retrieved sentence with the scores that put it where it is (explainable ranking)."""

    chunk: Chunk
    fused_score: float
    similarity: float
    dense_rank: int | None = None
    keyword_rank: int | None = None
    score: float = 0.0  # the reader's probability that the sentence holds the answer


@dataclass(frozen=True)
class Citation:
    """``quote == file_text[start:end]`` for the file at ``source``, always."""

    n: int
    source: str
    start: int
    end: int
    quote: str
    score: float
    title: str = ""
    outlet: str | None = None
    date: str | None = None
    page: int | None = None  # 1-based page of a paged format (PDF); None otherwise


@dataclass(frozen=True)
class Sentence:
    """One sentence of an answer and whether the passages it cites back it."""

    text: str
    citations: list[int]
    supported: bool
    support: float
    reason: str = ""  # why it is unsupported, in words
    # Citations that back the sentence (ALCE-style precision counts the others as noise).
    supporting: list[int] = field(default_factory=list)


@dataclass
class Answer:
    """An answer with [n] markers in ``text`` and one citation per marker."""

    question: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    evidence: float = 0.0
    standalone_question: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    notice: str | None = None  # e.g. why a generative backend's answer was replaced

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "text": self.text,
            "abstained": self.abstained,
            "evidence": round(self.evidence, 4),
            "notice": self.notice,
            "sentences": [
                {
                    "text": s.text,
                    "citations": s.citations,
                    "supported": s.supported,
                    "support": round(s.support, 4),
                    "reason": s.reason,
                    "supporting": s.supporting,
                }
                for s in self.sentences
            ],
            "citations": [
                {
                    "n": c.n,
                    "source": c.source,
                    "start": c.start,
                    "end": c.end,
                    "quote": c.quote,
                    "score": round(c.score, 4),
                    "title": c.title,
                    "outlet": c.outlet,
                    "date": c.date,
                    "page": c.page,
                }
                for c in self.citations
            ],
        }
