"""The Chroma adapter, against a real Chroma store on disk in tmp_path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lang.fake import FakeAnalyzer
from store.chroma_store import ChunkStore
from store.chunker import chunk_document
from store.embedder import HashingEmbedder
from store.errors import StoreError
from store.ingest import load_document
from store.loader import FoundFile
from store.types import Chunk, SourceDocument

DATA = Path(__file__).resolve().parents[1] / "data"
EMBEDDER = HashingEmbedder()


@pytest.fixture
def store(tmp_path: Path) -> ChunkStore:
    return ChunkStore.open(tmp_path / "store", embed_model=EMBEDDER.name)


def load(path: Path) -> SourceDocument:
    return load_document(FoundFile(str(path), path, None))


def put(store: ChunkStore, doc: SourceDocument) -> list[Chunk]:
    chunks = chunk_document(doc, FakeAnalyzer(), count_tokens=EMBEDDER.count_tokens)
    store.replace_document(doc, "", chunks, EMBEDDER.embed([c.text for c in chunks]))
    return chunks


def test_opening_a_missing_store_without_create_names_the_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-store-here"

    with pytest.raises(StoreError, match=re.escape(f"no citeqa store at {missing};")):
        ChunkStore.open(missing, embed_model=EMBEDDER.name, create=False)
    assert not missing.exists()


def test_a_store_location_that_is_a_file_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "store"
    blocker.write_text("not a folder")

    with pytest.raises(StoreError, match=re.escape(str(blocker))):
        ChunkStore.open(blocker, embed_model=EMBEDDER.name)


def test_a_store_remembers_its_embedding_model(tmp_path: Path, store: ChunkStore) -> None:
    put(store, load(DATA / "report.txt"))

    with pytest.raises(StoreError, match="'hashing-384', not 'hashing-16'"):
        ChunkStore.open(tmp_path / "store", embed_model="hashing-16")
    reopened = ChunkStore.open(tmp_path / "store", embed_model=EMBEDDER.name, create=False)
    assert reopened.count() == store.count() > 0


@pytest.mark.parametrize("fixture", ["report.txt", "report.md", "page.html"])
def test_chunks_and_document_round_trip(store: ChunkStore, fixture: str) -> None:
    doc = load(DATA / fixture)

    chunks = put(store, doc)

    assert store.count() == len(chunks)
    assert store.all_chunks() == chunks
    assert store.document_text(doc.source) == doc.text
    assert store.document_text(doc.path) == doc.text
    stored = store.documents()[doc.path]
    assert (stored.content_hash, stored.meta, stored.chunk_count) == (
        doc.content_hash,
        doc.meta,
        len(chunks),
    )
    for chunk in store.all_chunks():
        assert " ".join(doc.clean[chunk.start : chunk.end].split()) == chunk.text


def test_replacing_a_document_drops_its_old_chunks(store: ChunkStore, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text((DATA / "report.txt").read_text(encoding="utf-8"))
    old = put(store, load(path))
    other = put(store, load(DATA / "report.md"))
    path.write_text("Completely new report text about Geneva talks.\nIt has two lines now.\n")

    new = put(store, load(path))

    ids = {c.chunk_id for c in store.all_chunks()}
    assert ids == {c.chunk_id for c in new + other}
    assert not ids & {c.chunk_id for c in old}
    assert store.count() == len(new) + len(other)
    assert store.document_text(str(path)).startswith("Completely new report")


def test_removing_a_document_leaves_the_others(store: ChunkStore) -> None:
    gone, kept = load(DATA / "report.txt"), load(DATA / "report.md")
    put(store, gone)
    kept_chunks = put(store, kept)

    store.remove_document(gone.path)

    assert store.all_chunks() == kept_chunks
    assert list(store.documents()) == [kept.path]
    with pytest.raises(StoreError, match="is not in store"):
        store.document_text(gone.source)


def test_nearest_finds_the_chunk_a_vector_came_from(store: ChunkStore) -> None:
    chunks = put(store, load(DATA / "report.txt")) + put(store, load(DATA / "page.html"))
    target = next(c for c in chunks if "humanitarian corridors on Friday" in c.text)

    hits = store.nearest(EMBEDDER.embed([target.text])[0], k=3)

    assert len(hits) == 3
    assert hits[0][0] == target
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)


def test_vectors_are_stored_as_embedded(store: ChunkStore) -> None:
    chunks = put(store, load(DATA / "report.md"))

    vectors = store.vectors([c.chunk_id for c in chunks])

    assert set(vectors) == {c.chunk_id for c in chunks}
    for chunk in chunks:
        expected = EMBEDDER.embed([chunk.text])[0]
        assert vectors[chunk.chunk_id] == pytest.approx(expected, abs=1e-6)
    assert store.vectors([]) == {}


def test_an_empty_store_answers_without_error(store: ChunkStore) -> None:
    assert store.count() == 0
    assert store.all_chunks() == []
    assert store.documents() == {}
    assert store.nearest(EMBEDDER.embed(["Aleppo"])[0], k=5) == []
    with pytest.raises(StoreError, match="is not in store"):
        store.document_text("anything.txt")
