"""What assistants over one store share, and how uploaded files join the store's folder."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path, PurePath

from rag.retrieval import HybridRetriever, RetrievalOptions
from store.chroma_store import ChunkStore
from store.embedder import Embedder
from store.errors import IngestError


class Library:
    """What assistants over one store share: retrievers and the caches of file texts."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.lemmas: dict[str, frozenset[str]] = {}
        self._retrievers: dict[RetrievalOptions, HybridRetriever] = {}
        self._lock = threading.Lock()

    def retriever(
        self, options: RetrievalOptions, store: ChunkStore, embedder: Embedder
    ) -> HybridRetriever:
        with self._lock:
            if options not in self._retrievers:
                self._retrievers[options] = HybridRetriever(store, embedder, options)
            return self._retrievers[options]

    def changed(self) -> None:
        """The store's files changed: re-read texts when asked."""
        with self._lock:
            self.texts.clear()
            self.lemmas.clear()


def safe_upload_name(name: str) -> str:
    """A plain file name: no folders, no leading dots, nothing a shell or path would read."""
    name = re.sub(r"[^\w.\- ]+", "_", PurePath(name).name).strip(" .")
    return name or "upload"


def copy_uploads(files: Sequence[str | Path], folder: Path) -> list[Path]:
    """Copy ``files`` into ``folder`` under plain names; every file is checked before any copy.

    Raises:
        IngestError: a path is not a file, or two different files would share a name.
    """
    plan: dict[Path, Path] = {}  # copy -> original
    for file in files:
        original = Path(file)
        if not original.is_file():
            raise IngestError(f"{original}: not a file")
        copy = folder / safe_upload_name(original.name)
        earlier = plan.get(copy)
        if earlier is not None and earlier.read_bytes() != original.read_bytes():
            raise IngestError(
                f"{original}: another file in this upload is also named {copy.name}; "
                "rename one of them"
            )
        plan[copy] = original
    if plan:
        folder.mkdir(parents=True, exist_ok=True)
    for copy, original in plan.items():
        if not copy.exists() or not copy.samefile(original):
            shutil.copyfile(original, copy)
    return list(plan)
