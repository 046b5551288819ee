"""Crash safety, proven: an ingest SIGKILLed at each of its writes in turn.

For new, updated and deleted files, an ingest process (``kill_at.py``) is killed just before
write k, for every k. After each kill the store must open and answer from exactly the old or
the new version of each file (never both, never a left-over), and a re-run must leave it
identical to a clean ingest of the new files: the same records, chunk records and keyword
index entries, and ``check`` finds nothing.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from lang.fake import FakeAnalyzer
from store.chroma_store import ChunkStore
from store.embedder import HashingEmbedder
from store.ingest import ingest_paths
from store.keyword_index import KeywordIndex

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
KILL_AT = Path(__file__).with_name("kill_at.py")
EMBEDDER = HashingEmbedder()
TEXTS = {
    "alpha.txt": "The harbour bridge opened in 1932. It carries eight lanes of traffic.",
    "beta.txt": "The observatory sits on a hill. Its main telescope was built in 1888.",
    "gamma.md": "# Orchard\n\nThe orchard grows forty kinds of apple. Cider is pressed in autumn.",
}


@dataclass(frozen=True)
class State:
    """Everything a store holds, by path: record hash, live chunk ids; plus all ids."""

    records: dict[str, str]
    live: dict[str, frozenset[str]]
    chunk_records: frozenset[str]
    keyword_ids: frozenset[str]


def state(location: Path) -> State:
    store = ChunkStore.open(location, embed_model=EMBEDDER.name, create=False)
    records = {p: d.content_hash for p, d in store.documents().items()}
    live: dict[str, set[str]] = {p: set() for p in records}
    for chunk in store.all_chunks():
        live[_path_of(store, chunk.source)].add(chunk.chunk_id)
    return State(
        records,
        {p: frozenset(ids) for p, ids in live.items()},
        frozenset(store.chunk_ids()),
        frozenset(KeywordIndex(location / "citeqa.keywords.sqlite3").ids()),
    )


def _path_of(store: ChunkStore, source: str) -> str:
    return next(p for p, d in store.documents().items() if d.source == source)


def ingest(location: Path, folder: Path) -> None:
    store = ChunkStore.open(location, embed_model=EMBEDDER.name)
    ingest_paths([folder], store, EMBEDDER, FakeAnalyzer())


def killed_ingest(kill_at: int, location: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(KILL_AT), str(kill_at), str(location), str(folder)]
    return subprocess.run(
        [*command, "--parts", str(PARTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
    )


def write(folder: Path, names: list[str], edit: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(TEXTS[name] + edit, encoding="utf-8")


def _new(folder: Path) -> None:
    write(folder, ["gamma.md"])


def _updated(folder: Path) -> None:
    write(folder, ["alpha.txt", "beta.txt"], edit=" A second deck was added in 1960.")


def _deleted(folder: Path) -> None:
    (folder / "beta.txt").unlink()


PARTS = 1_200  # the killed ingest writes files over this size in parts of 300 characters


def _large(folder: Path) -> None:
    """alpha.txt grows past the size that is written in parts."""
    paragraphs = [f"Depot {n} in Varn shipped {n * 7 % 500} crates of salt." for n in range(40)]
    text = "\n\n".join(paragraphs)
    assert len(text) > PARTS
    (folder / "alpha.txt").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "change", [_new, _updated, _deleted, _large], ids=["new", "updated", "deleted", "large"]
)
def test_a_kill_at_any_write_leaves_one_version_and_a_rerun_matches_a_clean_ingest(
    tmp_path: Path, change: Callable[[Path], None]
) -> None:
    folder = tmp_path / "docs"
    write(folder, ["alpha.txt", "beta.txt"])
    base = tmp_path / "base"
    ingest(base, folder)
    old = state(base)
    change(folder)
    clean = tmp_path / "clean"
    ingest(clean, folder)
    new = state(clean)
    assert new != old

    trial = tmp_path / "trial"
    shutil.copytree(base, trial)
    finished = killed_ingest(0, trial, folder)
    assert finished.returncode == 0, finished.stderr
    writes = int(finished.stdout.split()[-1])
    assert writes >= 5  # journal, chunks, keyword index, records, stamp at least
    assert state(trial) == new

    for k in range(1, writes + 1):
        trial = tmp_path / f"kill{k}"
        shutil.copytree(base, trial)
        run = killed_ingest(k, trial, folder)
        assert run.returncode == -signal.SIGKILL, (k, run.stderr)

        after = state(trial)  # it opens, and answers from one version of each file:
        for path in old.records.keys() | new.records.keys():
            versions = {old.live.get(path, frozenset()), new.live.get(path, frozenset())}
            assert after.live.get(path, frozenset()) in versions, (k, path)
        store = ChunkStore.open(trial, embed_model=EMBEDDER.name)
        hits = store.nearest(EMBEDDER.embed(["When did the bridge open?"])[0], 10)
        live = {c.chunk_id for c in store.all_chunks()}
        assert hits and all(c.chunk_id in live for c, _ in hits), k

        ingest(trial, folder)  # the re-run, as a user would
        assert state(trial) == new, k
        assert state(trial).chunk_records == new.chunk_records == new.keyword_ids
        assert ChunkStore.open(trial, embed_model=EMBEDDER.name).check().healthy, k


def test_check_finds_and_repair_removes_what_an_older_version_left(tmp_path: Path) -> None:
    """Before generations, a kill between writing a file's new chunks and deleting its old
    ones left both, and a re-run said "unchanged": repair finds those chunks and drops them."""
    folder = tmp_path / "docs"
    write(folder, ["alpha.txt"])
    location = tmp_path / "store"
    ingest(location, folder)
    store = ChunkStore.open(location, embed_model=EMBEDDER.name)
    live = {c.chunk_id for c in store.all_chunks()}
    plant_old_version(location)

    report = store.check()
    assert not report.healthy and len(report.stale) == len(live)
    assert {c.chunk_id for c in store.all_chunks()} == live  # searches never saw them
    assert not store.repair().healthy
    assert store.check().healthy
    assert set(store.chunk_ids()) == live


def plant_old_version(location: Path) -> None:
    """Copy each chunk record under an older version's id and generation, as a kill left
    them before generations were recorded (no generation field: it is in the id)."""
    import chromadb

    collection = chromadb.PersistentClient(path=str(location)).get_collection("citeqa")
    found = collection.get(include=["documents", "metadatas", "embeddings"])
    ids = [i.replace(i.split(":")[1], "0123456789ab") for i in found["ids"]]
    metadatas = [{k: v for k, v in m.items() if k != "generation"} for m in found["metadatas"]]
    collection.add(
        ids=ids, documents=found["documents"], metadatas=metadatas, embeddings=found["embeddings"]
    )
    KeywordIndex(location / "citeqa.keywords.sqlite3").add((i, "planted") for i in ids)
