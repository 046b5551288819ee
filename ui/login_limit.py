"""Failed logins are rate-limited per client address (the page's ``--auth`` login).

Gradio checks a login in its own ``/login`` route and neither counts nor slows failures, and
its ``auth`` callable is not told who is asking. This ASGI middleware (FastAPI takes it
through Gradio's ``app_kwargs``) watches that route: a client whose failures in the last
``window`` seconds reach ``attempts`` gets HTTP 429 with the seconds to wait, without its
password being checked. Written by hand: a login limit per address is a dozen lines here,
and the rate-limit libraries for FastAPI decorate routes, which Gradio owns.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class LoginLimit:
    """At most ``attempts`` failed logins per client address per ``window`` seconds."""

    def __init__(
        self,
        app: ASGIApp,
        attempts: int = 5,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app, self.attempts, self.window, self._clock = app, attempts, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not _is_login(scope):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self._wait(client)
        if wait > 0:
            await _refuse(send, wait)
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, watch)
        if status and status[0] in (400, 401, 403):
            with self._lock:
                self._failures.setdefault(client, deque()).append(self._clock())

    def _wait(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: now)."""
        now = self._clock()
        with self._lock:
            failures = self._failures.get(client)
            if not failures:
                return 0.0
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if len(failures) < self.attempts:
                return 0.0
            return failures[0] + self.window - now


def _is_login(scope: Scope) -> bool:
    path = str(scope.get("path", "")).rstrip("/")
    return path.endswith("/login") or path == "login"


async def _refuse(send: Send, wait: float) -> None:
    seconds = max(1, round(wait))
    body = json.dumps(
        {"detail": f"Too many failed logins from this address; try again in {seconds} s."}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"retry-after", str(seconds).encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
