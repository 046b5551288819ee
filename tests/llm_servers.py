"""Scripted LLM servers on 127.0.0.1 for tests: the OpenAI chat-completions API and Ollama.

Each server is a stdlib ``ThreadingHTTPServer`` on port 0 in a thread. What it answers comes
from a ``Script`` (or a function of the prompt returning one), so a test can make the model
answer with given text, fail with an HTTP status, stall past the client's timeout, send a
body that is not JSON, or stream in chunks of a given size. Every request is recorded so a
test can read the prompt the backend sent.

Use the fixtures (``openai_server``, ``ollama_server``, ``llm_server`` over both kinds,
``refused_url``) or ``serve(kind)`` as a context manager for wider scopes.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import pytest

Kind = Literal["openai", "ollama"]
SERVER_KINDS: tuple[Kind, ...] = ("openai", "ollama")


@dataclass(frozen=True)
class Script:
    """What the server does with the next request.

    Attributes:
        text: the answer the model "writes".
        status: an HTTP status other than 200 makes the request fail with an error body.
        delay: seconds to wait before answering (past the client's timeout, to test it).
        garbage: answer with a body that is not JSON (when streaming: after the text).
        chunk: characters per streamed delta.
        pace: seconds between streamed deltas (so a browser can watch the answer grow).
    """

    text: str = ""
    status: int = 200
    delay: float = 0.0
    garbage: bool = False
    chunk: int = 8
    pace: float = 0.0


Reply = Script | str | Callable[[str], "Script | str"]


@dataclass(frozen=True)
class Request:
    """One request as the server received it."""

    method: str
    path: str
    body: Any

    @property
    def stream(self) -> bool:
        return isinstance(self.body, dict) and bool(self.body.get("stream"))

    @property
    def prompt(self) -> str:
        """The text of the last user message ('' when there is none)."""
        if not isinstance(self.body, dict):
            return ""
        users = [m for m in self.body.get("messages", []) if m.get("role") == "user"]
        return str(users[-1].get("content", "")) if users else ""


@dataclass
class ScriptedServer:
    """A running scripted server. ``url`` is what a backend is configured with."""

    kind: Kind
    url: str
    reply: Reply = field(default_factory=lambda: Script("The documents do not say."))
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.closing = threading.Event()

    def script(self, reply: Reply) -> ScriptedServer:
        """Answer every following request with ``reply``, and forget earlier requests."""
        with self._lock:
            self.reply = reply
            self.requests.clear()
        return self

    def record(self, request: Request) -> Script:
        with self._lock:
            self.requests.append(request)
            reply = self.reply
        if callable(reply):
            reply = reply(request.prompt)
        return Script(reply) if isinstance(reply, str) else reply

    @property
    def prompts(self) -> list[str]:
        return [r.prompt for r in self.requests]


# --- replies written from the prompt -------------------------------------------------------------

_PASSAGE = re.compile(r"^\[(\d+)\] \(.*\)\n(.*)$", re.MULTILINE)


def passage_number(prompt: str, phrase: str) -> int:
    """The number of the first passage in an answer prompt whose text holds ``phrase``."""
    for number, window in _PASSAGE.findall(prompt):
        if phrase in window:
            return int(number)
    raise AssertionError(f"no passage in the prompt holds {phrase!r}:\n{prompt}")


def written(*sentences: tuple[str, str]) -> Callable[[str], str]:
    """A reply citing, after each (sentence, phrase), the passage that holds the phrase.

    Retrieval decides the order of the passages, so a fixed "[1]" could point anywhere.
    """

    def reply(prompt: str) -> str:
        return " ".join(f"{text} [{passage_number(prompt, phrase)}]." for text, phrase in sentences)

    return reply


def _openai_body(text: str, model: str) -> dict[str, Any]:
    return {
        "id": "scripted",
        "object": "chat.completion",
        "created": 1,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _openai_events(script: Script, model: str) -> Iterator[str]:
    """Server-sent events: one ``data:`` line per delta, then ``data: [DONE]``."""
    for i in range(0, len(script.text), script.chunk):
        delta = {"content": script.text[i : i + script.chunk]}
        if i == 0:
            delta["role"] = "assistant"
        chunk = {
            "id": "scripted",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
        }
        yield f"data: {json.dumps(chunk)}\n\n"
    if script.garbage:
        yield "data: {not json\n\n"
        return
    end = {
        "id": "scripted",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": model,
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    }
    yield f"data: {json.dumps(end)}\n\n"
    yield "data: [DONE]\n\n"


def _ollama_body(text: str, model: str, done: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "created_at": "2024-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": text},
        "done": done,
    }
    if done:
        body |= {"done_reason": "stop", "prompt_eval_count": 1, "eval_count": 1}
    return body


def _ollama_lines(script: Script, model: str) -> Iterator[str]:
    """NDJSON: one line per delta, then a line with ``"done": true``."""
    for i in range(0, len(script.text), script.chunk):
        yield json.dumps(_ollama_body(script.text[i : i + script.chunk], model, done=False)) + "\n"
    if script.garbage:
        yield "{not json\n"
        return
    yield json.dumps(_ollama_body("", model)) + "\n"


def _handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

        def do_GET(self) -> None:
            server.record(Request("GET", self.path, None))
            self._send(404, {"error": f"no route {self.path}"})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
            request = Request("POST", self.path, body)
            script = server.record(request)
            route = "/chat/completions" if server.kind == "openai" else "/api/chat"
            if not self.path.endswith(route):
                self._send(404, {"error": f"no route {self.path}"})
                return
            # Waiting on the event lets close() end a stalled answer at once.
            if script.delay and server.closing.wait(script.delay):
                return
            model = body.get("model", "") if isinstance(body, dict) else ""
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer(script, model, request.stream)

        def _answer(self, script: Script, model: str, stream: bool) -> None:
            if script.status != 200:
                message = f"scripted failure {script.status}"
                error = {"message": message, "type": "server_error"}
                self._send(script.status, {"error": error if server.kind == "openai" else message})
            elif stream and server.kind == "openai":
                self._stream(script, "text/event-stream", _openai_events(script, model))
            elif stream:
                self._stream(script, "application/x-ndjson", _ollama_lines(script, model))
            elif script.garbage:
                self._send(200, "{not json")
            elif server.kind == "openai":
                self._send(200, _openai_body(script.text, model))
            else:
                self._send(200, _ollama_body(script.text, model))

        def _send(self, status: int, body: object) -> None:
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True

        def _stream(self, script: Script, content_type: str, pieces: Iterator[str]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for piece in pieces:
                if script.pace:
                    time.sleep(script.pace)
                data = piece.encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.close_connection = True

    return Handler


@contextlib.contextmanager
def serve(kind: Kind, reply: Reply | None = None) -> Iterator[ScriptedServer]:
    """Run a scripted ``kind`` server on 127.0.0.1 until the block ends."""
    scripted = ScriptedServer(kind, url="")
    if reply is not None:
        scripted.script(reply)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(scripted))
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    scripted.url = f"http://127.0.0.1:{port}" + ("/v1" if kind == "openai" else "")
    thread = threading.Thread(
        target=httpd.serve_forever, args=(0.05,), name=f"{kind}-server", daemon=True
    )
    thread.start()
    try:
        yield scripted
    finally:
        scripted.closing.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def unused_port() -> int:
    """A loopback port nothing listens on (bound once, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def openai_server() -> Iterator[ScriptedServer]:
    with serve("openai") as server:
        yield server


@pytest.fixture
def ollama_server() -> Iterator[ScriptedServer]:
    with serve("ollama") as server:
        yield server


@pytest.fixture(params=SERVER_KINDS)
def llm_server(request: pytest.FixtureRequest) -> Iterator[ScriptedServer]:
    """A scripted server of each kind in turn."""
    with serve(request.param) as server:
        yield server


@pytest.fixture
def refused_url() -> str:
    """A loopback URL where the connection is refused."""
    return f"http://127.0.0.1:{unused_port()}"
