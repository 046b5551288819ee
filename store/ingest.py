"""Ingestion: load -> clean -> chunk -> embed -> upsert, incremental and idempotent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from lang import Analyzer
from store.chroma_store import ChunkStore, Replacement, StoredDocument
from store.chunker import chunk_documents, chunk_stream
from store.clean import clean_text
from store.embedder import Embedder
from store.errors import CiteqaError, IngestError
from store.loader import FoundFile, find_files, fingerprint, read_bytes
from store.metadata import extract_meta
from store.readers import READERS_VERSION, read_file
from store.types import SourceDocument

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[float, int, str], None]
"""Called as ``progress(done, total, path)`` after each file, and within a large file as it
goes (``done`` then has a fraction: 3.25 is a quarter into the fourth file)."""


@dataclass(frozen=True)
class IngestFailure:
    path: str
    reason: str


@dataclass
class IngestReport:
    """What one ingestion run did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[IngestFailure] = field(default_factory=list)
    chunks_written: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.failed)} failed ({self.chunks_written} chunks written)"
        )


@dataclass(frozen=True)
class ChunkingOptions:
    max_tokens: int = 200
    window: int = 1
    max_bytes: int | None = None  # larger files are refused before they are read


def load_document(found: FoundFile, data: bytes | None = None) -> SourceDocument:
    """Read and clean one file; raises ``IngestError`` with a one-line reason.

    ``data`` is the file's bytes when the caller has read them already (one read per file).
    """
    data = read_bytes(found.path) if data is None else data
    read = read_file(found.path, data=data)
    clean = clean_text(read.text, found.path.suffix.lower())
    if not clean.strip():
        raise IngestError(f"{found.source}: no text left after removing page junk")
    meta = extract_meta(clean, found.path.name)
    return SourceDocument(
        source=found.source,
        path=str(found.path),
        text=read.text,
        clean=clean,
        content_hash=fingerprint(data, READERS_VERSION),
        meta=replace(meta, title=read.title[:300]) if read.title else meta,
        pages=read.pages,
    )


def ingest_paths(
    paths: list[str | Path],
    store: ChunkStore,
    embedder: Embedder,
    analyzer: Analyzer,
    *,
    options: ChunkingOptions | None = None,
    progress: ProgressCallback | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> IngestReport:
    """Bring the store in line with the files under ``paths``.

    Unchanged files (same content hash, analysed by the same pipeline) are skipped, changed
    ones replaced, and files that
    disappeared from an ingested folder removed. A file that cannot be read is reported in
    ``failed`` and whatever the store held for it stays as it was.

    One writer at a time: another process's ingest is waited for (``on_wait`` is told so;
    by default it is logged), and what a killed earlier write left behind is swept first.
    """
    with store.writing(on_wait or logger.warning):
        return _ingest(paths, store, (embedder, analyzer), options or ChunkingOptions(), progress)


def _ingest(
    paths: list[str | Path],
    store: ChunkStore,
    models: tuple[Embedder, Analyzer],
    options: ChunkingOptions,
    progress: ProgressCallback | None,
) -> IngestReport:
    analyzer = models[1]
    report = IngestReport()
    found, missing = find_files(paths)
    report.failed.extend(IngestFailure(p, reason) for p, reason in missing)
    stored = store.documents()
    batch = _Batch(store, models, options, report, _Ticker(len(found), progress))
    for item in found:
        previous = stored.get(str(item.path))
        try:
            _check_size(item, options.max_bytes)
            data = read_bytes(item.path)
            if (
                previous is not None
                and previous.content_hash == fingerprint(data, READERS_VERSION)
                and previous.analyzer == analyzer.name
            ):
                report.unchanged.append(item.source)
                batch.ticker.tick(item.source)
                continue
            doc = load_document(item, data)
        except CiteqaError as error:
            report.failed.append(IngestFailure(item.source, _one_line(error, item)))
            batch.ticker.tick(item.source)
            continue
        batch.add(item, doc, previous is not None)
    batch.flush()
    _remove_vanished(paths, found, stored, store, report)
    return report


# Files are analysed and embedded together until their text reaches this size, so that the
# analyzer and the encoder see long batches (per-file batches ran at a fifth of the encoder's
# speed on short files); each file is still written, and can fail, on its own.
_BATCH_CHARS = 40_000
_BATCH_FILES = 64
# A file larger than this is analysed, embedded and written a part (``_BATCH_CHARS``) at a
# time, so this pipeline's memory stays flat however large the file (52 MB of Python objects
# at most for a 4 MB file); the embedded store's in-memory index still grows with the chunks.
_STREAM_CHARS = 200_000


class _Ticker:
    def __init__(self, total: int, progress: ProgressCallback | None) -> None:
        self.total, self.done, self._progress = total, 0, progress

    def tick(self, source: str) -> None:
        self.done += 1
        if self._progress:
            self._progress(self.done, self.total, source)

    def within(self, source: str, fraction: float) -> None:
        if self._progress:
            self._progress(self.done + min(fraction, 0.999), self.total, source)


class _Batch:
    """Changed files waiting to be chunked, embedded and written together."""

    def __init__(
        self,
        store: ChunkStore,
        models: tuple[Embedder, Analyzer],
        options: ChunkingOptions,
        report: IngestReport,
        ticker: _Ticker,
    ) -> None:
        self._store, self._models, self._options = store, models, options
        self._report, self.ticker = report, ticker
        self._items: list[tuple[FoundFile, SourceDocument, bool]] = []
        self._chars = 0

    def add(self, item: FoundFile, doc: SourceDocument, replacing: bool) -> None:
        if len(doc.clean) > _STREAM_CHARS:
            self.flush()
            self._stream(item, doc, replacing)
            return
        self._items.append((item, doc, replacing))
        self._chars += len(doc.text)
        if self._chars >= _BATCH_CHARS or len(self._items) >= _BATCH_FILES:
            self.flush()

    def flush(self) -> None:
        items, self._items, self._chars = self._items, [], 0
        if items:
            self._write(items)

    def _write(self, items: list[tuple[FoundFile, SourceDocument, bool]]) -> None:
        try:
            replacements = self._replacements([(item, doc) for item, doc, _ in items])
            self._store.replace_documents(replacements, self._models[1].name)
        except CiteqaError as error:
            if len(items) > 1:  # find the file at fault: each alone
                for one in items:
                    self._write([one])
                return
            self._fail(items[0][0], error)
            return
        report = self._report
        for (item, _, replacing), replacement in zip(items, replacements, strict=True):
            (report.updated if replacing else report.added).append(item.source)
            report.chunks_written += len(replacement.chunks)
            logger.info("ingested %s (%d chunks)", item.source, len(replacement.chunks))
            self.ticker.tick(item.source)

    def _replacements(self, items: list[tuple[FoundFile, SourceDocument]]) -> list[Replacement]:
        """Chunk and embed the files together; one ``Replacement`` per file."""
        embedder, analyzer = self._models
        chunked = chunk_documents(
            [doc for _, doc in items],
            analyzer,
            max_tokens=self._options.max_tokens,
            window=self._options.window,
            count_tokens=embedder.count_tokens,
        )
        vectors = embedder.embed([c.text for chunks in chunked for c in chunks])
        replacements, offset = [], 0
        for (item, doc), chunks in zip(items, chunked, strict=True):
            mine, offset = vectors[offset : offset + len(chunks)], offset + len(chunks)
            replacements.append(Replacement(doc, str(item.root or ""), chunks, mine))
        return replacements

    def _stream(self, item: FoundFile, doc: SourceDocument, replacing: bool) -> None:
        """Chunk, embed and write one large file a part at a time."""
        embedder, analyzer = self._models
        written = 0
        try:
            with self._store.streaming(doc, str(item.root or ""), analyzer.name) as write:
                for chunks in chunk_stream(
                    doc,
                    analyzer,
                    max_tokens=self._options.max_tokens,
                    window=self._options.window,
                    count_tokens=embedder.count_tokens,
                    part_chars=_BATCH_CHARS,
                ):
                    if chunks:
                        write(chunks, embedder.embed([c.text for c in chunks]))
                        written += len(chunks)
                        self.ticker.within(item.source, chunks[-1].end / len(doc.clean))
        except CiteqaError as error:
            self._fail(item, error)
            return
        (self._report.updated if replacing else self._report.added).append(item.source)
        self._report.chunks_written += written
        logger.info("ingested %s (%d chunks, in parts)", item.source, written)
        self.ticker.tick(item.source)

    def _fail(self, item: FoundFile, error: CiteqaError) -> None:
        self._report.failed.append(IngestFailure(item.source, _one_line(error, item)))
        self.ticker.tick(item.source)


def _check_size(item: FoundFile, max_bytes: int | None) -> None:
    try:
        size = item.path.stat().st_size
    except OSError as error:
        raise IngestError(f"{item.source}: cannot be read ({error.strerror or error})") from error
    if max_bytes is not None and size > max_bytes:
        raise IngestError(
            f"{item.source}: is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:g} MB "
            "(setting max_file_mb)"
        )


def _one_line(error: Exception, item: FoundFile) -> str:
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    # Reasons are reported beside the path already; drop the path the message starts with.
    for prefix in (f"{item.source}: ", f"{item.path}: "):
        message = message.removeprefix(prefix)
    return message


def _remove_vanished(
    paths: list[str | Path],
    found: list[FoundFile],
    stored: dict[str, StoredDocument],
    store: ChunkStore,
    report: IngestReport,
) -> None:
    """Drop stored files that came from an ingested folder and are gone from it.

    A file outside the folder that came in through a link in it (an older citeqa followed
    such links) goes when the link does, or now that such links are refused.
    """
    roots = [Path(p).resolve() for p in paths if Path(p).is_dir()]
    present = {str(f.path) for f in found}
    for path, record in stored.items():
        if path in present:
            continue
        inside = any(Path(path).is_relative_to(root) for root in roots)
        linked = bool(record.root) and Path(record.root).resolve() in roots and not inside
        if not (inside or linked):
            continue
        if inside and Path(path).is_file():
            continue  # still there (a hidden file, say): not ours to delete
        store.remove_document(path)
        report.removed.append(record.source)
