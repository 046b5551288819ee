"""Saved conversations: a small SQLite file in the store folder (``chats.sqlite3``), one list
for all of the store's collections.

A chat is kept as its id, a title, when it changed, and a JSON payload that the face which
saved it reads back (the page keeps its rendered messages and each answer's citations).
The store does not read the payload; it only keeps it, lists it and forgets it. Chats stay
on the machine that saved them, also when the chunks live on a Chroma server.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.sqlite import open_database

MAX_TITLE = 80  # characters of a chat's title


@dataclass(frozen=True)
class ChatSummary:
    """One saved chat as the list shows it."""

    chat_id: str
    title: str
    updated: float  # seconds since the epoch


class ChatLog:
    """Saved chats, newest first; safe to share between the page's threads."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_database(
            path,
            "the saved chats",
            [
                "CREATE TABLE IF NOT EXISTS chats (id TEXT PRIMARY KEY, title TEXT NOT NULL, "
                "updated REAL NOT NULL, payload TEXT NOT NULL)"
            ],
            wal=True,
        )

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def save(self, chat_id: str, title: str, payload: dict[str, Any]) -> None:
        """Keep ``payload`` as chat ``chat_id`` (a new one, or replacing what it held; a
        renamed chat keeps its name)."""
        title = " ".join(title.split())[:MAX_TITLE] or "Untitled chat"
        body = json.dumps(payload, ensure_ascii=False)
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO chats (id, title, updated, payload) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET updated = excluded.updated, "
                "payload = excluded.payload",
                (chat_id, title, time.time(), body),
            )

    def chats(self) -> list[ChatSummary]:
        """Every saved chat, the latest changed first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, title, updated FROM chats ORDER BY updated DESC, id"
            ).fetchall()
        return [ChatSummary(str(i), str(t), float(u)) for i, t, u in rows]

    def load(self, chat_id: str) -> dict[str, Any] | None:
        """The payload of chat ``chat_id``; None when there is no such chat."""
        with self._lock:
            row = self._db.execute("SELECT payload FROM chats WHERE id = ?", (chat_id,)).fetchone()
        if row is None:
            return None
        try:
            payload = json.loads(row[0])
        except ValueError:
            return None
        return payload if isinstance(payload, dict) else None

    def rename(self, chat_id: str, title: str) -> bool:
        """Give chat ``chat_id`` a new title; False when there is no such chat."""
        title = " ".join(title.split())[:MAX_TITLE]
        if not title:
            return False
        with self._lock, self._db:
            changed = self._db.execute(
                "UPDATE chats SET title = ? WHERE id = ?", (title, chat_id)
            ).rowcount
        return bool(changed)

    def delete(self, chat_id: str) -> bool:
        """Forget chat ``chat_id``; False when there is no such chat."""
        with self._lock, self._db:
            return bool(self._db.execute("DELETE FROM chats WHERE id = ?", (chat_id,)).rowcount)
