"""Split a cleaned document into sentence chunks with exact character offsets.

Each chunk is one sentence (very short fragments such as a dateline are joined to the
sentence that follows), so it always fits the embedder's 256-token window; the sentences on
either side form the context window returned with it. llama-index's sentence parsers return
the text of each sentence but not reliably where it sits in the file, so spans come from
NLTK's Punkt ``span_tokenize`` (the same model llama-index bundles) directly.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

from store.metadata import parse_dateline
from store.types import Chunk, SourceDocument

_PARAGRAPH = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")
_MIN_SENTENCE_WORDS = 4


class SentenceSpanner(Protocol):
    def span_tokenize(self, text: str) -> object: ...


@lru_cache(maxsize=1)
def punkt() -> SentenceSpanner:
    """NLTK's English Punkt model, loaded from the copy shipped inside llama-index-core."""
    import llama_index.core
    import nltk
    from nltk.tokenize import PunktTokenizer

    bundled = os.path.join(os.path.dirname(llama_index.core.__file__), "_static", "nltk_cache")
    if bundled not in nltk.data.path:
        nltk.data.path.append(bundled)
    return PunktTokenizer("english")


def approx_tokens(text: str) -> int:
    """A conservative WordPiece token estimate: words and punctuation, plus a third for splits."""
    return (len(re.findall(r"\w+|[^\w\s]", text)) * 4 + 2) // 3


def sentence_spans(clean: str, spanner: SentenceSpanner | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``clean``: paragraphs (lines) first, then Punkt inside each one."""
    spanner = spanner or punkt()
    spans: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH.finditer(clean):
        if not paragraph.group().strip():
            continue
        base = paragraph.start()
        pieces = [
            _strip_span(clean, base + a, base + b)
            for a, b in spanner.span_tokenize(paragraph.group())  # type: ignore[attr-defined]
        ]
        spans.extend(_join_fragments(clean, [p for p in pieces if p[1] > p[0]]))
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _join_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join datelines and fragments of a few words ("He said.") to the next sentence."""
    joined: list[tuple[int, int]] = []
    pending: int | None = None
    for i, (start, end) in enumerate(spans):
        fragment = text[start:end]
        is_fragment = len(_WORD.findall(fragment)) < _MIN_SENTENCE_WORDS or parse_dateline(
            fragment
        ) != (None, None)
        first = start if pending is None else pending
        if is_fragment and i < len(spans) - 1:
            pending = first
            continue
        joined.append((first, end))
        pending = None
    return joined


def _split_long(
    text: str, start: int, end: int, max_tokens: int, count: Callable[[str], int]
) -> list[tuple[int, int]]:
    """Cut a span that is over the token limit at word boundaries (inside a word if need be)."""
    if count(text[start:end]) <= max_tokens:
        return [(start, end)]
    units: list[tuple[int, int]] = []
    for word in re.finditer(r"\S+", text[start:end]):
        units.extend(_split_word(text, start + word.start(), start + word.end(), max_tokens, count))
    pieces: list[tuple[int, int]] = []
    first = 0
    for i in range(1, len(units) + 1):
        if i == len(units) or count(text[units[first][0] : units[i][1]]) > max_tokens:
            pieces.append((units[first][0], units[i - 1][1]))
            first = i
    return pieces


def _split_word(
    text: str, start: int, end: int, max_tokens: int, count: Callable[[str], int]
) -> list[tuple[int, int]]:
    """A single 'word' over the limit (a URL, unspaced CJK text) cut into pieces that fit."""
    pieces = []
    while start < end:
        cut = end
        while cut - start > 1 and count(text[start:cut]) > max_tokens:
            cut = start + (cut - start) // 2
        pieces.append((start, cut))
        start = cut
    return pieces


def chunk_document(
    doc: SourceDocument,
    *,
    max_tokens: int = 200,
    window: int = 1,
    count_tokens: Callable[[str], int] = approx_tokens,
) -> list[Chunk]:
    """Sentence chunks of ``doc``, each with its span and a ``window``-sentence context."""
    spans: list[tuple[int, int]] = []
    for start, end in sentence_spans(doc.clean):
        spans.extend(_split_long(doc.clean, start, end, max_tokens, count_tokens))
    key = hashlib.sha1(doc.path.encode("utf-8")).hexdigest()[:12]
    chunks = []
    for i, (start, end) in enumerate(spans):
        lo, hi = spans[max(0, i - window)], spans[min(len(spans) - 1, i + window)]
        chunks.append(
            Chunk(
                chunk_id=f"{key}:{doc.content_hash[:12]}:{i}",
                source=doc.source,
                start=start,
                end=end,
                window_start=lo[0],
                window_end=hi[1],
                text=" ".join(doc.clean[start:end].split()),
                ordinal=i,
                meta=doc.meta,
            )
        )
    return chunks
