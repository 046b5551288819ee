"""The Gradio app served on loopback: its HTTP API (gradio_client), file safety and login."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rag import Assistant
from ui.app import EXAMPLES, create_app, default_examples, serve

QUESTION = "Which road is used to supply food to Aleppo?"

pytestmark = pytest.mark.filterwarnings("ignore:::gradio")  # deprecations inside gradio's queue


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def outside_address() -> str | None:
    """This machine's address on its default route, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def get(url: str) -> tuple[int, str]:
    """Status and body of a GET, without raising on HTTP errors."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def served(real_assistant: Assistant) -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADIO_ANALYTICS_ENABLED", "False")  # nothing may leave the machine
        app = serve(create_app(real_assistant), port=free_port(), block=False)
        try:
            yield app
        finally:
            app.close()


@pytest.fixture
def client(served: Any) -> Iterator[Any]:
    from gradio_client import Client

    client = Client(served.local_url, verbose=False)
    try:
        yield client
    finally:
        client.close()


@pytest.mark.slow
@pytest.mark.e2e
def test_ask_endpoint_answers_with_citations(client: Any) -> None:
    answer = client.predict(QUESTION, api_name="/ask")
    assert answer["abstained"] is False
    assert "Castello Road" in answer["text"]
    [first, *_] = answer["citations"]
    assert first["source"].endswith("000_bee090b7675e03d0.txt")
    text = Path(first["source"]).read_text(encoding="utf-8")
    assert text[first["start"] : first["end"]] == first["quote"]
    assert first["outlet"] == "TASS"


@pytest.mark.slow
@pytest.mark.e2e
def test_ask_endpoint_reports_a_bad_question(client: Any) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="empty"):
        client.predict("   ", api_name="/ask")


@pytest.mark.slow
@pytest.mark.e2e
def test_document_endpoint_serves_ingested_files_only(
    client: Any, real_assistant: Assistant
) -> None:
    from gradio_client.exceptions import AppError

    source = real_assistant.documents()[0].source
    assert client.predict(source, api_name="/document") == Path(source).read_text(encoding="utf-8")
    crafted = [
        "../../etc/passwd",
        "/etc/passwd",
        f"{Path(source).parent}/../../../../etc/passwd",
        str(Path(source).parent),
    ]
    for path in crafted:
        with pytest.raises(AppError, match="not an ingested document"):
            client.predict(path, api_name="/document")


@pytest.mark.slow
@pytest.mark.e2e
def test_the_file_route_serves_nothing_from_the_disk(served: Any, corpus_dir: Path) -> None:
    base = served.local_url.rstrip("/")
    corpus_file = next(corpus_dir.glob("*.txt"))
    for path in (
        "/etc/passwd",
        "../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        str(corpus_file),
        f"/{corpus_file.name}",
    ):
        for route in ("gradio_api/file=", "file="):
            status, body = get(f"{base}/{route}{path}")
            assert status in (403, 404, 405), (route, path, status)
            assert "root:" not in body
            assert "Aleppo" not in body


@pytest.mark.slow
@pytest.mark.e2e
def test_server_listens_on_loopback_only(served: Any) -> None:
    assert served.server_name == "127.0.0.1"
    assert served.local_url.startswith(f"http://127.0.0.1:{served.server_port}")
    with socket.create_connection(("127.0.0.1", served.server_port), timeout=5):
        pass
    address = outside_address()
    if address is not None:
        with pytest.raises(OSError):
            socket.create_connection((address, served.server_port), timeout=5).close()


@pytest.mark.e2e
def test_auth_requires_the_login(
    make_fake_assistant: Callable[..., Assistant], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gradio_client import Client

    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    app = serve(
        create_app(make_fake_assistant()), port=free_port(), auth=("ann", "s3cret"), block=False
    )
    try:
        url = app.local_url.rstrip("/")
        status, _ = get(f"{url}/config")
        assert status == 401
        with pytest.raises(ValueError, match=r"(?i)login|auth"):
            Client(app.local_url, verbose=False)
        with pytest.raises(ValueError):
            Client(app.local_url, auth=("ann", "wrong"), verbose=False)
        client = Client(app.local_url, auth=("ann", "s3cret"), verbose=False)
        try:
            answer = client.predict("Which road?", api_name="/ask")
        finally:
            client.close()
        assert answer["abstained"] is True  # an empty store: asked and answered, not refused
    finally:
        app.close()


def test_bundled_examples_are_offered_only_over_the_bundled_corpus(
    make_fake_assistant: Callable[..., Assistant], corpus_dir: Path, tmp_path: Path
) -> None:
    assistant = make_fake_assistant()
    assert default_examples(assistant) == []
    own = tmp_path / "own"
    own.mkdir()
    (own / "memo.txt").write_text("A memo\n\nThe canteen opens at noon.\n", encoding="utf-8")
    assistant.ingest([own])
    assert default_examples(assistant) == []
    assistant.ingest([corpus_dir])
    assert default_examples(assistant) == EXAMPLES
