"""store: files -> clean text -> sentence chunks with offsets -> Chroma.

Nothing here imports ``rag``, ``ui`` or ``eval``.
"""

from store.errors import CiteqaError, IngestError, StoreError
from store.ingest import IngestReport, ingest_paths
from store.types import Chunk, SourceDocument

__all__ = [
    "Chunk",
    "CiteqaError",
    "IngestError",
    "IngestReport",
    "SourceDocument",
    "StoreError",
    "ingest_paths",
]
