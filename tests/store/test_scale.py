"""A store past SQLite's limit of bound variables still reads whole and answers.

One Chroma ``get`` of every record binds one variable per record and fails from record
32,767 on; the store reads in pages. Vectors come from the hashing embedder, so building
the store costs Chroma's writes only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import Assistant, load_settings
from store.chroma_store import ChunkStore
from store.embedder import HashingEmbedder
from store.types import Chunk, DocumentMeta, SourceDocument

pytestmark = pytest.mark.slow

PAST_THE_LIMIT = 33_000
PER_FILE = 1_000


def _fill(store: ChunkStore, embedder: HashingEmbedder) -> None:
    for f in range(PAST_THE_LIMIT // PER_FILE):
        sentences = [
            f"Depot {f} shipped {n} crates of item {f * PER_FILE + n}." for n in range(PER_FILE)
        ]
        text = " ".join(sentences)
        doc = SourceDocument(
            source=f"depot_{f}.txt",
            path=f"/synthetic/depot_{f}.txt",
            text=text,
            clean=text,
            content_hash=f"{f:064d}",
            meta=DocumentMeta(title=f"Depot {f}"),
        )
        chunks: list[Chunk] = []
        start = 0
        for n, sentence in enumerate(sentences):
            end = start + len(sentence)
            chunks.append(Chunk(f"d{f}:{n}", doc.source, start, end, start, end, sentence, n))
            start = end + 1
        store.replace_document(doc, "/synthetic", chunks, embedder.embed(sentences))


def test_a_store_past_the_variable_limit_reads_whole_and_answers(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    settings = load_settings(store=tmp_path / "store")
    _fill(ChunkStore.open(tmp_path / "store", embed_model=embedder.name), embedder)

    store = ChunkStore.open(tmp_path / "store", embed_model=embedder.name)
    assert store.count() == PAST_THE_LIMIT
    assert len(store.all_chunks()) == PAST_THE_LIMIT
    assert len(store.documents()) == PAST_THE_LIMIT // PER_FILE

    assistant = Assistant.open(settings=settings, embedder=embedder)
    answer = assistant.ask("How many crates did depot 7 ship of item 7123?")
    assert answer.passages, "retrieval reached the store"
    for citation in answer.citations:
        text = assistant.document_text(citation.source)
        assert text[citation.start : citation.end] == citation.quote
