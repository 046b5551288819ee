"""Summaries: the most central sentences of one document, in document order, each cited.

Centrality is TextRank (Mihalcea & Tarau, 2004) in its continuous form (LexRank, Erkan &
Radev, 2004): the document's sentences are the nodes, the cosine similarity of their stored
MiniLM vectors weighs the edges, and PageRank scores each sentence. The best are taken up to
a word limit, near-repeats skipped, and shown in the order the document gives them.

The random jump of PageRank is biased towards the sentences most like the document's heading
(biased TextRank, Kazemi et al., 2020): plain centrality favours whatever theme fills most
sentences, and a report whose tail recalls earlier events would be summarised by its tail.
A document without a heading (notes, a single paragraph) jumps evenly.

PageRank is a few lines of numpy here rather than networkx's: the similarity graph is
dense, and networkx would build an object per edge (n squared of them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.extractive import cite
from rag.types import Answer, Citation, Passage, Sentence, TextLookup
from store.chroma_store import StoredDocument
from store.types import Chunk

_DAMPING = 0.85
_ITERATIONS = 50
# Above this many sentences, centrality is the similarity to an even sample of this many
# (degree centrality): PageRank's n-by-n matrix would not fit a long book in memory.
_MAX_GRAPH = 2000
# A title longer than this is not a heading but a file's first paragraph (a file without a
# heading has its first line for a title, as store.metadata reads it).
_HEADING_WORDS = 25


@dataclass(frozen=True)
class SummaryOptions:
    max_words: int = 120
    min_words: int = 5  # shorter sentences (headings, bylines, price lists) are not taken
    repeat: float = 0.9  # a sentence this similar to one already taken is a near-repeat


@dataclass(frozen=True)
class Digest:
    """One document read for a summary or a comparison: its sentences, their unit vectors
    (rows of ``vectors``) and how central each is."""

    document: StoredDocument
    chunks: list[Chunk]
    vectors: np.ndarray
    centrality: np.ndarray

    @classmethod
    def of(
        cls,
        document: StoredDocument,
        chunks: list[tuple[Chunk, list[float]]],
        focus: list[float] | None = None,
    ) -> Digest:
        """``document``'s sentences and vectors; ``focus`` (its heading's vector) biases
        centrality towards what the document says it is about."""
        vectors = _unit(np.array([v for _, v in chunks], dtype=np.float32).reshape(len(chunks), -1))
        bias = None if focus is None else _unit(np.array([focus], dtype=np.float32))[0]
        return cls(document, [c for c, _ in chunks], vectors, centrality(vectors, bias))

    @property
    def label(self) -> str:
        """The document as a reader knows it: its heading, else its file name."""
        return title_of(self.document) or self.document.source.rsplit("/", 1)[-1]

    def words(self, index: int) -> int:
        return len(self.chunks[index].text.split())

    def in_title(self, index: int) -> bool:
        """Whether sentence ``index`` is (a line of) the heading: it says nothing that
        naming the document does not."""
        title = (title_of(self.document) or "").lower()
        return bool(title) and " ".join(self.chunks[index].text.split()).lower() in title


def title_of(document: StoredDocument) -> str | None:
    """The document's heading, or ``None`` when its title is really its first paragraph."""
    words = document.meta.title.split()
    return " ".join(words) if 0 < len(words) <= _HEADING_WORDS else None


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def centrality(vectors: np.ndarray, focus: np.ndarray | None = None) -> np.ndarray:
    """PageRank over the cosine similarity graph of unit ``vectors`` (one row a sentence),
    its random jump biased towards sentences like the unit vector ``focus``."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0)
    jump = np.full(n, 1.0 / n)
    if focus is not None:
        closeness = np.clip(vectors @ focus, 0.0, None)
        if closeness.sum() > 0:
            jump = closeness / closeness.sum()
    if n > _MAX_GRAPH:
        sample = vectors[np.linspace(0, n - 1, _MAX_GRAPH).astype(int)]
        degree = np.clip(vectors @ sample.T, 0.0, None).sum(axis=1)
        degree = degree / degree.sum() if degree.sum() > 0 else jump
        return np.asarray((1 - _DAMPING) * jump + _DAMPING * degree)
    weights = np.clip(vectors @ vectors.T, 0.0, None)
    np.fill_diagonal(weights, 0.0)
    totals = weights.sum(axis=1, keepdims=True)
    # A sentence like no other links to every sentence evenly (PageRank's dangling nodes).
    transition = np.where(totals > 0, weights / np.where(totals == 0, 1.0, totals), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(_ITERATIONS):
        rank = (1 - _DAMPING) * jump + _DAMPING * (transition.T @ rank)
    return np.asarray(rank)


def central_sentences(digest: Digest, options: SummaryOptions, budget: int) -> list[int]:
    """Indexes of the most central sentences that fit ``budget`` words, in document order.

    Near-repeats of a sentence already taken are skipped, and so are lines of the title
    (a heading chunk says nothing the summary's heading does not).
    """
    taken: list[int] = []
    words = 0
    for index in np.argsort(-digest.centrality, kind="stable"):
        i = int(index)
        length = digest.words(i)
        if length < options.min_words or words + length > budget or digest.in_title(i):
            continue
        if taken and float(np.max(digest.vectors[taken] @ digest.vectors[i])) > options.repeat:
            continue
        taken.append(i)
        words += length
    if not taken and digest.chunks:  # every sentence is too long: the most central one
        taken = [int(np.argmax(digest.centrality))]
    return sorted(taken)


def summarise(
    question: str, digest: Digest, text_of: TextLookup, options: SummaryOptions
) -> Answer:
    """An extractive summary of one document: its heading, then its most central sentences,
    each cited, in at most ``options.max_words`` words."""
    lead = f"{heading(digest)}:"
    chosen = central_sentences(digest, options, options.max_words - len(lead.split()))
    passages = [passage(digest, i) for i in chosen]
    citations = [cite(n, p, text_of) for n, p in enumerate(passages, start=1)]
    lines = [f"{quoted(c)} [{c.n}]" for c in citations]
    return Answer(
        question=question,
        text=" ".join([lead, *lines]),
        abstained=False,
        citations=citations,
        passages=passages,
        evidence=1.0,
        sentences=[Sentence(quoted(c), [c.n], True, 1.0, "", [c.n]) for c in citations],
    )


def passage(digest: Digest, index: int) -> Passage:
    """Sentence ``index`` of the digest as a cited passage, scored by its centrality
    relative to the document's most central sentence."""
    top = float(np.max(digest.centrality)) or 1.0
    score = float(digest.centrality[index]) / top
    return Passage(chunk=digest.chunks[index], fused_score=score, similarity=score, score=score)


def heading(digest: Digest) -> str:
    """The document named for the reader: title, then outlet and date when known."""
    meta = digest.document.meta
    about = ", ".join(p for p in (meta.outlet, meta.date) if p)
    return f"{digest.label}" + (f" ({about})" if about else "")


def quoted(citation: Citation) -> str:
    """A citation's quote on one line, as an answer shows it."""
    return " ".join(citation.quote.split())
