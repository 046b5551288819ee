"""Ingestion end to end: files on disk -> a real Chroma store in tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from lang import Analysis
from lang.fake import FakeAnalyzer
from store.chroma_store import ChunkStore
from store.chunker import chunk_document
from store.embedder import HashingEmbedder, SentenceTransformerEmbedder
from store.errors import IngestError
from store.ingest import ChunkingOptions, IngestFailure, IngestReport, ingest_paths, load_document
from store.loader import FoundFile

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = Path(__file__).resolve().parents[2] / "corpus"
GOOD = ["page.html", "report.md", "report.txt"]
BAD = {
    "binary.txt": "looks like a binary file, not text",
    "empty.txt": "is empty",
    "junk_only.txt": "no text left after removing page junk",
    "latin1.txt": "is not UTF-8 text (bad byte at position 3); convert it to UTF-8 first",
    "report.pdf": "is not a readable PDF (startxref not found)",
}
EMBEDDER = HashingEmbedder()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder holding copies of the good and bad fixture files."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in [*GOOD, *BAD]:
        shutil.copy(DATA / name, folder / name)
    return folder


@pytest.fixture
def store(tmp_path: Path) -> ChunkStore:
    return ChunkStore.open(tmp_path / "store", embed_model=EMBEDDER.name)


def ingest(paths: list[str | Path], store: ChunkStore) -> IngestReport:
    return ingest_paths(paths, store, EMBEDDER, FakeAnalyzer())


def chunk_ids(store: ChunkStore) -> list[str]:
    return [c.chunk_id for c in store.all_chunks()]


def test_first_run_adds_good_files_and_reports_each_bad_one(
    docs: Path, store: ChunkStore, tmp_path: Path
) -> None:
    missing = tmp_path / "not-there"

    report = ingest([docs, missing], store)

    assert report.added == [str(docs / name) for name in GOOD]
    assert (report.updated, report.unchanged, report.removed) == ([], [], [])
    assert sorted(report.failed, key=lambda f: f.path) == sorted(
        [IngestFailure(str(docs / name), reason) for name, reason in BAD.items()]
        + [IngestFailure(str(missing), "no such file or folder")],
        key=lambda f: f.path,
    )
    assert report.chunks_written == store.count() > 0
    assert sorted(store.documents()) == [str((docs / name).resolve()) for name in GOOD]
    assert report.summary() == (
        f"3 added, 0 updated, 0 unchanged, 0 removed, 6 failed "
        f"({report.chunks_written} chunks written)"
    )


def test_every_stored_chunk_quotes_its_file(docs: Path, store: ChunkStore) -> None:
    ingest([docs], store)

    for chunk in store.all_chunks():
        raw = store.document_text(chunk.source)
        assert chunk.window_start <= chunk.start < chunk.end <= chunk.window_end <= len(raw)
        if chunk.source.endswith(".txt"):  # no markup, so the raw span is the chunk itself
            assert " ".join(raw[chunk.start : chunk.end].split()) == chunk.text


def test_ingesting_twice_changes_nothing(docs: Path, store: ChunkStore) -> None:
    ingest([docs], store)
    before = chunk_ids(store)

    again = ingest([docs], store)

    assert again.unchanged == [str(docs / name) for name in GOOD]
    assert (again.added, again.updated, again.removed, again.chunks_written) == ([], [], [], 0)
    assert not again.changed
    assert chunk_ids(store) == before
    assert len(before) == len(set(before)) == store.count()


def test_a_changed_file_is_replaced(docs: Path, store: ChunkStore) -> None:
    ingest([docs], store)
    target = docs / "report.txt"
    old_ids = {c.chunk_id for c in store.all_chunks() if c.source == str(target)}
    target.write_text("Ceasefire talks resume in Geneva\n\nThe delegations met again today.\n")

    report = ingest([docs], store)

    assert report.updated == [str(target)]
    assert report.unchanged == [str(docs / "page.html"), str(docs / "report.md")]
    new = [c for c in store.all_chunks() if c.source == str(target)]
    assert [c.text for c in new] == [
        "Ceasefire talks resume in Geneva",
        "The delegations met again today.",
    ]
    assert not old_ids & set(chunk_ids(store))
    assert store.count() == sum(d.chunk_count for d in store.documents().values())
    assert ingest([docs], store).unchanged == [str(docs / name) for name in GOOD]


def test_a_file_deleted_from_an_ingested_folder_is_removed(docs: Path, store: ChunkStore) -> None:
    ingest([docs], store)
    kept = {c.chunk_id for c in store.all_chunks() if not c.source.endswith("report.md")}
    (docs / "report.md").unlink()

    report = ingest([docs], store)

    assert report.removed == [str(docs / "report.md")]
    assert set(chunk_ids(store)) == kept
    assert str((docs / "report.md").resolve()) not in store.documents()


def test_naming_single_files_never_removes_their_neighbours(docs: Path, store: ChunkStore) -> None:
    ingest([docs], store)
    count = store.count()

    report = ingest([docs / "report.txt"], store)

    assert (report.unchanged, report.removed) == ([str(docs / "report.txt")], [])
    assert store.count() == count


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda p: p.write_bytes((DATA / "binary.txt").read_bytes()), BAD["binary.txt"]),
        (lambda p: p.write_bytes((DATA / "latin1.txt").read_bytes()), BAD["latin1.txt"]),
        (lambda p: p.write_text(""), "is empty"),
        (lambda p: p.write_text("All news\nShare\n"), BAD["junk_only.txt"]),
    ],
    ids=["binary", "latin-1", "emptied", "junk-only"],
)
def test_a_file_that_turns_bad_fails_alone_and_keeps_its_chunks(
    docs: Path, store: ChunkStore, damage: Callable[[Path], object], reason: str
) -> None:
    ingest([docs], store)
    target = docs / "report.txt"
    original, before = target.read_text(encoding="utf-8"), store.all_chunks()
    damage(target)

    report = ingest([docs], store)

    assert IngestFailure(str(target), reason) in report.failed
    assert (report.added, report.updated, report.removed) == ([], [], [])
    assert store.all_chunks() == before
    assert store.document_text(str(target)) == original


def test_progress_is_reported_after_each_file(docs: Path, store: ChunkStore) -> None:
    calls: list[tuple[int, int, str]] = []

    ingest_paths([docs], store, EMBEDDER, FakeAnalyzer(), progress=lambda *call: calls.append(call))

    # Files are written in batches, so a file that fails early is counted before the batch.
    names = sorted([*GOOD, *BAD])
    assert [(done, total) for done, total, _ in calls] == [
        (i, len(names)) for i in range(1, len(names) + 1)
    ]
    assert sorted(path for _, _, path in calls) == [str(docs / n) for n in names]


@pytest.mark.slow
def test_the_bundled_corpus_with_the_real_model(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder()
    store = ChunkStore.open(tmp_path / "store", embed_model=embedder.name)

    report = ingest_paths([CORPUS], store, embedder, FakeAnalyzer())
    again = ingest_paths([CORPUS], store, embedder, FakeAnalyzer())

    assert (len(report.added), report.failed) == (5, [])
    assert (len(again.unchanged), again.chunks_written) == (5, 0)
    assert all(embedder.count_tokens(c.text) <= 200 for c in store.all_chunks())
    question = "Who met the Serbian chief of staff in August?"
    best, score = store.nearest(embedder.embed([question])[0], k=1)[0]
    assert Path(best.source).name == "000_bee090b7675e03d0.txt"
    assert (best.meta.outlet, best.meta.date) == ("TASS", "August 12")
    assert 0.3 < score <= 1.0


class _FailsOn(FakeAnalyzer):
    """An analyzer that cannot read one word (a stand-in for a pipeline error on one file)."""

    def analyze(self, texts: Sequence[str]) -> list[Analysis]:
        if any("Poisoned" in t for t in texts):
            raise IngestError("the analyzer failed on this text")
        return super().analyze(texts)


def test_files_are_written_in_batches_and_one_failure_stays_alone(
    tmp_path: Path, store: ChunkStore
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(12):
        (folder / f"f{n:02d}.txt").write_text(f"Depot {n} shipped {n * 10} crates of apples.\n")
    (folder / "f05.txt").write_text("Poisoned text that the analyzer cannot read at all.\n")

    report = ingest_paths([folder], store, EMBEDDER, _FailsOn())

    assert report.failed == [
        IngestFailure(str(folder / "f05.txt"), "the analyzer failed on this text")
    ]
    assert len(report.added) == 11 and report.chunks_written == 11
    texts = sorted(c.text for c in store.all_chunks())
    assert texts == sorted(
        f"Depot {n} shipped {n * 10} crates of apples." for n in range(12) if n != 5
    )


class _Refuses(FakeAnalyzer):
    """An analyzer that must not be asked: unchanged files are never parsed again."""

    def analyze(self, texts: Sequence[str]) -> list[Analysis]:
        raise AssertionError("an unchanged file was analysed again")


def test_unchanged_files_are_known_by_their_bytes_without_parsing(
    docs: Path, store: ChunkStore
) -> None:
    ingest([docs], store)

    again = ingest_paths([docs], store, EMBEDDER, _Refuses())

    assert again.unchanged == [str(docs / name) for name in GOOD]
    (docs / "report.txt").write_bytes((docs / "report.txt").read_bytes() + b" ")
    with pytest.raises(AssertionError, match="analysed again"):
        ingest_paths([docs], store, EMBEDDER, _Refuses())


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    docs: Path, store: ChunkStore
) -> None:
    big = docs / "big.txt"
    big.write_text("A long line of words about the depot. " * 2000)  # 78,000 bytes

    report = ingest_paths(
        [docs], store, EMBEDDER, FakeAnalyzer(), options=ChunkingOptions(max_bytes=50_000)
    )

    assert (
        IngestFailure(str(big), "is 0.1 MB; the limit is 0.05 MB (setting max_file_mb)")
        in report.failed
    )
    assert str(big.resolve()) not in store.documents()


def test_a_large_file_is_written_in_parts_with_progress_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    lines = [f"Depot {n} in Varn shipped {n * 7 % 500} crates of salt." for n in range(400)]
    (folder / "big.txt").write_text("\n\n".join(lines), encoding="utf-8")
    (folder / "small.txt").write_text("The small file holds one sentence.\n", encoding="utf-8")
    whole = ChunkStore.open(tmp_path / "whole", embed_model=EMBEDDER.name)
    ingest([folder], whole)

    monkeypatch.setattr("store.ingest._STREAM_CHARS", 1_000)
    monkeypatch.setattr("store.ingest._BATCH_CHARS", 2_000)
    parts = ChunkStore.open(tmp_path / "parts", embed_model=EMBEDDER.name)
    seen: list[float] = []
    report = ingest_paths(
        [folder], parts, EMBEDDER, FakeAnalyzer(), progress=lambda done, *_: seen.append(done)
    )

    assert report.summary() == "2 added, 0 updated, 0 unchanged, 0 removed, 0 failed " + (
        f"({len(whole.all_chunks())} chunks written)"
    )
    assert parts.all_chunks() == whole.all_chunks()
    assert parts.documents() == whole.documents()
    inside = [d for d in seen if d != int(d)]
    assert len(inside) >= 5 and inside == sorted(inside)  # progress within the large file
    assert seen[-1] == 2


def test_a_large_file_that_fails_half_way_leaves_the_old_version_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    big = folder / "big.txt"
    big.write_text("The first version has one sentence only.\n", encoding="utf-8")
    store = ChunkStore.open(tmp_path / "store", embed_model=EMBEDDER.name)
    ingest([folder], store)
    before = store.all_chunks()

    lines = [f"Depot {n} in Varn shipped {n} crates of salt." for n in range(400)]
    big.write_text("\n\n".join(lines), encoding="utf-8")
    monkeypatch.setattr("store.ingest._STREAM_CHARS", 1_000)
    monkeypatch.setattr("store.ingest._BATCH_CHARS", 2_000)

    class FailingEmbedder(HashingEmbedder):
        calls = 0

        def embed(self, texts: list[str]) -> list[list[float]]:
            self.calls += 1
            if self.calls == 3:
                raise IngestError("the encoder failed")
            return super().embed(texts)

    report = ingest_paths([folder], store, FailingEmbedder(), FakeAnalyzer())

    assert [f.reason for f in report.failed] == ["the encoder failed"]
    assert store.all_chunks() == before
    assert sorted(store.chunk_ids()) == sorted(c.chunk_id for c in before)  # parts deleted
    assert store.check().healthy


def test_a_file_that_came_in_through_a_link_from_outside_goes_with_the_link(
    tmp_path: Path, store: ChunkStore
) -> None:
    folder, outside = tmp_path / "docs", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    (folder / "kept.txt").write_text("The kept file stays in the store.\n", encoding="utf-8")
    target = outside / "linked.txt"
    target.write_text("The linked file lives outside the folder.\n", encoding="utf-8")
    ingest([folder], store)
    # As an older citeqa stored it: the link's target, recorded under the folder it came from.
    doc = load_document(FoundFile("docs/linked.txt", target.resolve(), folder.resolve()))
    chunks = chunk_document(doc, FakeAnalyzer())
    vectors = EMBEDDER.embed([c.text for c in chunks])
    store.replace_document(doc, str(folder.resolve()), chunks, vectors)

    report = ingest([folder], store)

    assert report.removed == ["docs/linked.txt"]
    assert [Path(p).name for p in store.documents()] == ["kept.txt"]
    assert target.exists()  # the user's file itself is never touched
