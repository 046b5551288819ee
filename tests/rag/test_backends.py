"""rag.backends: the real OpenAI-compatible and Ollama clients against scripted loopback servers.

Every failure (HTTP error, refused connection, timeout, a body that is not JSON) must come
out as one ``BackendError`` line that names the URL and the model, for ``complete`` and for
``stream`` alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.backends import BackendConfig, LLMBackend, ScriptedBackend, build_backend
from store.errors import BackendError, CiteqaError
from tests.llm_servers import (  # the fixtures are used as arguments below
    Script,
    ScriptedServer,
    llm_server,  # noqa: F401
    openai_server,  # noqa: F401
    refused_url,  # noqa: F401
)

TEXT = "Four humanitarian corridors would open in Aleppo [1]. The road was closed in July [2]."


def backend_for(server: ScriptedServer, timeout: float = 1.0) -> LLMBackend:
    backend = build_backend(BackendConfig(server.kind, url=server.url, model="m", timeout=timeout))
    assert backend is not None
    return backend


def streamed(backend: LLMBackend, prompt: str) -> str:
    return "".join(backend.stream(prompt))


CALLS: dict[str, Callable[[LLMBackend, str], str]] = {
    "complete": lambda backend, prompt: backend.complete(prompt),
    "stream": streamed,
}


def assert_one_line_naming(error: BackendError, url: str, model: str = "m") -> None:
    message = str(error)
    assert "\n" not in message
    assert url in message
    assert f"model {model}" in message


def test_extractive_needs_no_backend() -> None:
    assert build_backend(BackendConfig("extractive")) is None


def test_complete_returns_the_scripted_text(llm_server: ScriptedServer) -> None:  # noqa: F811
    llm_server.script(TEXT)
    assert backend_for(llm_server).complete("Which road?") == TEXT
    (request,) = llm_server.requests
    assert request.prompt == "Which road?"
    assert not request.stream
    assert request.body["model"] == "m"


def test_stream_yields_the_scripted_text_in_deltas(llm_server: ScriptedServer) -> None:  # noqa: F811
    llm_server.script(Script(TEXT, chunk=10))
    deltas = list(backend_for(llm_server).stream("Which road?"))
    assert "".join(deltas) == TEXT
    assert len(deltas) == -(-len(TEXT) // 10)
    (request,) = llm_server.requests
    assert request.stream and request.prompt == "Which road?"


def test_the_reply_can_depend_on_the_prompt(llm_server: ScriptedServer) -> None:  # noqa: F811
    llm_server.script(lambda prompt: Script(prompt.upper()))
    assert backend_for(llm_server).complete("echo me") == "ECHO ME"


def test_the_label_names_the_url_and_model(llm_server: ScriptedServer) -> None:  # noqa: F811
    label = backend_for(llm_server).label
    assert llm_server.kind in label and llm_server.url in label and "model m" in label


def test_an_openai_url_without_v1_gets_it(openai_server: ScriptedServer) -> None:  # noqa: F811
    openai_server.script("yes")
    root = openai_server.url.removesuffix("/v1") + "/"
    backend = build_backend(BackendConfig("openai", url=root, model="m", timeout=1.0))
    assert backend is not None and backend.complete("q") == "yes"
    assert openai_server.requests[0].path == "/v1/chat/completions"


FAILURES = {
    "http 500": Script("never sent", status=500),
    "invalid json": Script(garbage=True),
    "json breaks mid-stream": Script("Four corridors", garbage=True),
    "slower than the timeout": Script("too late", delay=5.0),
}


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("failure", FAILURES)
def test_a_server_failure_is_one_backend_error_line(
    llm_server: ScriptedServer,  # noqa: F811
    failure: str,
    call: str,
) -> None:
    llm_server.script(FAILURES[failure])
    backend = backend_for(llm_server, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(BackendError) as raised:
        CALLS[call](backend, "Which road?")
    assert time.monotonic() - started < 3.0  # gave up at the timeout, did not wait 5 s
    assert_one_line_naming(raised.value, llm_server.url)
    assert len(llm_server.requests) == 1  # no retries


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("kind", ["openai", "ollama"])
def test_a_refused_connection_is_one_backend_error_line(
    refused_url: str,  # noqa: F811
    kind: str,
    call: str,
) -> None:
    url = refused_url + ("/v1" if kind == "openai" else "")
    backend = build_backend(BackendConfig(kind, url=url, model="m", timeout=1.0))
    assert backend is not None
    with pytest.raises(BackendError) as raised:
        CALLS[call](backend, "Which road?")
    assert_one_line_naming(raised.value, url)


@pytest.mark.parametrize("gguf", [None, "missing/model.gguf"])
def test_llamacpp_without_a_gguf_file_names_the_path(tmp_path: Path, gguf: str | None) -> None:
    path = tmp_path / gguf if gguf else None
    with pytest.raises(BackendError) as raised:
        build_backend(BackendConfig("llamacpp", gguf=path))
    message = str(raised.value)
    assert str(path) in message and "CITEQA_LLM_GGUF" in message
    assert "\n" not in message


def test_an_unknown_backend_is_refused_with_the_choices() -> None:
    with pytest.raises(BackendError) as raised:
        build_backend(BackendConfig("gpt-nine"))
    message = str(raised.value)
    assert "gpt-nine" in message
    for kind in ("extractive", "openai", "ollama", "llamacpp"):
        assert kind in message
    assert isinstance(raised.value, CiteqaError)


# --- the deterministic fake -------------------------------------------------------------------


def test_scripted_backend_replies_and_records_prompts() -> None:
    backend = ScriptedBackend(TEXT)
    assert backend.complete("first") == TEXT
    assert backend.prompts == ["first"]
    assert backend.label == "scripted backend"


def test_scripted_backend_streams_in_chunks() -> None:
    backend = ScriptedBackend(TEXT, chunk=7)
    deltas = list(backend.stream("q"))
    assert "".join(deltas) == TEXT
    assert all(len(d) == 7 for d in deltas[:-1])
    assert backend.prompts == ["q"]


def test_scripted_backend_reply_can_read_the_prompt() -> None:
    backend = ScriptedBackend(lambda prompt: f"you said {prompt}")
    assert backend.complete("hello") == "you said hello"
    assert "".join(backend.stream("bye")) == "you said bye"
    assert backend.prompts == ["hello", "bye"]
