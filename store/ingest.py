"""Ingestion: load -> clean -> chunk -> embed -> upsert, incremental and idempotent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from lang import Analyzer
from store.chroma_store import ChunkStore, StoredDocument
from store.chunker import chunk_document
from store.clean import clean_text
from store.embedder import Embedder
from store.errors import CiteqaError, IngestError
from store.loader import FoundFile, content_hash, find_files
from store.metadata import extract_meta
from store.readers import read_file
from store.types import SourceDocument

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]
"""Called as ``progress(done, total, path)`` after each file."""


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


def load_document(found: FoundFile) -> SourceDocument:
    """Read and clean one file; raises ``IngestError`` with a one-line reason."""
    read = read_file(found.path)
    clean = clean_text(read.text, found.path.suffix.lower())
    if not clean.strip():
        raise IngestError(f"{found.source}: no text left after removing page junk")
    meta = extract_meta(clean, found.path.name)
    return SourceDocument(
        source=found.source,
        path=str(found.path),
        text=read.text,
        clean=clean,
        content_hash=content_hash(read.text),
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
) -> IngestReport:
    """Bring the store in line with the files under ``paths``.

    Unchanged files (same content hash, analysed by the same pipeline) are skipped, changed
    ones replaced, and files that
    disappeared from an ingested folder removed. A file that cannot be read is reported in
    ``failed`` and whatever the store held for it stays as it was.
    """
    options = options or ChunkingOptions()
    report = IngestReport()
    found, missing = find_files(paths)
    report.failed.extend(IngestFailure(p, reason) for p, reason in missing)
    stored = store.documents()
    for done, item in enumerate(found, start=1):
        _ingest_one(item, stored, store, (embedder, analyzer), options, report)
        if progress:
            progress(done, len(found), item.source)
    _remove_vanished(paths, found, stored, store, report)
    return report


def _ingest_one(
    item: FoundFile,
    stored: dict[str, StoredDocument],
    store: ChunkStore,
    models: tuple[Embedder, Analyzer],
    options: ChunkingOptions,
    report: IngestReport,
) -> None:
    embedder, analyzer = models
    previous = stored.get(str(item.path))
    try:
        doc = load_document(item)
        if (
            previous is not None
            and previous.content_hash == doc.content_hash
            and previous.analyzer == analyzer.name
        ):
            report.unchanged.append(item.source)
            return
        chunks = chunk_document(
            doc,
            analyzer,
            max_tokens=options.max_tokens,
            window=options.window,
            count_tokens=embedder.count_tokens,
        )
        vectors = embedder.embed([c.text for c in chunks])
        root = str(item.root) if item.root else ""
        store.replace_document(doc, root, chunks, vectors, analyzer.name)
    except CiteqaError as error:
        report.failed.append(IngestFailure(item.source, _one_line(error, item)))
        return
    (report.updated if previous is not None else report.added).append(item.source)
    report.chunks_written += len(chunks)
    logger.info("ingested %s (%d chunks)", item.source, len(chunks))


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
    """Drop stored files that lived under an ingested folder and are gone from it."""
    roots = [Path(p).resolve() for p in paths if Path(p).is_dir()]
    present = {str(f.path) for f in found}
    for path, record in stored.items():
        if path in present or not any(Path(path).is_relative_to(root) for root in roots):
            continue
        if Path(path).exists() and Path(path).is_file():
            continue  # still there (a hidden file, say): not ours to delete
        store.remove_document(path)
        report.removed.append(record.source)
