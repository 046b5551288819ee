"""One store, many processes: a long-running reader (the page) sees what another process
(the CLI) writes on its next question, and never fails on what it deleted."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rag import Assistant
from store.chroma_store import ChunkStore
from store.embedder import HashingEmbedder
from store.writes import WAITING, WriteLock

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[1]
EMBEDDER = HashingEmbedder()


def other_process_ingests(location: Path, folder: Path, *flags: str) -> None:
    """``citeqa ingest`` as another process would run it (the store's own ingest)."""
    script = ROOT / "tests/store/kill_at.py"
    run = subprocess.run(
        [sys.executable, str(script), "0", str(location), str(folder), *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
    )
    assert run.returncode == 0, run.stderr


def test_a_reader_finds_by_vector_what_another_process_added_and_not_what_it_replaced(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bridge.txt").write_text("The harbour bridge opened in 1932.\n", encoding="utf-8")
    location = tmp_path / "store"
    other_process_ingests(location, folder)
    reader = ChunkStore.open(location, embed_model=EMBEDDER.name)
    before = {c.chunk_id for c, _ in reader.nearest(EMBEDDER.embed(["bridge"])[0], 5)}
    assert before

    (folder / "bridge.txt").write_text("The harbour bridge opened in 1933.\n", encoding="utf-8")
    (folder / "tower.txt").write_text("The clock tower was finished in 1899.\n", encoding="utf-8")
    other_process_ingests(location, folder)

    assert reader.sync()  # what a question does first
    assert not reader.sync()  # and only once per change
    found = reader.nearest(EMBEDDER.embed(["clock tower finished"])[0], 5)
    assert "tower.txt" in {Path(c.source).name for c, _ in found}  # the vector index, live
    texts = {c.text for c, _ in reader.nearest(EMBEDDER.embed(["bridge opened"])[0], 5)}
    assert "The harbour bridge opened in 1933." in texts
    assert "The harbour bridge opened in 1932." not in texts
    assert not before & {c.chunk_id for c, _ in found}


def test_the_page_answers_from_a_file_the_cli_updated_with_exact_quotes(
    make_fake_assistant: Callable[..., Assistant], tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    report = folder / "report.txt"
    report.write_text("The convoy carried 40 tonnes of flour to the city.\n", encoding="utf-8")
    page = make_fake_assistant()
    page.ingest([folder])
    first = page.ask("How many tonnes of flour did the convoy carry?")
    assert "40" in first.text
    page.document_text(first.citations[0].source)  # the viewer showed it: now it is cached

    report.write_text(
        "Preface added here.\nThe convoy carried 75 tonnes of flour to the city.\n",
        encoding="utf-8",
    )
    other_process_ingests(Path(page.settings.store), folder, "--english")

    answer = page.ask("How many tonnes of flour did the convoy carry?")
    assert "75" in answer.text and "40" not in answer.text
    fresh = make_fake_assistant()  # a new process's view
    assert answer.citations
    for citation in answer.citations:  # offsets index the new text, not a cached old one
        text = fresh.document_text(citation.source)
        assert page.document_text(citation.source) == text
        assert text[citation.start : citation.end] == citation.quote


def test_a_second_writer_waits_for_the_first_and_says_so(tmp_path: Path) -> None:
    lock_file = tmp_path / "citeqa.lock"
    script = (
        "import sys; from pathlib import Path; from store.writes import WriteLock\n"
        f"with WriteLock(Path({str(lock_file)!r})).held(lambda m: print(m, flush=True)):\n"
        "    print('writing', flush=True)\n"
    )
    assert WriteLock(lock_file).free()
    with WriteLock(lock_file).held():
        assert not WriteLock(lock_file).free()
        waiter = subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
        assert waiter.stdout is not None
        assert waiter.stdout.readline().strip() == WAITING
        time.sleep(0.3)
        assert waiter.poll() is None  # still waiting while the first writer holds it
    out, _ = waiter.communicate(timeout=30)
    assert out.strip() == "writing"


def test_threads_of_one_process_take_turns_and_the_holder_may_take_it_again(
    tmp_path: Path,
) -> None:
    lock = WriteLock(tmp_path / "citeqa.lock")
    order: list[str] = []
    with lock.held(), lock.held():  # an ingest removing a vanished file takes it again
        waiting: list[str] = []

        def second() -> None:
            with lock.held(waiting.append):
                order.append("second")

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.2)
        order.append("first")
    thread.join(timeout=10)
    assert order == ["first", "second"]
