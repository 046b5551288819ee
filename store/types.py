"""Plain data passed between the store's stages and up to ``rag``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentMeta:
    """What we know about a report beyond its text."""

    title: str
    outlet: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class SourceDocument:
    """One file as read from disk.

    ``text`` is the decoded file, untouched: citations index into it. ``clean`` has the same
    length, with page junk (and HTML markup) blanked out so offsets stay valid.
    """

    source: str
    path: str
    text: str
    clean: str
    content_hash: str
    meta: DocumentMeta


@dataclass(frozen=True)
class Chunk:
    """A unit of retrieval: one sentence (or a few short ones) and the window around it.

    ``start``/``end`` index the sentence span in the raw file text; ``window_start``/
    ``window_end`` the neighbouring sentences returned as context.
    """

    chunk_id: str
    source: str
    start: int
    end: int
    window_start: int
    window_end: int
    text: str
    ordinal: int
    meta: DocumentMeta = field(default_factory=lambda: DocumentMeta(title=""))
