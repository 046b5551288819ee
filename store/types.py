"""Plain data passed between the store's stages and up to ``rag``."""

from __future__ import annotations

from dataclasses import dataclass, field

from lang.types import Span


def generation_of(content_hash: str) -> str:
    """A file version's generation: what its chunk ids and records carry (``store.writes``)."""
    return content_hash[:12]


@dataclass(frozen=True)
class DocumentMeta:
    """What we know about a report beyond its text."""

    title: str
    outlet: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class SourceDocument:
    """One file as read from disk.

    ``text`` is what its reader (``store.readers``) gave: citations index into it and the
    viewer shows it. ``clean`` has the same length, with page junk (and Markdown markup)
    blanked out so offsets stay valid. ``pages`` holds where each page starts (paged
    formats only).
    """

    source: str
    path: str
    text: str
    clean: str
    content_hash: str
    meta: DocumentMeta
    pages: tuple[int, ...] = ()

    @property
    def generation(self) -> str:
        """Which version of the file this is, as its chunks and its record name it."""
        return generation_of(self.content_hash)


@dataclass(frozen=True)
class Chunk:
    """A unit of retrieval: one sentence (or a few short ones) and the window around it.

    ``start``/``end`` index the sentence span in the raw file text; ``window_start``/
    ``window_end`` the neighbouring sentences returned as context. The language analysis
    made at ingest rides along, so a question costs one parse (its own): ``terms`` are the
    content words as spans labelled with their lemma, ``entities`` typed spans, ``phrases``
    noun phrases (all with offsets into the file), and ``context`` the content lemmas of
    the window's other sentences.
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
    terms: tuple[Span, ...] = ()
    entities: tuple[Span, ...] = ()
    phrases: tuple[Span, ...] = ()
    context: tuple[str, ...] = ()
    page: int | None = None  # 1-based page of a paged format (PDF), where the sentence starts

    @property
    def lemmas(self) -> frozenset[str]:
        """The content lemmas of the sentence."""
        return frozenset(t.label for t in self.terms)
