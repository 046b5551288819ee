"""Saved chats on the page: what a conversation is saved as, and how it comes back.

The store keeps each chat as an opaque JSON payload (``store.chats``); this module decides
what the page puts in it: the messages as shown, the turns that follow-ups read, and each
answer's citations, so that its [n] markers open their sources after a reload or a restart.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from rag import Citation
from store.chats import ChatLog
from ui.chat import ChatSession, Message

PAYLOAD_VERSION = 1


def chat_payload(
    messages: list[Message], session: ChatSession, collection: str | None = None
) -> dict[str, Any]:
    return {
        "version": PAYLOAD_VERSION,
        "collection": collection,
        "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
        "turns": [list(t) for t in session.turns],
        "citations": [[asdict(c) for c in turn] for turn in session.citations],
    }


def restored(payload: dict[str, Any] | None) -> tuple[list[Message], ChatSession]:
    """The messages and session a payload holds; an empty chat for anything unreadable."""
    if not payload or payload.get("version") != PAYLOAD_VERSION:
        return [], ChatSession()
    try:
        messages = [
            {"role": str(m["role"]), "content": str(m["content"])} for m in payload["messages"]
        ]
        session = ChatSession(
            turns=[(str(q), str(a)) for q, a in payload["turns"]],
            citations=[[Citation(**c) for c in turn] for turn in payload["citations"]],
        )
    except (KeyError, TypeError, ValueError):
        return [], ChatSession()
    return messages, session


def save_chat(
    log: ChatLog,
    chat_id: str,
    messages: list[Message],
    session: ChatSession,
    collection: str | None = None,
) -> str:
    """Save the conversation (its first question is its title) asked of ``collection``; its
    id, new if it had none."""
    chat_id = chat_id or log.new_id()
    title = session.turns[0][0] if session.turns else "Untitled chat"
    log.save(chat_id, title, chat_payload(messages, session, collection))
    return chat_id


def chat_collection(payload: dict[str, Any] | None) -> str | None:
    """The collection a saved chat was asked of, if it says."""
    name = (payload or {}).get("collection")
    return name if isinstance(name, str) and name else None


def chat_choices(log: ChatLog) -> list[tuple[str, str]]:
    """(label, id) of every saved chat, the latest first: its title and when it changed."""
    return [
        (f"{c.title} · {time.strftime('%Y-%m-%d %H:%M', time.localtime(c.updated))}", c.chat_id)
        for c in log.chats()
    ]
