"""The served page under load and abuse: questions in parallel, a bounded queue, a login
limit per address, and every route of the app behind the login."""

from __future__ import annotations

import asyncio
import http.client
import http.cookiejar
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rag import Assistant
from ui.app import create_app, serve
from ui.login_limit import LoginLimit

pytestmark = pytest.mark.filterwarnings("ignore:::gradio")
MARKER = "Quillimbrook"  # a word only the ingested document holds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(
    url: str, method: str = "GET", data: bytes | None = None, opener: Any = None
) -> tuple[int | str, str]:
    """Status and body (a stream is read for 2 s, then reported as 'stream')."""
    call = urllib.request.Request(url, data=data, method=method)
    try:
        with (opener or urllib.request.build_opener()).open(call, timeout=2) as response:
            return response.status, response.read(20_000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except TimeoutError:
        return "stream", ""
    except http.client.IncompleteRead as error:  # a stream the server ended badly
        return "cut", error.partial.decode("utf-8", "replace")


def login(base: str, user: str, password: str, opener: Any = None) -> int | str:
    form = urllib.parse.urlencode({"username": user, "password": password}).encode()
    return request(f"{base}/login", "POST", form, opener)[0]


class SlowAsk:
    """``Assistant.ask`` that takes ``seconds`` and records how many ran at once."""

    def __init__(self, assistant: Assistant, seconds: float) -> None:
        self._ask, self._seconds = assistant.ask, seconds
        self.running = self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, question: str) -> Any:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            time.sleep(self._seconds)
            return self._ask(question)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def serving(
    make_fake_assistant: Callable[..., Assistant], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Any]]:
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    apps: list[Any] = []

    def start(assistant: Assistant | None = None, **kwargs: Any) -> Any:
        app = serve(
            create_app(assistant or make_fake_assistant()),
            port=free_port(),
            block=False,
            **kwargs,
        )
        apps.append(app)
        return app

    yield start
    for app in apps:
        app.close()


def ask_all(url: str, questions: int) -> tuple[list[Any], list[str]]:
    from gradio_client import Client

    answers: list[Any] = []
    errors: list[str] = []

    def one() -> None:
        client = Client(url, verbose=False)
        try:
            answers.append(client.predict("Which road?", api_name="/ask"))
        except Exception as error:  # the test reads the message
            errors.append(str(error))
        finally:
            client.close()

    threads = [threading.Thread(target=one) for _ in range(questions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers, errors


@pytest.mark.e2e
def test_questions_are_answered_in_parallel(
    serving: Callable[..., Any], make_fake_assistant: Callable[..., Assistant]
) -> None:
    assistant = make_fake_assistant(concurrency=4)
    slow = SlowAsk(assistant, 1.5)
    assistant.ask = slow  # type: ignore[method-assign]
    app = serving(assistant)
    answers, errors = ask_all(app.local_url, 4)
    assert not errors and len(answers) == 4
    assert slow.peak >= 3  # one at a time would take 6 s; they overlapped


@pytest.mark.e2e
def test_a_full_queue_says_busy_at_once_instead_of_waiting(
    serving: Callable[..., Any], make_fake_assistant: Callable[..., Assistant]
) -> None:
    assistant = make_fake_assistant(concurrency=1, queue_size=1)
    assistant.ask = SlowAsk(assistant, 3.0)  # type: ignore[method-assign]
    app = serving(assistant)
    answers, errors = ask_all(app.local_url, 5)
    assert answers, errors  # the first is answered
    assert errors and all("Queue is full" in e for e in errors), errors


@pytest.mark.e2e
def test_failed_logins_are_limited_per_address(serving: Callable[..., Any]) -> None:
    app = serving(auth=("ann", "s3cret"), login_attempts=3)
    base = app.local_url.rstrip("/")
    assert [login(base, "ann", "wrong") for _ in range(3)] == [400, 400, 400]
    assert login(base, "ann", "s3cret") == 429  # even the right password waits now
    status, body = request(f"{base}/login", "POST", b"username=ann&password=x")
    assert status == 429 and re.search(r"try again in \d+ s", body)


def test_the_login_limit_forgets_failures_after_its_window() -> None:
    now = [0.0]

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 400, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    limit = LoginLimit(app, attempts=2, window=60, clock=lambda: now[0])

    def attempt(client: str) -> int:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        async def receive() -> Any:
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "method": "POST", "path": "/login", "client": (client, 1)}
        asyncio.run(limit(scope, receive, send))
        return int(sent[0]["status"])

    assert [attempt("10.0.0.1"), attempt("10.0.0.1"), attempt("10.0.0.1")] == [400, 400, 429]
    assert attempt("10.0.0.2") == 400  # another address is not held back
    now[0] = 61.0
    assert attempt("10.0.0.1") == 400


# Routes Gradio serves before login by design: the login page (also at /gradio_api/runs) and
# its code, styles and icons, the login machinery, and a session's keep-alive stream (empty
# heartbeats). Nothing from the documents may appear in any of them.
PUBLIC = re.compile(
    r"^/(|login/?|logout|svelte/.*|static/.*|assets/.*|favicon\.ico|theme\.css|robots\.txt"
    r"|pwa_icon.*|manifest\.json|openapi\.json|gradio_api/(login_check|token|app_id|user)/?"
    r"|gradio_api/theme\.css|gradio_api/startup-events|gradio_api/openapi\.json"
    r"|gradio_api/runs/?|gradio_api/heartbeat/\{session_hash\})$"
)
REFUSED = {401, 403, 404, 405, 422}


def app_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route the running app serves, included routers too."""

    def walk(routes: list[Any]) -> Iterator[tuple[str, str]]:
        for route in routes:
            inner = getattr(route, "original_router", None) or getattr(route, "router", None)
            if inner is not None and not hasattr(route, "path"):
                yield from walk(list(inner.routes))
                continue
            for method in sorted(getattr(route, "methods", None) or {"GET"}):
                if method != "HEAD":
                    yield method, str(route.path)

    return sorted(set(walk(list(app.server_app.routes))))


@pytest.mark.e2e
def test_every_route_is_behind_the_login(
    serving: Callable[..., Any], make_fake_assistant: Callable[..., Assistant], tmp_path: Path
) -> None:
    assistant = make_fake_assistant()
    own = tmp_path / "own"
    own.mkdir()
    (own / "memo.txt").write_text(f"The {MARKER} depot holds salt.\n", encoding="utf-8")
    assistant.ingest([own])
    app = serving(assistant, auth=("ann", "s3cret"), login_attempts=1000)
    base = app.local_url.rstrip("/")
    routes = app_routes(app)
    assert len(routes) > 40 and ("POST", "/gradio_api/call/{api_name}") in routes
    source = str(own / "memo.txt")
    jar = http.cookiejar.CookieJar()
    logged_in = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    assert login(base, "ann", "s3cret", logged_in) == 200

    opened_by_login = []
    served_openly = []
    for method, path in routes:
        filled = re.sub(r"\{(\w+)(:path)?\}", lambda m: _fill(m.group(1), source), path)
        url = base + urllib.parse.quote(filled, safe="/=:.")
        body = b'{"data": ["' + source.encode() + b'"]}' if method == "POST" else None
        status, text = request(url, method, body)
        assert MARKER not in text, (method, path)
        if not PUBLIC.match(path) and status not in REFUSED:
            served_openly.append((method, path, status))
        if path == "/logout":
            continue  # with the login it would end the session the rest of the loop uses
        after, _ = request(url, method, body, logged_in)
        if status == 401 and after != 401:
            opened_by_login.append(path)
    assert served_openly == [], "\n".join(map(str, served_openly))
    assert "/gradio_api/call/{api_name}" in opened_by_login  # the login is what opens them
    assert "/config" in opened_by_login


def _fill(name: str, source: str) -> str:
    return {"api_name": "document", "path_or_url": source, "path": source}.get(name, "x")
