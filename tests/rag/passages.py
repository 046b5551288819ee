"""Hand-built retrieved passages for answerer and verifier tests (no model, no store)."""

from __future__ import annotations

from rag.types import Passage
from store.types import Chunk, DocumentMeta


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
