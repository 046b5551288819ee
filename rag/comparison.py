"""Comparisons: two documents side by side, every line cited.

Each document is represented by its most central sentence (``rag.summary``). What they
share is the pair of sentences, one from each, most alike by the cosine of their stored
vectors; where they differ is each one's most central sentence least like anything in the
other. Figures conflict when two alike sentences give different figures for the same
counted thing ("four corridors" against "three corridors"), read from the typed entities and
lemmas stored with each sentence at ingest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rag.extractive import cite
from rag.summary import Digest, heading, passage, quoted
from rag.types import Answer, Citation, Passage, Sentence, TextLookup

_NEAR = 40  # characters between a figure and the word it counts ("4 humanitarian corridors")


@dataclass(frozen=True)
class ComparisonOptions:
    shared: float = 0.7  # least similarity of two sentences said to report the same thing
    distinct: float = 0.5  # most similarity to the other document of a sentence only one has
    conflict: float = 0.5  # least similarity of two sentences whose figures are compared
    min_words: int = 5  # shorter sentences (headings, bylines) are not compared
    max_words: int = 45  # longer sentences are quoted only when a document has no other
    max_conflicts: int = 2


@dataclass
class _Citer:
    """Numbers citations in order of first use; the same sentence keeps its number."""

    text_of: TextLookup
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)

    def __call__(self, digest: Digest, index: int) -> int:
        """The number of sentence ``index`` of ``digest``, citing it if it is new."""
        known = self._number(digest, index)
        if known is not None:
            return known
        found = passage(digest, index)
        citation = cite(len(self.citations) + 1, found, self.text_of)
        self.citations.append(citation)
        self.passages.append(found)
        return citation.n

    def holds(self, digest: Digest, index: int) -> bool:
        """Whether sentence ``index`` of ``digest`` is cited already."""
        return self._number(digest, index) is not None

    def _number(self, digest: Digest, index: int) -> int | None:
        chunk = digest.chunks[index]
        return next(
            (
                c.n
                for c in self.citations
                if (c.source, c.start, c.end) == (chunk.source, chunk.start, chunk.end)
            ),
            None,
        )

    def quote(self, n: int) -> str:
        return quoted(self.citations[n - 1])


def compare(
    question: str,
    first: Digest,
    second: Digest,
    text_of: TextLookup,
    figure_labels: frozenset[str],
    options: ComparisonOptions | None = None,
) -> Answer:
    """An extractive comparison of two documents, one cited line per point."""
    options = options or ComparisonOptions()
    citer = _Citer(text_of)
    usable = [_usable(d, options) for d in (first, second)]
    similarity = first.vectors @ second.vectors.T
    similarity = np.where(np.outer(usable[0], usable[1]), similarity, -1.0)
    lines: list[tuple[str, list[int]]] = []
    for digest, ok in zip((first, second), usable, strict=True):
        central = _most_central(digest, ok)
        if central is not None:
            n = citer(digest, central)
            lines.append((f"{heading(digest)}: {citer.quote(n)}", [n]))
    if similarity.size and float(similarity.max()) >= options.shared:
        best = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        ns = [citer(first, int(best[0])), citer(second, int(best[1]))]
        lines.append((f"Both report: {citer.quote(ns[0])} / {citer.quote(ns[1])}", ns))
    for digest, other_best, ok in (
        (first, similarity.max(axis=1, initial=-1.0), usable[0]),
        (second, similarity.max(axis=0, initial=-1.0), usable[1]),
    ):
        unused = np.array([not citer.holds(digest, i) for i in range(len(digest.chunks))])
        only = _most_central(digest, ok & unused & (other_best < options.distinct))
        if only is not None:
            n = citer(digest, only)
            lines.append((f"Only {_short(digest)}: {citer.quote(n)}", [n]))
    for a, b, figure_a, figure_b in _conflicts(
        first, second, similarity, text_of, figure_labels, options
    ):
        ns = [citer(first, a), citer(second, b)]
        lines.append(
            (
                f"The figures differ: {_short(first)} gives {figure_a}, "
                f"{_short(second)} gives {figure_b}",
                ns,
            )
        )
    text = "\n".join(f"{line} " + "".join(f"[{n}]" for n in ns) for line, ns in lines)
    return Answer(
        question=question,
        text=text,
        abstained=False,
        citations=citer.citations,
        passages=citer.passages,
        evidence=1.0,
        sentences=[Sentence(line, ns, True, 1.0, "", ns) for line, ns in lines],
    )


def _usable(digest: Digest, options: ComparisonOptions) -> np.ndarray:
    words = np.array([digest.words(i) for i in range(len(digest.chunks))], dtype=int)
    body = ~np.array([digest.in_title(i) for i in range(len(digest.chunks))], dtype=bool)
    fits = body & (words >= options.min_words) & (words <= options.max_words)
    return fits if fits.any() else body & (words >= options.min_words)


def _most_central(digest: Digest, allowed: np.ndarray) -> int | None:
    if not allowed.any():
        return None
    return int(np.argmax(np.where(allowed, digest.centrality, -1.0)))


def _short(digest: Digest) -> str:
    """A short name for a document in a line: outlet and date, else its title."""
    meta = digest.document.meta
    about = " ".join(p for p in (meta.outlet, meta.date) if p)
    return about or f"“{digest.label}”"


def _figures(
    digest: Digest, index: int, text_of: TextLookup, labels: frozenset[str]
) -> dict[str, str]:
    """A sentence's figures by the lemma of the word each counts, with the words from the
    figure to that word: {"corridor": "four humanitarian corridors"}."""
    chunk = digest.chunks[index]
    text = text_of(chunk.source)
    terms = sorted(chunk.terms, key=lambda t: t.start)
    figures: dict[str, str] = {}
    for entity in chunk.entities:
        if entity.label not in labels:
            continue
        counted = next(
            (
                t
                for t in terms
                if entity.end <= t.start <= entity.end + _NEAR and t.end <= chunk.end
            ),
            None,
        )
        if counted is not None:
            words = " ".join(text[entity.start : counted.end].split())
            figures.setdefault(counted.label, words)
    return figures


def _conflicts(
    first: Digest,
    second: Digest,
    similarity: np.ndarray,
    text_of: TextLookup,
    labels: frozenset[str],
    options: ComparisonOptions,
) -> list[tuple[int, int, str, str]]:
    """Alike sentence pairs, most alike first, that count the same thing differently."""
    found: list[tuple[int, int, str, str]] = []
    seen: set[str] = set()
    pairs = np.argwhere(similarity >= options.conflict)
    order = np.argsort(-similarity[pairs[:, 0], pairs[:, 1]], kind="stable")
    for row in order:
        a, b = (int(x) for x in pairs[row])
        ours, theirs = (
            _figures(first, a, text_of, labels),
            _figures(second, b, text_of, labels),
        )
        for counted in sorted(set(ours) & set(theirs) - seen):
            if ours[counted].lower() != theirs[counted].lower():
                seen.add(counted)
                found.append((a, b, f"“{ours[counted]}”", f"“{theirs[counted]}”"))
        if len(found) >= options.max_conflicts:
            break
    return found[: options.max_conflicts]
