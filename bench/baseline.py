"""The plain llama-index pipeline that citeqa is measured against.

VectorStoreIndex with llama-index's default chunking (SentenceSplitter), the same
all-MiniLM-L6-v2 model, top-3 retrieval, and the top chunk's text as the answer. It never
abstains: that is what a plain pipeline does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from store.embedder import SentenceTransformerEmbedder


class MiniLMEmbedding(BaseEmbedding):
    """llama-index's embedding interface over citeqa's embedder (same model, same vectors)."""

    _embedder: SentenceTransformerEmbedder = PrivateAttr()

    def __init__(self, embedder: SentenceTransformerEmbedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.name, embed_batch_size=32, **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(texts)


def build_baseline(corpus: Path, embedder: SentenceTransformerEmbedder) -> BaseRetriever:
    """Index every file of ``corpus`` the plain way and return a top-3 retriever."""
    documents = [
        Document(text=path.read_text(encoding="utf-8"), metadata={"file_name": path.name})
        for path in sorted(corpus.rglob("*"))
        if path.is_file()
    ]
    index = VectorStoreIndex.from_documents(documents, embed_model=MiniLMEmbedding(embedder))
    return index.as_retriever(similarity_top_k=3)


def baseline_answer(retriever: BaseRetriever, question: str) -> tuple[str, list[str]]:
    """(answer text, ranked source file names): the top chunk is the answer."""
    hits = retriever.retrieve(question)
    sources = [str(h.node.metadata.get("file_name", "")) for h in hits]
    return (hits[0].node.get_content() if hits else ""), sources
