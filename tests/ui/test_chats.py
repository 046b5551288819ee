"""Saved chats: the store's chat log and what the page saves in it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rag import Assistant, Citation
from store.chats import ChatLog
from ui.chat import ChatSession
from ui.chats import chat_choices, chat_payload, restored, save_chat

CITATION = Citation(
    n=1,
    source="corpus/a.txt",
    start=4,
    end=20,
    quote="the Castello Road",
    score=0.9,
    title="Road report",
    outlet="TASS",
    date="August 12",
)
MESSAGES = [
    {"role": "user", "content": "Which road?"},
    {"role": "assistant", "content": "The Castello Road [1]"},
]
SESSION = ChatSession(turns=[("Which road?", "The Castello Road [1]")], citations=[[CITATION]])


def test_a_chat_comes_back_as_it_was_saved(tmp_path: Path) -> None:
    log = ChatLog(tmp_path / "chats.sqlite3")
    chat_id = save_chat(log, "", MESSAGES, SESSION)
    messages, session = restored(log.load(chat_id))
    assert messages == MESSAGES
    assert session == SESSION
    assert session.cited("0-1") == CITATION  # its markers still open their sources


def test_chats_survive_a_restart_newest_first(tmp_path: Path) -> None:
    log = ChatLog(tmp_path / "chats.sqlite3")
    first = save_chat(log, "", MESSAGES, SESSION)
    time.sleep(0.01)
    later = ChatSession(turns=[("When did the talks begin?", "On October 19 [1]")])
    second = save_chat(log, "", MESSAGES, later)
    reopened = ChatLog(tmp_path / "chats.sqlite3")
    assert [c.chat_id for c in reopened.chats()] == [second, first]
    assert [label.split(" · ")[0] for label, _ in chat_choices(reopened)] == [
        "When did the talks begin?",
        "Which road?",
    ]


def test_saving_again_keeps_the_id_and_a_new_name(tmp_path: Path) -> None:
    log = ChatLog(tmp_path / "chats.sqlite3")
    chat_id = save_chat(log, "", MESSAGES, SESSION)
    assert log.rename(chat_id, "  Roads   into Aleppo ")
    longer = ChatSession(turns=[*SESSION.turns, ("And who uses it?", "…")], citations=[[], []])
    assert save_chat(log, chat_id, MESSAGES, longer) == chat_id
    (summary,) = log.chats()
    assert summary.title == "Roads into Aleppo"
    assert restored(log.load(chat_id))[1].turns == longer.turns


def test_delete_rename_and_load_of_unknown_chats(tmp_path: Path) -> None:
    log = ChatLog(tmp_path / "chats.sqlite3")
    chat_id = save_chat(log, "", MESSAGES, SESSION)
    assert not log.rename("nope", "x") and not log.rename(chat_id, "   ")
    assert log.load("nope") is None
    assert log.delete(chat_id) and not log.delete(chat_id)
    assert log.chats() == []


@pytest.mark.parametrize(
    "payload",
    [None, {}, {"version": 99}, {"version": 1, "messages": "x"}, {"version": 1, "turns": 3}],
)
def test_an_unreadable_payload_opens_an_empty_chat(payload: dict[str, object] | None) -> None:
    assert restored(payload) == ([], ChatSession())


def test_chats_are_kept_with_the_store(make_fake_assistant: Callable[..., Assistant]) -> None:
    assistant = make_fake_assistant()
    chat_id = save_chat(assistant.chats, "", MESSAGES, chat_session())
    again = Assistant.open(settings=assistant.settings, embedder=assistant._embedder)
    assert [c.chat_id for c in again.chats.chats()] == [chat_id]


def chat_session() -> ChatSession:
    return ChatSession(turns=list(SESSION.turns), citations=[list(c) for c in SESSION.citations])


def test_the_payload_is_plain_json() -> None:
    import json

    payload = chat_payload(MESSAGES, SESSION)
    assert json.loads(json.dumps(payload)) == payload
