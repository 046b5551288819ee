"""The Gradio chat page: served on loopback and queried with gradio_client."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rag import Assistant
from ui.app import create_app, respond

QUESTION = "Which road is used to supply food to Aleppo?"


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


def test_respond_turns_a_question_error_into_a_message(
    make_fake_assistant: Callable[..., Assistant],
) -> None:
    bubble, panel = respond(make_fake_assistant(), "   ", [])
    assert bubble.startswith("Error:")
    assert "empty" in bubble
    assert "appear here" in panel


def test_respond_escapes_what_a_document_says(
    make_fake_assistant: Callable[..., Assistant], tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hostile.txt").write_text(
        "A hostile report\n\nThe Zorblax bridge carries <script>alert(1)</script> "
        "and ![x](http://evil/img.png) across the river.\n",
        encoding="utf-8",
    )
    assistant = make_fake_assistant()
    assert assistant.ingest([docs]).added
    bubble, panel = respond(assistant, "What does the Zorblax bridge carry across the river?", [])
    assert "Zorblax" in bubble
    for shown in (bubble, panel):
        assert "<script" not in shown.lower()
        assert "<img" not in shown.lower()
    assert "![" not in bubble
    assert "hostile.txt" in panel


@pytest.fixture(scope="module")
def served(real_assistant: Assistant) -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADIO_ANALYTICS_ENABLED", "False")  # nothing may leave the machine
        app = create_app(real_assistant)
        app.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=free_port())
        try:
            yield app
        finally:
            app.close()


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.filterwarnings("ignore:::gradio")  # pandas deprecations inside gradio's queue
def test_chat_endpoint_answers_with_citations(served: Any) -> None:
    from gradio_client import Client

    client = Client(served.local_url, verbose=False)
    try:
        bubble, panel = client.predict(QUESTION, api_name="/ask")
    finally:
        client.close()
    assert "Castello Road" in str(bubble)
    assert "000_bee090b7675e03d0.txt" in panel
    assert "Castello Road" in panel


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
