"""The Chroma adapter: chunks, their vectors and each file's raw text.

Two collections: ``<name>`` holds one record per chunk (sentence text, vector, offsets and
document metadata); ``<name>_documents`` holds one record per file (its raw text, content
hash and the folder it was ingested from), which is what citations quote and what
incremental ingestion compares against. Chroma types do not leave this module.

Every chunk carries the generation of its file's version (the first 12 hex digits of the
content hash) and each file's record names the generation that is live: searches answer
only from live chunks, so writes stay safe under a kill (see ``store.writes``). Each commit
also stamps the documents collection with a new token, which tells other processes that
the store changed: they re-open their view of it on their next question.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from lang.types import Span
from store.chats import ChatLog
from store.errors import StoreError
from store.keyword_index import KeywordIndex
from store.types import Chunk, DocumentMeta, SourceDocument, generation_of
from store.writes import Journal, WriteLock

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

    @property
    def generation(self) -> str:
        """The version whose chunks are live: chunks of any other are left-overs of a kill."""
        return generation_of(self.content_hash)


@dataclass(frozen=True)
class CheckReport:
    """What ``ChunkStore.check`` found: chunk ids by problem (empty lists mean healthy)."""

    orphans: list[str]  # chunks of a file the store holds no record for
    stale: list[str]  # chunks of a file's other version (a write that was cut short)
    unindexed: list[str]  # live chunks missing from the keyword index
    unknown: list[str]  # keyword index entries with no chunk
    short: list[str]  # files whose record counts more chunks than the store holds

    @property
    def healthy(self) -> bool:
        return not (self.orphans or self.stale or self.unindexed or self.unknown or self.short)

    def summary(self) -> str:
        return (
            f"{len(self.orphans)} orphan chunks, {len(self.stale)} stale chunks, "
            f"{len(self.unindexed)} chunks missing from the keyword index, "
            f"{len(self.unknown)} unknown keyword entries, {len(self.short)} incomplete files"
        )


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
        self,
        connect: Callable[[], Any],
        name: str,
        embed_model: str,
        label: str,
        files: tuple[KeywordIndex, Journal, WriteLock],
        *,
        local: bool = True,
        chats: Path,
    ) -> None:
        self._label, self._name, self._embed_model = label, name, embed_model
        self._connect, self._local = connect, local
        self._keywords, self._journal, self._lock = files
        self._decoded: dict[str, Chunk] = {}
        self._chats_path = chats  # opened on first use: most processes never read chats
        self._chats: ChatLog | None = None
        self._live: dict[str, tuple[str, int]] | None = None  # path -> (generation, chunks)
        self._access = threading.RLock()  # Chroma calls vs. re-opening the client
        self._client, self._chunks, self._docs = self._connected()
        stored_model = (self._chunks.metadata or {}).get("embed_model")
        if stored_model and stored_model != embed_model:
            raise StoreError(
                f"store {label} was built with embedding model '{stored_model}', not "
                f"'{embed_model}'; use another --store or re-ingest into a new one"
            )
        self._seen = self._stamp()
        self._catch_up_keywords()

    def _connected(self) -> tuple[Any, Any, Any]:
        """A client and its two collections."""
        client = self._connect()
        chunks = client.get_or_create_collection(
            self._name,
            metadata={"hnsw:space": "cosine", "embed_model": self._embed_model},
            embedding_function=None,
        )
        docs = client.get_or_create_collection(self._name + _DOC_SUFFIX, embedding_function=None)
        return client, chunks, docs

    def _reindex(self) -> None:
        self._keywords.replace_all(
            (i, _keyword_text(m) or str(d))
            for i, d, m in _pages(self._chunks, ["documents", "metadatas"])
        )

    # --- one store, many processes ---------------------------------------------------------

    def _stamp(self) -> str:
        return str((self._docs.metadata or {}).get("stamp", ""))

    def sync(self) -> bool:
        """Catch up with writes made by other processes; True if there were any.

        A local Chroma client keeps its vector index in memory and never sees another
        process's writes (its searches go on returning deleted chunks and missing new ones),
        so the client is re-opened; the live generations are read again.
        """
        with self._access:
            fresh = self._client.get_collection(self._name + _DOC_SUFFIX).metadata or {}
            stamp = str(fresh.get("stamp", ""))
            if stamp == self._seen:
                return False
            if self._local:
                # Only a client on its own in this process is really re-opened (Chroma shares
                # one per folder); a second store object here sees this process's writes anyway.
                self._client.close()
                self._client, self._chunks, self._docs = self._connected()
            self._live = None
            self._seen = stamp
            if not self._local:
                self._catch_up_keywords()
            return True

    def _catch_up_keywords(self) -> None:
        """Rebuild the keyword index when it disagrees with the chunks: a write stopped half
        way, an older store, or another machine wrote to the server. Not while a writer on
        this machine is at work: the counts differ between its two writes, and the index
        file is shared with it."""
        if self._keywords.count() != self.count() and (not self._local or self._lock.free()):
            self._reindex()

    def _commit(self) -> None:
        """Tell other processes the store changed (a new token, not a counter: no race)."""
        stamp = uuid.uuid4().hex
        with self._access:
            self._docs.modify(metadata={"stamp": stamp})
        self._seen = stamp

    @contextmanager
    def writing(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the store's write lock (waiting for another writer, told through ``on_wait``)
        and sweep what an earlier, killed write left behind."""
        with self._lock.held(on_wait):
            self.sync()
            self._sweep(self._journal.pending())
            yield

    def _sweep(self, paths: list[str]) -> None:
        """Delete the chunks of ``paths`` that are not live (a journaled write was cut short)."""
        if not paths:
            return
        with self._access:
            records = self._docs.get(ids=[document_key(p) for p in paths], include=["metadatas"])
        live = {
            str(m["path"]): _live_entry(_stored_document(m))
            for m in records["metadatas"] or []
            if m
        }
        self._delete_chunks(
            [i for i, m in self._chunk_records(paths, ["metadatas"]) if not _is_live(i, m, live)]
        )
        self._journal.end(paths)
        self._live = None

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
            stem = location / _local_name(collection, url)
            files = (
                KeywordIndex(stem.with_name(stem.name + ".keywords.sqlite3")),
                Journal(stem.with_name(stem.name + ".journal.sqlite3")),
                WriteLock(stem.with_name(stem.name + ".lock")),
            )
            return cls(
                lambda: _client(location, url),
                collection,
                embed_model,
                label,
                files,
                local=url is None,
                chats=location / "chats.sqlite3",  # one list for all collections
            )
        except StoreError:
            raise
        except Exception as error:
            raise StoreError(f"cannot open the Chroma store at {label}: {error}") from error

    def collections(self) -> list[str]:
        """The names of every citeqa collection in this store (this one included)."""
        with self._access:
            names = {c.name for c in self._client.list_collections()}
        return sorted(n for n in names if n + _DOC_SUFFIX in names)

    @property
    def chats(self) -> ChatLog:
        """The conversations saved with this store (opened on first use)."""
        with self._access:
            if self._chats is None:
                self._chats = ChatLog(self._chats_path)
            return self._chats

    # --- documents -------------------------------------------------------------------------

    def documents(self) -> dict[str, StoredDocument]:
        """Every ingested file, keyed by absolute path."""
        with self._access:
            return {
                str(m["path"]): _stored_document(m)
                for _, _, m in _pages(self._docs, ["metadatas"])
                if m
            }

    def _live_map(self) -> dict[str, tuple[str, int]]:
        live = self._live
        if live is None:
            live = self._live = {p: _live_entry(d) for p, d in self.documents().items()}
        return live

    def document_text(self, source: str) -> str:
        """The kept text of an ingested file, looked up by its source path or absolute path."""
        for where in ({"source": source}, {"path": source}):
            with self._access:
                result = self._docs.get(where=where, include=["documents"], limit=1)
            if result["documents"]:
                return str(result["documents"][0])
        raise StoreError(f"{source} is not in store {self._label}")

    def document_lemmas(self, source: str) -> frozenset[str]:
        """The content lemmas of a whole ingested file (what it names anywhere)."""
        for where in ({"source": source}, {"path": source}):
            with self._access:
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
        """Write several files' new versions in bulk, crash-safely (see ``store.writes``).

        In order: journal the paths; write the new chunks, tagged with their generation; flip
        the records to it; delete the other generations' chunks; clear the journal. One write
        holds up to ``_BATCH`` records whatever file they come from (a write per file cost
        more than embedding the file).
        """
        if not replacements:
            return
        paths = [r.doc.path for r in replacements]
        with self._lock.held():
            self._journal.begin(paths)
            records = [
                (c, v, r.doc.path, r.doc.generation)
                for r in replacements
                for c, v in zip(r.chunks, r.vectors, strict=True)
            ]
            self._put_chunks(records)
            self._flip(
                [(r.doc, r.root, len(r.chunks), _lemmas(r.chunks)) for r in replacements],
                analyzer,
            )
            self._drop_stale(paths, {c.chunk_id for c, _, _, _ in records})

    @contextmanager
    def streaming(
        self, doc: SourceDocument, root: str, analyzer: str = ""
    ) -> Iterator[Callable[[list[Chunk], list[list[float]]], None]]:
        """Write one large file's new version part by part: ``write(chunks, vectors)`` for
        each part, then the record flips when the block ends. Nothing of it answers until
        then; if the block fails, what was written of it is deleted."""
        with self._lock.held():
            self._journal.begin([doc.path])
            ids: set[str] = set()
            lemmas: set[str] = set()

            def write(chunks: list[Chunk], vectors: list[list[float]]) -> None:
                self._put_chunks(
                    [(c, v, doc.path, doc.generation) for c, v in zip(chunks, vectors, strict=True)]
                )
                ids.update(c.chunk_id for c in chunks)
                lemmas.update(_lemmas(chunks))

            try:
                yield write
            except BaseException:
                self._sweep([doc.path])  # not live: the record still names the old version
                raise
            self._flip([(doc, root, len(ids), lemmas)], analyzer)
            self._drop_stale([doc.path], ids)

    def _put_chunks(self, records: list[tuple[Chunk, list[float], str, str]]) -> None:
        """Upsert (chunk, vector, path, generation) records, ``_BATCH`` a call."""
        for i in range(0, len(records), _BATCH):
            part = records[i : i + _BATCH]
            with self._access:
                self._chunks.upsert(
                    ids=[c.chunk_id for c, _, _, _ in part],
                    embeddings=[v for _, v, _, _ in part],
                    documents=[c.text for c, _, _, _ in part],
                    metadatas=[_chunk_metadata(c, path, gen) for c, _, path, gen in part],
                )
        self._keywords.add((c.chunk_id, _lemma_text(c)) for c, _, _, _ in records)

    def _flip(self, files: list[tuple[SourceDocument, str, int, set[str]]], analyzer: str) -> None:
        """Write the files' records, naming their new generation: from here it answers."""
        with self._access:
            self._docs.upsert(
                ids=[document_key(doc.path) for doc, _, _, _ in files],
                embeddings=[[1.0]] * len(files),
                documents=[doc.text for doc, _, _, _ in files],
                metadatas=[
                    _document_metadata(doc, root, count, lemmas, analyzer)
                    for doc, root, count, lemmas in files
                ],
            )
            if self._live is not None:
                for doc, _, count, _ in files:
                    self._live[doc.path] = (doc.generation, count)

    def _drop_stale(self, paths: list[str], new: set[str]) -> None:
        """Delete the files' chunks that are not in ``new``; the write is done."""
        self._delete_chunks(sorted(i for i in self._chunk_ids_of(paths) if i not in new))
        self._journal.end(paths)
        self._commit()

    def remove_document(self, path: str) -> None:
        """Forget a file: its record first (its chunks stop answering), then its chunks."""
        with self._lock.held():
            self._journal.begin([path])
            with self._access:
                self._docs.delete(ids=[document_key(path)])
                if self._live is not None:
                    self._live.pop(path, None)
            self._drop_stale([path], set())

    def _delete_chunks(self, ids: list[str]) -> None:
        """Delete chunk records, ``_BATCH`` a call, and their keyword index entries."""
        with self._access:
            for i in range(0, len(ids), _BATCH):
                self._chunks.delete(ids=ids[i : i + _BATCH])
        self._keywords.remove(ids)

    def _chunk_ids_of(self, paths: list[str]) -> list[str]:
        return [i for i, _ in self._chunk_records(paths, [])]

    def _chunk_records(self, paths: list[str], include: list[str]) -> list[tuple[str, Any]]:
        """(id, metadata or None) of every chunk stored for ``paths``, live or not."""
        found: list[tuple[str, Any]] = []
        with self._access:
            for i in range(0, len(paths), _BATCH):
                where = {"path": {"$in": paths[i : i + _BATCH]}}
                result = self._chunks.get(where=where, include=include)
                ids = result["ids"]
                found += zip(ids, result.get("metadatas") or [None] * len(ids), strict=True)
        return found

    # --- checking and repair ---------------------------------------------------------------

    def check(self) -> CheckReport:
        """Read the whole store and report chunks that are not answerable and should go
        (left by a killed write, also of an older citeqa), and keyword index drift."""
        with self._access:
            records = self.documents()
            live = {p: _live_entry(d) for p, d in records.items()}
            orphans, stale, ids = [], [], set()
            held: dict[str, int] = {}
            for i, _, m in _pages(self._chunks, ["metadatas"]):
                path = str((m or {}).get("path", ""))
                ids.add(i)
                if path not in live:
                    orphans.append(i)
                elif not _is_live(i, m, live):
                    stale.append(i)
                else:
                    held[path] = held.get(path, 0) + 1
            indexed = set(self._keywords.ids())
            dead = set(orphans) | set(stale)
            return CheckReport(
                orphans=sorted(orphans),
                stale=sorted(stale),
                unindexed=sorted(ids - dead - indexed),
                unknown=sorted(indexed - ids),
                short=sorted(p for p, (_, n) in live.items() if held.get(p, 0) < n),
            )

    def repair(self, on_wait: Callable[[str], None] | None = None) -> CheckReport:
        """Fix what ``check`` finds (a file with missing chunks is re-ingested by the next
        ingest: its record is dropped here so the ingest sees it as new); returns what was
        found."""
        with self.writing(on_wait), self._access:
            report = self.check()
            self._delete_chunks(report.orphans + report.stale)
            if report.short:
                self._docs.delete(ids=[document_key(p) for p in report.short])
                self._delete_chunks(self._chunk_ids_of(report.short))
            if not report.healthy:
                self._reindex()
                self._live = None
                self._commit()
            return report

    # --- chunks ----------------------------------------------------------------------------

    def count(self) -> int:
        """How many chunk records the store holds (left-overs of a killed write included)."""
        with self._access:
            return int(self._chunks.count())

    def chunk_ids(self) -> list[str]:
        """The id of every chunk record, live or not (what ``check`` reads)."""
        with self._access:
            return [i for i, _, _ in _pages(self._chunks, [])]

    def all_chunks(self) -> list[Chunk]:
        """Every live chunk, in document order (read in pages: any size of store)."""
        live = self._live_map()
        with self._access:
            chunks = [
                self._decode(i, d, m)
                for i, d, m in _pages(self._chunks, ["documents", "metadatas"])
                if _is_live(i, m, live)
            ]
        return sorted(chunks, key=lambda c: (c.source, c.ordinal))

    def document_chunks(self, document: StoredDocument) -> list[tuple[Chunk, list[float]]]:
        """The live chunks of an ingested file, by its record, with their vectors, in
        document order (what a summary or a comparison of the file reads)."""
        live = {document.path: _live_entry(document)}
        with self._access:
            result = self._chunks.get(
                where={"path": document.path}, include=["documents", "metadatas", "embeddings"]
            )
        embeddings = result["embeddings"] if result["embeddings"] is not None else []
        found = [
            (self._decode(i, d, m), [float(x) for x in e])
            for i, d, m, e in zip(
                result["ids"],
                result["documents"] or [],
                result["metadatas"] or [],
                embeddings,
                strict=True,
            )
            if _is_live(i, m, live)
        ]
        return sorted(found, key=lambda pair: pair[0].ordinal)

    def keyword_search(self, lemmas: str, k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks whose lemmas best match ``lemmas`` by BM25, with their scores."""
        return self._live_hits(lambda n: self._keyword_hits(lemmas, n), k)

    def _keyword_hits(self, lemmas: str, n: int) -> list[tuple[str, Any, Any, float]]:
        hits = self._keywords.search(lemmas, n)
        if not hits:
            return []
        with self._access:
            result = self._chunks.get(ids=[i for i, _ in hits], include=["documents", "metadatas"])
        found = {
            i: (d, m)
            for i, d, m in zip(
                result["ids"], result["documents"] or [], result["metadatas"] or [], strict=True
            )
        }
        # An id the index holds and Chroma does not (deleted under the search) counts as a
        # hit that is not live, so that the search looks further.
        return [(i, *found.get(i, (None, None)), score) for i, score in hits]

    def _live_hits(
        self, search: Callable[[int], list[tuple[str, Any, Any, float]]], k: int
    ) -> list[tuple[Chunk, float]]:
        """The first ``k`` live hits of ``search(n)`` (id, text, metadata, score), asking for
        four times more while too few of them are live: a large file being written, or the
        left-overs of a killed write, must not crowd out every answer."""
        n = k
        while True:
            hits = search(n)
            live = self._live_map()
            kept = [
                (self._decode(i, d, m), score)
                for i, d, m, score in hits
                if d is not None and _is_live(i, m, live)
            ]
            if len(kept) >= k or len(hits) < n:
                return kept[:k]
            n *= 4

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored vectors of the given chunks."""
        if not ids:
            return {}
        with self._access:
            result = self._chunks.get(ids=ids, include=["embeddings"])
        embeddings = result["embeddings"]
        if embeddings is None:
            return {}
        return {i: [float(x) for x in e] for i, e in zip(result["ids"], embeddings, strict=True)}

    def nearest(self, vector: list[float], k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks closest to ``vector``, with cosine similarity.

        No count first: Chroma returns fewer than ``k`` when it holds fewer (a count cost up to
        22 ms at 100k chunks, and went stale when another process wrote). A record deleted
        under the search (another process replaced its file), or of a file's other version,
        is skipped.
        """
        return self._live_hits(lambda n: self._nearest_hits(vector, n), k)

    def _nearest_hits(self, vector: list[float], n: int) -> list[tuple[str, Any, Any, float]]:
        with self._access:
            result = self._chunks.query(
                query_embeddings=[vector],
                n_results=n,
                include=["documents", "metadatas", "distances"],
            )
        return [
            (i, d, m, 1.0 - float(dist))
            for i, d, m, dist in zip(
                result["ids"][0],
                (result["documents"] or [[]])[0],
                (result["metadatas"] or [[]])[0],
                (result["distances"] or [[]])[0],
                strict=True,
            )
        ]

    def _decode(self, chunk_id: str, text: Any, metadata: Any) -> Chunk:
        """The chunk of a record, decoded once (its analysis is JSON)."""
        chunk = self._decoded.get(chunk_id)
        if chunk is None:
            if len(self._decoded) >= _DECODED:
                self._decoded.clear()
            chunk = self._decoded[chunk_id] = _chunk_from_record(chunk_id, text, metadata)
        return chunk


def _local_name(collection: str, url: str | None) -> str:
    """The stem of the files kept next to the store (one set per collection and server)."""
    server = f"-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:10]}" if url else ""
    return f"{collection}{server}"


def _live_entry(record: StoredDocument) -> tuple[str, int]:
    return record.generation, record.chunk_count


def _is_live(chunk_id: str, metadata: Any, live: dict[str, tuple[str, int]]) -> bool:
    """Whether a chunk record belongs to the version of its file that the file's record
    names (``live``: path -> (generation, chunk count), from the records).

    Chunks written before generations were recorded carry theirs in their id
    (``file:generation:ordinal``).
    """
    entry = live.get(str(metadata.get("path"))) if metadata is not None else None
    if entry is None:
        return False
    generation = metadata.get("generation")
    if generation is None:
        parts = chunk_id.split(":")
        generation = parts[1] if len(parts) == 3 else entry[0]
    count = entry[1]  # 0: a record of an older citeqa that did not count its chunks
    return str(generation) == entry[0] and (not count or int(metadata.get("ordinal", 0)) < count)


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


def _chunk_metadata(chunk: Chunk, path: str, generation: str) -> dict[str, Any]:
    return {
        "generation": generation,
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


def _lemmas(chunks: list[Chunk]) -> set[str]:
    return {lemma for c in chunks for lemma in c.lemmas}


def _document_metadata(
    doc: SourceDocument, root: str, count: int, lemmas: set[str], analyzer: str
) -> dict[str, Any]:
    return {
        "source": doc.source,
        "path": doc.path,
        "content_hash": doc.content_hash,
        "root": root,
        "chunk_count": count,
        "analyzer": analyzer,
        "lemmas": " ".join(sorted(lemmas)),
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
