"""Hand-built retrieved passages for answerer and verifier tests (no model, no store)."""

from __future__ import annotations

import hashlib

from lang import Analyzer
from lang.fake import FakeAnalyzer
from rag.types import Passage
from store.chunker import chunk_document
from store.types import Chunk, DocumentMeta, SourceDocument


def make_passage(
    text: str,
    source: str,
    sentence: str,
    *,
    similarity: float = 0.5,
    meta: DocumentMeta | None = None,
) -> Passage:
    """``sentence`` of the file ``source`` (whose text is ``text``), its window the whole file."""
    start = text.index(sentence)
    chunk = Chunk(
        chunk_id=f"{source}:{start}",
        source=source,
        start=start,
        end=start + len(sentence),
        window_start=0,
        window_end=len(text),
        text=sentence,
        ordinal=0,
        meta=meta or DocumentMeta("Report", "TASS", "July 29"),
    )
    return Passage(chunk=chunk, fused_score=0.0, similarity=similarity)


def analysed_passages(
    text: str,
    source: str,
    analyzer: Analyzer | None = None,
    *,
    similarity: float = 0.5,
    meta: DocumentMeta | None = None,
) -> list[Passage]:
    """Every sentence chunk of ``text`` as the store would hold it (analysis included)."""
    doc = SourceDocument(
        source=source,
        path=f"/docs/{source}",
        text=text,
        clean=text,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        meta=meta or DocumentMeta("Report", None, None),
    )
    chunks = chunk_document(doc, analyzer or FakeAnalyzer())
    return [Passage(chunk=c, fused_score=0.0, similarity=similarity) for c in chunks]
