"""Hybrid retrieval: dense search in Chroma and BM25 keyword search, fused by rank."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from rag.question import Query
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


class HybridRetriever:
    """Dense + keyword retrieval over one ``ChunkStore``, explainable rank by rank."""

    def __init__(self, store: ChunkStore, embedder: Embedder, options: RetrievalOptions) -> None:
        self._store = store
        self._embedder = embedder
        self._options = options

    def _keyword_search(self, lemmas: str) -> list[tuple[Chunk, float]]:
        """BM25 over the chunks' lemmas, from the store's index on disk (always current)."""
        if not lemmas.strip():
            return []
        return self._store.keyword_search(lemmas, self._options.candidates)

    def retrieve(self, query: Query) -> list[Passage]:
        """The candidate passages for ``query``: the dense and keyword hits, fused by rank.

        With a follow-up's context, the question is embedded both alone and with its context;
        similarity is the better of the two.
        """
        texts = [query.message] + ([f"{query.message} {query.context}"] if query.context else [])
        vectors = self._embedder.embed(texts)
        chunks: dict[str, Chunk] = {}
        similarity: dict[str, float] = {}
        rankings: list[list[str]] = []
        for vector in vectors:
            dense = self._store.nearest(vector, self._options.candidates)
            chunks |= {c.chunk_id: c for c, _ in dense}
            for chunk, score in dense:
                similarity[chunk.chunk_id] = max(score, similarity.get(chunk.chunk_id, -1.0))
            rankings.append([c.chunk_id for c, _ in dense])
        keyword = self._keyword_search(query.search_text) if self._options.hybrid else []
        chunks |= {c.chunk_id: c for c, _ in keyword}
        rankings.append([c.chunk_id for c, _ in keyword])
        missing = [i for i in chunks if i not in similarity]
        for chunk_id, stored in self._store.vectors(missing).items():
            similarity[chunk_id] = max(_dot(v, stored) for v in vectors)
        fused = fuse_rankings(rankings, self._options.rrf_k)
        ranked = sorted(chunks, key=lambda i: (-fused[i], i))
        dense_ids, keyword_ids = rankings[0], rankings[-1]
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


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=False))
