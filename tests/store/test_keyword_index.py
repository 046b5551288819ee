"""store.keyword_index: BM25 over lemmas in SQLite FTS5, on disk and shared by processes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lang import Span
from store.chroma_store import ChunkStore
from store.embedder import HashingEmbedder
from store.keyword_index import KeywordIndex
from store.types import Chunk, DocumentMeta, SourceDocument

EMBEDDER = HashingEmbedder()


def test_lemmas_are_searched_as_they_are(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path / "k.sqlite3")
    index.replace_all(
        [
            ("c0", "militant flee city"),
            ("c1", "road supply food"),
            ("c2", "talk end city"),
            ("c3", "convoy reach port"),
            ("c4", "minister meet envoy"),
        ]
    )

    assert [i for i, _ in index.search("flee militant", 2)][:1] == ["c0"]
    assert {i for i, _ in index.search("city", 5)} == {"c0", "c2"}
    assert index.search("", 5) == [] and index.search("absent", 5) == []
    assert index.search('quote" OR *', 5) == []  # the query is words, never FTS syntax


def test_a_word_in_most_chunks_is_left_out_of_the_search(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path / "k.sqlite3")
    index.replace_all([(f"c{n}", f"report day {n}") for n in range(9)] + [("x", "flood")])

    # "report" tells no chunk apart (BM25 would weigh it 1e-6); "flood" and "3" do.
    assert len(index.search("report", 5)) == 5  # alone, it is all there is to search for
    assert [i for i, _ in index.search("report flood", 5)] == ["x"]
    assert [i for i, _ in index.search("report 3", 5)] == ["c3"]


def test_changes_are_kept_on_disk_and_seen_by_another_connection(tmp_path: Path) -> None:
    first = KeywordIndex(tmp_path / "k.sqlite3")
    other = KeywordIndex(tmp_path / "k.sqlite3")  # as another process would open it
    first.add([("c0", "bridge open"), ("c1", "bridge carry truck")])

    assert [i for i, _ in other.search("truck", 5)] == ["c1"]
    first.add([("c1", "council pay")])  # re-indexing an id replaces it
    first.remove(["c0"])
    assert other.search("bridge", 5) == []
    assert [i for i, _ in other.search("council", 5)] == ["c1"]
    assert other.count() == 1
    first.close()
    assert KeywordIndex(tmp_path / "k.sqlite3").count() == 1


def _document(path: str, sentences: list[str]) -> tuple[SourceDocument, list[Chunk]]:
    text = " ".join(sentences)
    doc = SourceDocument(path, path, text, text, "h" * 64, DocumentMeta(path))
    chunks, start = [], 0
    for n, sentence in enumerate(sentences):
        end = start + len(sentence)
        terms = tuple(Span(start, end, w.lower().strip(".")) for w in sentence.split())
        chunks.append(Chunk(f"{path}:{n}", path, start, end, start, end, sentence, n, terms=terms))
        start = end + 1
    return doc, chunks


def test_the_store_keeps_its_keyword_index_in_step(tmp_path: Path) -> None:
    store = ChunkStore.open(tmp_path / "store", embed_model=EMBEDDER.name)
    doc, chunks = _document("/d/a.txt", ["Depot shipped crates.", "Drivers were late."])
    store.replace_document(doc, "", chunks, EMBEDDER.embed([c.text for c in chunks]))

    assert [c.text for c, _ in store.keyword_search("crates", 5)] == ["Depot shipped crates."]
    store.remove_document("/d/a.txt")
    assert store.keyword_search("crates", 5) == []


def test_a_keyword_index_out_of_step_is_rebuilt_on_open(tmp_path: Path) -> None:
    store = ChunkStore.open(tmp_path / "store", embed_model=EMBEDDER.name)
    doc, chunks = _document("/d/a.txt", ["Depot shipped crates.", "Drivers were late."])
    store.replace_document(doc, "", chunks, EMBEDDER.embed([c.text for c in chunks]))
    # A write stopped between Chroma and the index, or a store from before the index.
    (index,) = (tmp_path / "store").glob("*.keywords.sqlite3")
    with sqlite3.connect(index) as db:
        db.execute("DELETE FROM chunks")
        db.execute("DELETE FROM ids")

    reopened = ChunkStore.open(tmp_path / "store", embed_model=EMBEDDER.name)

    assert [c.text for c, _ in reopened.keyword_search("late", 5)] == ["Drivers were late."]


def test_a_hit_whose_chunk_is_gone_is_skipped(tmp_path: Path) -> None:
    store = ChunkStore.open(tmp_path / "store", embed_model=EMBEDDER.name)
    doc, chunks = _document("/d/a.txt", ["Depot shipped crates.", "Drivers were late."])
    store.replace_document(doc, "", chunks, EMBEDDER.embed([c.text for c in chunks]))
    # Another process deleted a chunk from Chroma and has not reached the index yet.
    (index,) = (tmp_path / "store").glob("*.keywords.sqlite3")
    KeywordIndex(index).add([("gone:0", "depot crates")])

    hits = store.keyword_search("depot crates", 5)

    assert [c.chunk_id for c, _ in hits] == ["/d/a.txt:0"]
