"""Hybrid retrieval: dense search in Chroma and BM25 keyword search, fused by rank."""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from dataclasses import dataclass

from rag.question import question_anchors
from rag.text import content_terms
from rag.types import Passage
from store.chroma_store import ChunkStore
from store.embedder import Embedder
from store.types import Chunk

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetrievalOptions:
    candidates: int = 30
    hybrid: bool = True
    rrf_k: int = 60


def fuse_rankings(rankings: list[list[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion (Cormack et al., 2009): sum of 1 / (k + rank) over rankings.

    Written out rather than taken from llama-index's QueryFusionRetriever because that one
    keeps only the fused score, and each passage here also reports its rank in each list.
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (k + rank)
    return scores


class KeywordIndex:
    """BM25 over the stored chunks (llama-index's BM25Retriever, built in memory)."""

    def __init__(self, chunks: list[Chunk], top_k: int) -> None:
        from llama_index.core.schema import BaseNode, TextNode
        from llama_index.retrievers.bm25 import BM25Retriever

        self._chunks = {c.chunk_id: c for c in chunks}
        self._document_frequency = Counter(t for c in chunks for t in set(content_terms(c.text)))
        nodes: list[BaseNode] = [TextNode(id_=c.chunk_id, text=c.text) for c in chunks]
        self._retriever = (
            BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(top_k, len(nodes)))
            if nodes
            else None
        )

    def idf(self, term: str) -> float:
        """Inverse document frequency over chunks; a term no chunk holds weighs the most."""
        total = len(self._chunks)
        return math.log((total + 1) / (self._document_frequency.get(term, 0) + 0.5))

    def specificity(self, phrase: str) -> float:
        """How rare the words of ``phrase`` are, from 0 (in every chunk) to 1 (in none)."""
        terms = content_terms(phrase)
        if not terms or not self._chunks:
            return 1.0
        most = math.log((len(self._chunks) + 1) / 0.5)
        return max(0.0, sum(self.idf(t) for t in terms) / len(terms) / most)

    def search(self, question: str) -> list[tuple[Chunk, float]]:
        if self._retriever is None:
            return []
        hits = self._retriever.retrieve(question)
        return [(self._chunks[h.node.node_id], float(h.score or 0.0)) for h in hits if h.score]


class HybridRetriever:
    """Dense + keyword retrieval over one ``ChunkStore``, explainable rank by rank."""

    def __init__(self, store: ChunkStore, embedder: Embedder, options: RetrievalOptions) -> None:
        self._store = store
        self._embedder = embedder
        self._options = options
        self._keyword: KeywordIndex | None = None
        # The UI answers and ingests in different threads: build the index once, not twice,
        # and search it one call at a time (BM25's stemmer is not documented as thread-safe).
        self._lock = threading.RLock()

    def refresh(self) -> None:
        """Forget the keyword index; it is rebuilt from the store on the next question."""
        with self._lock:
            self._keyword = None

    def idf(self, term: str) -> float:
        with self._lock:
            return self._keyword_index().idf(term)

    def _keyword_index(self) -> KeywordIndex:
        with self._lock:
            if self._keyword is None:
                self._keyword = KeywordIndex(self._store.all_chunks(), self._options.candidates)
            return self._keyword

    def _keyword_search(self, text: str) -> list[tuple[Chunk, float]]:
        with self._lock:
            return self._keyword_index().search(text)

    def retrieve(self, question: str, limit: int, context: str = "") -> list[Passage]:
        """The ``limit`` best passages for ``question``, best first.

        With ``context`` (words a follow-up leans on), the question is searched both alone
        and with its context, and all rankings are fused; similarity is the better of the two.
        """
        texts = [question] + ([f"{question} {context}"] if context else [])
        vectors = self._embedder.embed(texts)
        chunks: dict[str, Chunk] = {}
        similarity: dict[str, float] = {}
        rankings: list[list[str]] = []
        for text, vector in zip(texts, vectors, strict=True):
            dense = self._store.nearest(vector, self._options.candidates)
            keyword = self._keyword_search(text) if self._options.hybrid else []
            chunks |= {c.chunk_id: c for c, _ in dense} | {c.chunk_id: c for c, _ in keyword}
            for chunk, score in dense:
                similarity[chunk.chunk_id] = max(score, similarity.get(chunk.chunk_id, -1.0))
            rankings += [[c.chunk_id for c, _ in dense], [c.chunk_id for c, _ in keyword]]
        missing = [i for i in chunks if i not in similarity]
        for chunk_id, stored in self._store.vectors(missing).items():
            similarity[chunk_id] = max(_dot(v, stored) for v in vectors)
        fused = fuse_rankings(rankings, self._options.rrf_k)
        self._boost_anchors(question, chunks, fused)
        ranked = sorted(chunks, key=lambda i: fused[i], reverse=True)[:limit]
        dense_ids, keyword_ids = rankings[0], rankings[1]
        return [
            Passage(
                chunk=chunks[i],
                fused_score=fused[i],
                similarity=similarity.get(i, 0.0),
                dense_rank=dense_ids.index(i) + 1 if i in dense_ids else None,
                keyword_rank=keyword_ids.index(i) + 1 if i in keyword_ids else None,
            )
            for i in ranked
        ]

    def _boost_anchors(
        self, question: str, chunks: dict[str, Chunk], fused: dict[str, float]
    ) -> None:
        """Raise passages naming the question's numbers, dates and names.

        At most by a first place in one more ranking, and only as much as the anchors are
        rare: a name that half the passages hold ("Aleppo" in a corpus about Aleppo) says
        little about which one answers, and must not push out a passage that both rankings
        put first but that calls the place "the city".
        """
        anchors = question_anchors(question)
        if not anchors:
            return
        with self._lock:
            index = self._keyword_index()
            specificity = {a: index.specificity(a) for a in anchors}
        boost = 1.0 / (self._options.rrf_k + 1)
        for chunk_id, chunk in chunks.items():
            text = chunk.text.lower()
            fused[chunk_id] += (
                boost * sum(specificity[a] for a in anchors if a in text) / len(anchors)
            )


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=False))
