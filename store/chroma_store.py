"""The Chroma adapter: chunks, their vectors and each file's raw text.

Two collections: ``<name>`` holds one record per chunk (sentence text, vector, offsets and
document metadata); ``<name>_documents`` holds one record per file (its raw text, content
hash and the folder it was ingested from), which is what citations quote and what
incremental ingestion compares against. Chroma types do not leave this module.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from lang.types import Span
from store.errors import StoreError
from store.keyword_index import KeywordIndex
from store.types import Chunk, DocumentMeta, SourceDocument

_DOC_SUFFIX = "_documents"
_BATCH = 1000
# Records read per call. One call for every record fails past SQLite's limit of 32,766 bound
# variables ("too many SQL variables"), so whole-collection reads go page by page.
_PAGE = 5000
_DECODED = 50_000  # chunks kept decoded: a record never changes under its id (it has the hash)


@dataclass(frozen=True)
class StoredDocument:
    """What the store remembers of one ingested file."""

    source: str
    path: str
    content_hash: str
    root: str
    meta: DocumentMeta
    chunk_count: int
    analyzer: str = ""  # the language pipeline its chunks were analysed with
    pages: tuple[int, ...] = ()  # where each page starts in its text (paged formats)


@dataclass(frozen=True)
class Replacement:
    """A file's new version: its document, the folder it came from, its chunks and vectors."""

    doc: SourceDocument
    root: str
    chunks: list[Chunk]
    vectors: list[list[float]]


def document_key(path: str) -> str:
    return hashlib.sha1(path.encode("utf-8")).hexdigest()


def _client(location: Path, url: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        if not parsed.hostname:
            raise StoreError(f"chroma_url '{url}' is not a URL such as http://127.0.0.1:8000")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        except Exception as error:  # chromadb raises bare ValueError/ConnectionError here
            raise StoreError(f"cannot reach the Chroma server at {url}: {error}") from error
    return chromadb.PersistentClient(path=str(location), settings=settings)


class ChunkStore:
    """Chunks and documents in Chroma, embedded on disk or on a Chroma server."""

    def __init__(
        self, client: Any, name: str, embed_model: str, label: str, keywords: KeywordIndex
    ) -> None:
        self._label = label
        self._keywords = keywords
        self._decoded: dict[str, Chunk] = {}
        self._embed_model = embed_model
        self._chunks = client.get_or_create_collection(
            name,
            metadata={"hnsw:space": "cosine", "embed_model": embed_model},
            embedding_function=None,
        )
        self._docs = client.get_or_create_collection(name + _DOC_SUFFIX, embedding_function=None)
        stored_model = (self._chunks.metadata or {}).get("embed_model")
        if stored_model and stored_model != embed_model:
            raise StoreError(
                f"store {label} was built with embedding model '{stored_model}', not "
                f"'{embed_model}'; use another --store or re-ingest into a new one"
            )
        if keywords.count() != self.count():  # a write stopped half way, or an older store
            keywords.replace_all(
                (i, _keyword_text(m) or str(d))
                for i, d, m in _pages(self._chunks, ["documents", "metadatas"])
            )

    @classmethod
    def open(
        cls,
        location: Path,
        *,
        embed_model: str,
        url: str | None = None,
        collection: str = "citeqa",
        create: bool = True,
    ) -> ChunkStore:
        """Open the store at ``location`` (or on the server at ``url``)."""
        label = url or str(location)
        if not url and not create and not (location / "chroma.sqlite3").is_file():
            raise StoreError(
                f"no citeqa store at {location}; run 'citeqa ingest PATH --store {location}' first"
            )
        try:  # the keyword index lives here, also for a store on a server
            location.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create store folder {location}: {error}") from error
        try:
            keywords = KeywordIndex(location / _keyword_file(collection, url))
            return cls(_client(location, url), collection, embed_model, label, keywords)
        except StoreError:
            raise
        except Exception as error:
            raise StoreError(f"cannot open the Chroma store at {label}: {error}") from error

    # --- documents -------------------------------------------------------------------------

    def documents(self) -> dict[str, StoredDocument]:
        """Every ingested file, keyed by absolute path."""
        return {
            str(m["path"]): _stored_document(m)
            for _, _, m in _pages(self._docs, ["metadatas"])
            if m
        }

    def document_text(self, source: str) -> str:
        """The kept text of an ingested file, looked up by its source path or absolute path."""
        for where in ({"source": source}, {"path": source}):
            result = self._docs.get(where=where, include=["documents"], limit=1)
            if result["documents"]:
                return str(result["documents"][0])
        raise StoreError(f"{source} is not in store {self._label}")

    def document_lemmas(self, source: str) -> frozenset[str]:
        """The content lemmas of a whole ingested file (what it names anywhere)."""
        for where in ({"source": source}, {"path": source}):
            result = self._docs.get(where=where, include=["metadatas"], limit=1)
            if result["metadatas"]:
                return frozenset(str(result["metadatas"][0].get("lemmas", "")).split())
        raise StoreError(f"{source} is not in store {self._label}")

    def replace_document(
        self,
        doc: SourceDocument,
        root: str,
        chunks: list[Chunk],
        vectors: list[list[float]],
        analyzer: str = "",
    ) -> None:
        """Write a file's chunks, then drop whatever was stored for it before."""
        self.replace_documents([Replacement(doc, root, chunks, vectors)], analyzer)

    def replace_documents(self, replacements: list[Replacement], analyzer: str = "") -> None:
        """Write several files' chunks in bulk, then their records, then drop old chunks.

        New chunk ids carry the content hash, so each new version is complete before its old
        one is deleted: an interruption leaves a duplicate, never a gap. One write holds up
        to ``_BATCH`` records whatever file they come from (a write per file cost more than
        embedding the file).
        """
        if not replacements:
            return
        paths = [r.doc.path for r in replacements]
        old_ids = self._chunk_ids_of(paths)
        records = [
            (c, v, r.doc.path)
            for r in replacements
            for c, v in zip(r.chunks, r.vectors, strict=True)
        ]
        for i in range(0, len(records), _BATCH):
            part = records[i : i + _BATCH]
            self._chunks.upsert(
                ids=[c.chunk_id for c, _, _ in part],
                embeddings=[v for _, v, _ in part],
                documents=[c.text for c, _, _ in part],
                metadatas=[_chunk_metadata(c, path) for c, _, path in part],
            )
        self._keywords.add((c.chunk_id, _lemma_text(c)) for c, _, _ in records)
        self._docs.upsert(
            ids=[document_key(path) for path in paths],
            embeddings=[[1.0]] * len(replacements),
            documents=[r.doc.text for r in replacements],
            metadatas=[_document_metadata(r.doc, r.root, r.chunks, analyzer) for r in replacements],
        )
        stale = sorted(set(old_ids) - {c.chunk_id for c, _, _ in records})
        for i in range(0, len(stale), _BATCH):
            self._chunks.delete(ids=stale[i : i + _BATCH])
        self._keywords.remove(stale)

    def remove_document(self, path: str) -> None:
        ids = self._chunk_ids(path)
        if ids:
            self._chunks.delete(ids=ids)
            self._keywords.remove(ids)
        self._docs.delete(ids=[document_key(path)])

    def _chunk_ids(self, path: str) -> list[str]:
        return self._chunk_ids_of([path])

    def _chunk_ids_of(self, paths: list[str]) -> list[str]:
        ids: list[str] = []
        for i in range(0, len(paths), _BATCH):
            where = {"path": {"$in": paths[i : i + _BATCH]}}
            ids += self._chunks.get(where=where, include=[])["ids"]
        return ids

    # --- chunks ----------------------------------------------------------------------------

    def count(self) -> int:
        """How many chunks the store holds."""
        return int(self._chunks.count())

    def all_chunks(self) -> list[Chunk]:
        """Every chunk, in document order (read in pages: any size of store)."""
        chunks = [
            self._decode(i, d, m) for i, d, m in _pages(self._chunks, ["documents", "metadatas"])
        ]
        return sorted(chunks, key=lambda c: (c.source, c.ordinal))

    def keyword_search(self, lemmas: str, k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks whose lemmas best match ``lemmas`` by BM25, with their scores."""
        hits = self._keywords.search(lemmas, k)
        if not hits:
            return []
        result = self._chunks.get(ids=[i for i, _ in hits], include=["documents", "metadatas"])
        found = {
            i: self._decode(i, d, m)
            for i, d, m in zip(
                result["ids"], result["documents"] or [], result["metadatas"] or [], strict=True
            )
            if m is not None and d is not None
        }
        return [(found[i], score) for i, score in hits if i in found]

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored vectors of the given chunks."""
        if not ids:
            return {}
        result = self._chunks.get(ids=ids, include=["embeddings"])
        embeddings = result["embeddings"]
        if embeddings is None:
            return {}
        return {i: [float(x) for x in e] for i, e in zip(result["ids"], embeddings, strict=True)}

    def nearest(self, vector: list[float], k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks closest to ``vector``, with cosine similarity.

        No count first: Chroma returns fewer than ``k`` when it holds fewer (a count cost up to
        22 ms at 100k chunks, and went stale when another process wrote). A record deleted
        under the search (another process replaced its file) is skipped.
        """
        result = self._chunks.query(
            query_embeddings=[vector], n_results=k, include=["documents", "metadatas", "distances"]
        )
        return [
            (self._decode(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(
                result["ids"][0],
                (result["documents"] or [[]])[0],
                (result["metadatas"] or [[]])[0],
                (result["distances"] or [[]])[0],
                strict=True,
            )
            if m is not None and d is not None
        ]

    def _decode(self, chunk_id: str, text: Any, metadata: Any) -> Chunk:
        """The chunk of a record, decoded once (its analysis is JSON)."""
        chunk = self._decoded.get(chunk_id)
        if chunk is None:
            if len(self._decoded) >= _DECODED:
                self._decoded.clear()
            chunk = self._decoded[chunk_id] = _chunk_from_record(chunk_id, text, metadata)
        return chunk


def _keyword_file(collection: str, url: str | None) -> str:
    server = f"-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:10]}" if url else ""
    return f"{collection}{server}.keywords.sqlite3"


def _lemma_text(chunk: Chunk) -> str:
    """What the keyword index holds for a chunk: its content lemmas (its text if none)."""
    return " ".join(t.label for t in chunk.terms) or chunk.text


def _keyword_text(metadata: Any) -> str:
    return " ".join(str(label) for _, _, label in json.loads(metadata.get("terms") or "[]"))


def _pages(collection: Any, include: list[str]) -> Iterator[tuple[str, Any, Any]]:
    """Every record of ``collection`` as (id, document, metadata), read ``_PAGE`` at a time."""
    offset = 0
    while True:
        result = collection.get(include=include, limit=_PAGE, offset=offset)
        ids = result["ids"]
        documents = result.get("documents") or [None] * len(ids)
        metadatas = result.get("metadatas") or [None] * len(ids)
        yield from zip(ids, documents, metadatas, strict=True)
        if len(ids) < _PAGE:
            return
        offset += len(ids)


def _meta_fields(meta: DocumentMeta) -> dict[str, str]:
    fields = {"title": meta.title}
    if meta.outlet:
        fields["outlet"] = meta.outlet
    if meta.date:
        fields["date"] = meta.date
    return fields


def _spans(spans: tuple[Span, ...], labelled: bool = True) -> str:
    return json.dumps([[x.start, x.end, x.label] if labelled else [x.start, x.end] for x in spans])


def _read_spans(value: Any) -> tuple[Span, ...]:
    return tuple(Span(*item) for item in json.loads(value)) if value else ()


def _chunk_metadata(chunk: Chunk, path: str) -> dict[str, Any]:
    return {
        "terms": _spans(chunk.terms),
        "entities": _spans(chunk.entities),
        "phrases": _spans(chunk.phrases, labelled=False),
        "context": " ".join(chunk.context),
        "source": chunk.source,
        "path": path,
        "start": chunk.start,
        "end": chunk.end,
        "window_start": chunk.window_start,
        "window_end": chunk.window_end,
        "ordinal": chunk.ordinal,
        **({"page": chunk.page} if chunk.page is not None else {}),
        **_meta_fields(chunk.meta),
    }


def _document_metadata(
    doc: SourceDocument, root: str, chunks: list[Chunk], analyzer: str
) -> dict[str, Any]:
    return {
        "source": doc.source,
        "path": doc.path,
        "content_hash": doc.content_hash,
        "root": root,
        "chunk_count": len(chunks),
        "analyzer": analyzer,
        "lemmas": " ".join(sorted({lemma for c in chunks for lemma in c.lemmas})),
        **({"pages": json.dumps(list(doc.pages))} if doc.pages else {}),
        **_meta_fields(doc.meta),
    }


def _meta_from(m: Any) -> DocumentMeta:
    return DocumentMeta(title=str(m.get("title", "")), outlet=m.get("outlet"), date=m.get("date"))


def _stored_document(m: Any) -> StoredDocument:
    return StoredDocument(
        source=str(m["source"]),
        path=str(m["path"]),
        content_hash=str(m["content_hash"]),
        root=str(m.get("root", "")),
        meta=_meta_from(m),
        chunk_count=int(m.get("chunk_count", 0)),
        analyzer=str(m.get("analyzer", "")),
        pages=tuple(json.loads(m["pages"])) if m.get("pages") else (),
    )


def _chunk_from_record(chunk_id: str, text: Any, m: Any) -> Chunk:
    return Chunk(
        chunk_id=chunk_id,
        source=str(m["source"]),
        start=int(m["start"]),
        end=int(m["end"]),
        window_start=int(m["window_start"]),
        window_end=int(m["window_end"]),
        text=str(text),
        ordinal=int(m["ordinal"]),
        meta=_meta_from(m),
        terms=_read_spans(m.get("terms")),
        entities=_read_spans(m.get("entities")),
        phrases=_read_spans(m.get("phrases")),
        context=tuple(str(m.get("context", "")).split()),
        page=int(m["page"]) if m.get("page") is not None else None,
    )
