"""Run an ingest and SIGKILL it just before its k-th write (for ``test_faults.py``).

    python tests/store/kill_at.py K STORE PATH... [--english] [--parts CHARS]

With K = 0 the ingest runs to the end and prints how many writes it made. Counted as writes:
every Chroma call that changes a collection (upsert, delete, modify) and every write to the
files kept beside the store (the keyword index and the write journal). Each of those is one
transaction, so "before call k" is every state a kill can leave.

The ingest is the store's own (``store.ingest.ingest_paths``) with the hashing embedder and
the fake analyzer: the kill points are in the writes, and these keep each run to a second.
``--english`` analyses with the English pipeline instead, as ``citeqa ingest`` does (for
tests whose reader answers from what this process wrote). ``--parts CHARS`` writes files
over CHARS characters in parts of a quarter of that (``store.ingest``'s large-file path, at
a size a test can kill at every write).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _count_writes(kill_at: int) -> Callable[[], int]:
    from chromadb.api.models.Collection import Collection

    from store.keyword_index import KeywordIndex
    from store.writes import Journal

    calls = 0

    def wrap(owner: type, name: str) -> None:
        original = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)

        setattr(owner, name, counted)

    for name in ("upsert", "delete", "modify"):
        wrap(Collection, name)
    for name in ("add", "remove", "replace_all"):
        wrap(KeywordIndex, name)
    for name in ("begin", "end"):
        wrap(Journal, name)
    return lambda: calls


def main() -> None:
    args = sys.argv[1:]
    english = "--english" in args
    args = [a for a in args if a != "--english"]
    parts = int(args.pop(args.index("--parts") + 1)) if "--parts" in args else 0
    args = [a for a in args if a != "--parts"]
    kill_at, location, paths = int(args[0]), Path(args[1]), args[2:]
    writes = _count_writes(kill_at)
    if parts:
        import store.ingest

        store.ingest._STREAM_CHARS, store.ingest._BATCH_CHARS = parts, parts // 4

    from lang import load_analyzer
    from lang.fake import FakeAnalyzer
    from store.chroma_store import ChunkStore
    from store.embedder import HashingEmbedder
    from store.ingest import ingest_paths

    embedder = HashingEmbedder()
    store = ChunkStore.open(location, embed_model=embedder.name)
    before = writes()  # opening writes nothing to a healthy store
    analyzer = load_analyzer() if english else FakeAnalyzer()
    ingest_paths(list(paths), store, embedder, analyzer)
    print(writes() - before)


if __name__ == "__main__":
    main()
