"""One chat session: the streaming turn generator, per-session options and citation look-up.

Everything here is plain Python over ``rag.Assistant``; ``ui.app`` wires it to Gradio.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rag import Answer, Assistant, Citation, CiteqaError
from ui.format import (
    answer_markdown,
    document_html,
    escape_markdown,
    sources_html,
    viewer_message,
)

Message = dict[str, Any]  # Gradio's chat message: {"role": ..., "content": ...}


_CITATION_KEY = re.compile(r"(\d{1,6})-(\d{1,6})", re.ASCII)


@dataclass
class ChatSession:
    """What one browser tab remembers: turns for follow-ups and each answer's citations."""

    turns: list[tuple[str, str]] = field(default_factory=list)
    citations: list[list[Citation]] = field(default_factory=list)

    def cited(self, key: str) -> Citation | None:
        """The citation behind a marker key ``"<turn>-<n>"``; None for anything else."""
        # ASCII digits only, and few: str.isdigit() accepts '²', which int() then refuses.
        match = _CITATION_KEY.fullmatch(key) if isinstance(key, str) else None
        if match is None or int(match[1]) >= len(self.citations):
            return None
        return next((c for c in self.citations[int(match[1])] if c.n == int(match[2])), None)


@dataclass(frozen=True)
class ChatOptions:
    """The settings panel: which backend answers, and how many passages it reads."""

    llm: str = "extractive"
    llm_url: str = ""
    llm_model: str = ""
    llm_gguf: str = ""
    top_k: int = 10
    show_scores: bool = False

    def overrides(self) -> dict[str, Any]:
        """Settings for ``Assistant.configure``; the scores toggle only changes the display."""
        return {
            "llm": self.llm,
            "llm_url": self.llm_url.strip() or None,
            "llm_model": self.llm_model.strip() or None,
            "llm_gguf": self.llm_gguf.strip() or None,
            "top_k": int(self.top_k),
        }


class AssistantPool:
    """Assistants for the option sets sessions have chosen, all over the one store.

    ``Assistant.configure`` shares the store, the model and the keyword index, so each entry
    is cheap; the cache keeps a local GGUF model from loading again on every question.
    """

    def __init__(self, base: Assistant, size: int = 8) -> None:
        self.base = base
        self._size = max(1, size)
        self._cache: dict[tuple[tuple[str, Any], ...], Assistant] = {}
        self._lock = threading.Lock()

    def get(self, options: ChatOptions) -> Assistant:
        overrides = options.overrides()
        key = tuple(sorted(overrides.items()))
        with self._lock:
            if key not in self._cache:
                if len(self._cache) >= self._size:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[key] = self.base.configure(**overrides)
            return self._cache[key]


Update = tuple[list[Message], str, ChatSession]


def chat_turn(
    pool: AssistantPool,
    message: str,
    messages: list[Message],
    session: ChatSession,
    options: ChatOptions,
) -> Iterator[Update]:
    """Stream one turn: (chat messages, sources panel, session) after each change.

    The answer grows as the backend writes it; the last update carries the verified answer
    with clickable [n] markers and the cited passages.
    """
    messages = [*messages, {"role": "user", "content": escape_markdown(message)}]
    reply: Message = {"role": "assistant", "content": ""}
    messages.append(reply)
    yield messages, sources_html(None), session
    written = ""
    try:
        assistant = pool.get(options)
        for item in assistant.stream(message, session.turns):
            if isinstance(item, Answer):
                turn = len(session.citations)
                session = ChatSession(
                    turns=[*session.turns, (message, item.text)],
                    citations=[*session.citations, item.citations],
                )
                reply["content"] = answer_markdown(item, turn)
                yield messages, sources_html(item, turn, options.show_scores), session
            else:
                written += item
                reply["content"] = escape_markdown(written)
                yield messages, sources_html(None), session
    except CiteqaError as error:
        reply["content"] = escape_markdown(f"Error: {error}")
        yield messages, sources_html(None), session


def connection_status(pool: AssistantPool, options: ChatOptions) -> str:
    """The Settings tab's "Test connection": one line on whether the chosen backend answers."""
    try:
        return pool.get(options).probe_backend()
    except CiteqaError as error:
        return f"Error: {error}"


def backend_fields(llm: str) -> tuple[bool, bool, bool]:
    """Which settings fields the chosen backend uses: (server URL and model, GGUF file,
    test connection)."""
    return llm in ("openai", "ollama"), llm == "llamacpp", llm != "extractive"


def open_citation(assistant: Assistant, session: ChatSession, key: str) -> str:
    """The cited document with its span highlighted, for a marker the user clicked.

    Only citations this session received can be opened: the key names a turn and a number,
    never a path, so nothing outside the ingested documents can be asked for.
    """
    citation = session.cited(key)
    if citation is None:
        return viewer_message("That citation is not part of this conversation.")
    try:
        document = assistant.document(citation.source)
        text = assistant.document_text(citation.source)
    except CiteqaError:
        return viewer_message(f"[{citation.n}] is no longer in the store.")
    if text[citation.start : citation.end] != citation.quote:
        # Re-uploaded since the answer: the old offsets would highlight some other text.
        return viewer_message(
            f"The document of [{citation.n}] has changed since; ask again to cite it."
        )
    return document_html(document, text, citation.start, citation.end, citation.n)
