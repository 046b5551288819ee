"""The same store on a real Chroma server (`chroma run`), started by the test on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rag import Assistant, StoreError, load_settings
from store.embedder import HashingEmbedder

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma run did not answer its heartbeat within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_ingest_and_ask_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "road.txt").write_text(
        "Aid road\n\nThe Castello Road is used to supply food, water and medicines to Aleppo.\n",
        encoding="utf-8",
    )
    # The chunks live on the server; the keyword index stays in the local store folder.
    settings = load_settings(
        store=tmp_path / "local",
        chroma_url=chroma_url,
        collection="server_test",
        abstain_threshold=0.0,
    )
    assistant = Assistant.open(settings=settings, embedder=HashingEmbedder())
    report = assistant.ingest([corpus])
    assert report.added == [str(corpus / "road.txt")]

    reopened = Assistant.open(settings=settings, embedder=HashingEmbedder())
    assert reopened.ingest([corpus]).unchanged == [str(corpus / "road.txt")]
    answer = reopened.ask("Which road is used to supply food to Aleppo?")
    assert not answer.abstained
    citation = answer.citations[0]
    text = (corpus / "road.txt").read_text(encoding="utf-8")
    assert citation.quote == text[citation.start : citation.end]
    assert "Castello Road" in citation.quote
    assert list((tmp_path / "local").glob("server_test-*.keywords.sqlite3"))

    assert reopened.remove(str(corpus / "road.txt"))
    again = Assistant.open(settings=settings, embedder=HashingEmbedder())
    assert again.documents() == []
    assert again.ask("Which road is used to supply food to Aleppo?").abstained


def test_an_unreachable_server_is_one_clear_error() -> None:
    settings = load_settings(chroma_url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(StoreError, match=r"127\.0\.0\.1"):
        Assistant.open(settings=settings, embedder=HashingEmbedder())
