"""Small hand-made documents for the summary and comparison tests: sentences with chosen
vectors and the entities and lemmas ingest would have stored."""

from __future__ import annotations

import re

from lang import Span
from rag.summary import Digest
from store.chroma_store import StoredDocument
from store.types import Chunk, DocumentMeta

# Figures and the words they count, as an analyzer would type them.
_FIGURES = {"four": "CARDINAL", "three": "CARDINAL", "4": "CARDINAL"}


def digest(
    source: str,
    title: str,
    sentences: list[tuple[str, list[float]]],
    outlet: str | None = None,
    focus: list[float] | None = None,
) -> tuple[Digest, str]:
    """A digest of a document made of a title line and ``sentences``, and its text."""
    text = title + "\n"
    pairs = []
    meta = DocumentMeta(title=title, outlet=outlet)
    for ordinal, (sentence, vector) in enumerate(sentences):
        start = len(text)
        text += sentence + " "
        words = list(re.finditer(r"\w+", sentence))
        entities = tuple(
            Span(start + w.start(), start + w.end(), _FIGURES[w.group()])
            for w in words
            if w.group() in _FIGURES
        )
        terms = tuple(
            Span(start + w.start(), start + w.end(), w.group().lower().rstrip("s"))
            for w in words
            if w.group() not in _FIGURES and len(w.group()) > 3
        )
        chunk = Chunk(
            chunk_id=f"{source}:{ordinal}",
            source=source,
            start=start,
            end=start + len(sentence),
            window_start=start,
            window_end=start + len(sentence),
            text=sentence,
            ordinal=ordinal,
            meta=meta,
            terms=terms,
            entities=entities,
        )
        pairs.append((chunk, vector))
    document = StoredDocument(
        source=source,
        path=f"/docs/{source}",
        content_hash="0" * 64,
        root="/docs",
        meta=meta,
        chunk_count=len(pairs),
    )
    return Digest.of(document, pairs, focus), text
