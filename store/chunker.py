"""Split a cleaned document into sentence chunks with exact character offsets.

Each chunk is one sentence (very short fragments such as a dateline are joined to the
sentence that follows), so it always fits the embedder's 256-token window; the sentences on
either side form the context window returned with it. Paragraphs are lines; the sentences
inside each come from the language analyzer (``lang``), which also gives each chunk its
content words, entities and noun phrases, with offsets into the file.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Iterator, Sequence

from lang import Analysis, Analyzer, Span
from store.metadata import parse_dateline
from store.readers import page_at
from store.types import Chunk, SourceDocument

_PARAGRAPH = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")
_MIN_SENTENCE_WORDS = 4


def approx_tokens(text: str) -> int:
    """A conservative WordPiece token estimate: words and punctuation, plus a third for splits."""
    return (len(re.findall(r"\w+|[^\w\s]", text)) * 4 + 2) // 3


def paragraphs(clean: str) -> list[tuple[int, str]]:
    """The non-blank lines of ``clean`` with their offsets: a sentence never crosses one."""
    return [(m.start(), m.group()) for m in _PARAGRAPH.finditer(clean) if m.group().strip()]


def sentence_spans(clean: str, analyzer: Analyzer) -> list[tuple[int, int]]:
    """Sentence spans of ``clean``: paragraphs (lines) first, then the analyzer's sentences."""
    found = paragraphs(clean)
    analyses = analyzer.analyze([text for _, text in found])
    return [
        (base + s.start, base + s.end)
        for (base, _), analysis in zip(found, analyses, strict=True)
        for s in analysis.sentences
    ]


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


class _Layer:
    """Spans of one kind over a whole document, sorted, to slice by chunk."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = sorted(spans, key=lambda x: (x.start, x.end))
        self._starts = [x.start for x in self.spans]

    def within(self, start: int, end: int) -> tuple[Span, ...]:
        first = bisect.bisect_left(self._starts, start)
        last = bisect.bisect_left(self._starts, end)
        return tuple(x for x in self.spans[first:last] if x.end <= end)


def chunk_document(
    doc: SourceDocument,
    analyzer: Analyzer,
    *,
    max_tokens: int = 200,
    window: int = 1,
    count_tokens: Callable[[str], int] = approx_tokens,
) -> list[Chunk]:
    """Sentence chunks of ``doc``, each with its span, a ``window``-sentence context and the
    analysis of its words."""
    return chunk_documents(
        [doc], analyzer, max_tokens=max_tokens, window=window, count_tokens=count_tokens
    )[0]


def chunk_documents(
    docs: Sequence[SourceDocument],
    analyzer: Analyzer,
    *,
    max_tokens: int = 200,
    window: int = 1,
    count_tokens: Callable[[str], int] = approx_tokens,
) -> list[list[Chunk]]:
    """The chunks of each of ``docs``; the analyzer reads all their paragraphs in one batch
    (a pipeline such as spaCy's is several times faster on one long batch than on many)."""
    found = [paragraphs(doc.clean) for doc in docs]
    analyses = iter(analyzer.analyze([text for paras in found for _, text in paras]))
    chunked = []
    for doc, paras in zip(docs, found, strict=True):
        spans, layers = _read_part(
            doc, paras, [next(analyses) for _ in paras], max_tokens, count_tokens
        )
        chunked.append(_build(doc, spans, range(len(spans)), 0, window, layers))
    return chunked


def chunk_stream(
    doc: SourceDocument,
    analyzer: Analyzer,
    *,
    max_tokens: int = 200,
    window: int = 1,
    count_tokens: Callable[[str], int] = approx_tokens,
    part_chars: int = 40_000,
) -> Iterator[list[Chunk]]:
    """The chunks of one large ``doc``, a part at a time: its paragraphs are analysed about
    ``part_chars`` at a time, so memory stays flat however large the file. Joined, the parts
    are exactly ``chunk_document(doc, ...)``: a sentence's window may reach into the next
    part, so the last ``window`` sentences of a part wait for it."""
    parts = _parts(paragraphs(doc.clean), part_chars)
    spans: list[tuple[int, int]] = []
    layers: tuple[list[Span], list[Span], list[Span]] = ([], [], [])
    first = done = 0  # the ordinal of spans[0]; how many of spans were yielded already
    for n, part in enumerate(parts):
        new_spans, new_layers = _read_part(
            doc, part, analyzer.analyze([text for _, text in part]), max_tokens, count_tokens
        )
        spans += new_spans
        for kept, new in zip(layers, new_layers, strict=True):
            kept += new
        upto = len(spans) if n == len(parts) - 1 else max(done, len(spans) - window)
        yield _build(doc, spans, range(done, upto), first, window, layers)
        keep = max(0, upto - window)  # the yielded sentences the next ones still see
        if keep < len(spans):
            cut = spans[keep][0]
            layers = tuple([x for x in layer if x.start >= cut] for layer in layers)  # type: ignore[assignment]
        spans, first, done = spans[keep:], first + keep, upto - keep


def _parts(found: list[tuple[int, str]], part_chars: int) -> list[list[tuple[int, str]]]:
    parts: list[list[tuple[int, str]]] = [[]]
    size = 0
    for paragraph in found:
        if size >= part_chars:
            parts.append([])
            size = 0
        parts[-1].append(paragraph)
        size += len(paragraph[1])
    return parts


def _read_part(
    doc: SourceDocument,
    found: list[tuple[int, str]],
    analyses: list[Analysis],
    max_tokens: int,
    count_tokens: Callable[[str], int],
) -> tuple[list[tuple[int, int]], tuple[list[Span], list[Span], list[Span]]]:
    """The sentence spans of some paragraphs of ``doc`` and their content words, entities
    and noun phrases, with offsets into the file."""
    sentences: list[tuple[int, int]] = []
    terms: list[Span] = []
    entities: list[Span] = []
    phrases: list[Span] = []
    for (base, _), analysis in zip(found, analyses, strict=True):
        pieces = [_strip_span(doc.clean, base + s.start, base + s.end) for s in analysis.sentences]
        sentences += _join_fragments(doc.clean, [p for p in pieces if p[1] > p[0]])
        terms += [Span(base + t.start, base + t.end, t.lemma) for t in analysis.tokens if t.content]
        entities += [Span(base + e.start, base + e.end, e.label) for e in analysis.entities]
        phrases += [Span(base + p.start, base + p.end) for p in analysis.phrases]
    spans: list[tuple[int, int]] = []
    for start, end in sentences:
        spans.extend(_split_long(doc.clean, start, end, max_tokens, count_tokens))
    return spans, (terms, entities, phrases)


def _build(
    doc: SourceDocument,
    spans: Sequence[tuple[int, int]],
    indices: range,
    first: int,
    window: int,
    layers: tuple[list[Span], list[Span], list[Span]],
) -> list[Chunk]:
    """The chunks of ``spans[i]`` for ``i`` in ``indices``; ``spans[0]`` is sentence number
    ``first`` of the file."""
    terms, entities, phrases = (_Layer(layer) for layer in layers)
    key = hashlib.sha1(doc.path.encode("utf-8")).hexdigest()[:12]
    chunks = []
    for i in indices:
        start, end = spans[i]
        lo, hi = spans[max(0, i - window)], spans[min(len(spans) - 1, i + window)]
        own = terms.within(start, end)
        around = terms.within(lo[0], start) + terms.within(end, hi[1])
        chunks.append(
            Chunk(
                chunk_id=f"{key}:{doc.generation}:{first + i}",
                source=doc.source,
                start=start,
                end=end,
                window_start=lo[0],
                window_end=hi[1],
                text=" ".join(doc.clean[start:end].split()),
                ordinal=first + i,
                meta=doc.meta,
                terms=own,
                entities=entities.within(start, end),
                phrases=phrases.within(start, end),
                context=tuple(dict.fromkeys(t.label for t in around)),
                page=page_at(doc.pages, start),
            )
        )
    return chunks
