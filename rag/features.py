"""What the reader measures of a (question, sentence) pair and of a candidate answer span.

Every feature reads the question's analysis and what ingest stored with the chunk (content
lemmas, entities, noun phrases, the window's lemmas), so nothing here knows a language. A
passage's features depend on the question, the passage and the other passages retrieved
for it (which of the question's words set a passage apart from the rest), never on what
else the store holds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet

from lang import Span
from rag.question import Query
from rag.types import Passage
from store.types import Chunk

PHRASE = "PHRASE"  # the label of a noun phrase that is no entity

SENTENCE_FEATURES = (
    "similarity",
    "keyword",
    "proximity",
    "coverage",
    "window_coverage",
    "distinct_coverage",
    "distinct_window_coverage",
    "document_coverage",
    "context_coverage",
    "names_missing",
    "names_missing_in_document",
    "noun_asked",
    "noun_found",
    "best_span",
    "spans",
    "length",
    "question_terms",
)


def _covered(terms: dict[str, float], present: AbstractSet[str]) -> float:
    """Share of the terms' weight that ``present`` holds (1 when there are no terms)."""
    total = sum(terms.values())
    return sum(w for t, w in terms.items() if t in present) / total if total else 1.0


# BM25's saturation and length normalisation (Robertson and Zaragoza, 2009), over the
# question's own words with the analyzer's word weights instead of corpus IDF, so the score
# of a sentence depends on nothing else in the store. TYPICAL_TERMS stands in for the
# average sentence length.
_K1, _B, _TYPICAL_TERMS = 1.2, 0.75, 20.0


def _keyword(terms: dict[str, float], lemmas: list[str]) -> float:
    """A BM25-like score of a sentence's lemmas, as a share of its highest possible value."""
    total = sum(terms.values())
    if not total:
        return 0.0
    norm = _K1 * (1 - _B + _B * len(lemmas) / _TYPICAL_TERMS)
    score = 0.0
    for term, weight in terms.items():
        count = lemmas.count(term)
        score += weight * count * (_K1 + 1) / (count + norm)
    return score / (total * (_K1 + 1))


def _proximity(terms: dict[str, float], lemmas: list[str]) -> float:
    """How tightly the question's words sit together in the sentence (1: side by side)."""
    at = [i for i, lemma in enumerate(lemmas) if lemma in terms]
    if len(at) < 2:
        return 0.0
    return len(set(lemmas[i] for i in at)) / (at[-1] - at[0] + 1)


# A retrieved window counts towards distinctiveness when it shares at least this share of
# the question's word weight: passages that are about the question, not near-misses from
# unrelated files (whose arrival must not change an answer).
_ON_TOPIC = 0.6


def distinctive_terms(query: Query, passages: Sequence[Passage]) -> dict[str, float]:
    """The question's own words weighted by how few on-topic retrieved windows hold them.

    In a collection about one city, its name is in every candidate and tells none apart;
    the word only the answering passage shares does (an IDF over the candidates).
    """
    own = {t: w for t, w in query.terms.items() if t in query.own}
    windows = [
        window
        for window in (p.chunk.lemmas | set(p.chunk.context) for p in passages)
        if _covered(own, window) >= _ON_TOPIC
    ]
    total = len(windows)
    return {
        term: weight * math.log((total + 1) / (sum(term in w for w in windows) + 0.5))
        for term, weight in own.items()
    }


def _missing(names: Iterable[frozenset[str]], present: AbstractSet[str]) -> float:
    """Share of the names of which ``present`` holds less than half the words."""
    names = list(names)
    if not names:
        return 0.0
    return sum(len(n & present) * 2 < len(n) for n in names) / len(names)


def span_candidates(query: Query, chunk: Chunk) -> list[Span]:
    """Entities and noun phrases of the sentence that could answer: not ones the question
    already gives ("Which city does the Rhine run through?" is not answered by "the Rhine")."""
    seen: set[tuple[int, int]] = set()
    found = []
    for span in (*chunk.entities, *(Span(p.start, p.end, PHRASE) for p in chunk.phrases)):
        if (span.start, span.end) in seen:
            continue
        seen.add((span.start, span.end))
        lemmas = _lemmas_in(chunk, span)
        if lemmas and lemmas <= query.terms.keys():
            continue
        found.append(span)
    return found


def _lemmas_in(chunk: Chunk, span: Span) -> set[str]:
    return {t.label for t in chunk.terms if t.start >= span.start and t.end <= span.end}


def span_features(query: Query, chunk: Chunk, span: Span) -> dict[str, float]:
    """Features of one candidate span: its type against the question's shape, how much of
    it the question already says, and how close it stands to the question's words."""
    label = span.label or PHRASE
    features = {f"{key}|{label}": 1.0 for key in query.shape.feature_keys()}
    features[f"label={label}"] = 1.0
    lemmas = _lemmas_in(chunk, span)
    features["restates"] = len(lemmas & query.terms.keys()) / len(lemmas) if lemmas else 0.0
    anchors = [t for t in chunk.terms if t.label in query.terms and not _inside(t, span)]
    if anchors:
        features["near"] = 1.0 / (1.0 + _gap(anchors, span) / 20.0)
    # The noun asked about, beside the span: "400 people" for "how many people".
    nouns = [t for t in chunk.terms if query.shape.noun and t.label == query.shape.noun]
    if nouns:
        features["noun_near"] = 1.0 / (1.0 + _gap(nouns, span) / 5.0)
    features["words"] = math.log1p(len(lemmas))
    return features


def _gap(terms: list[Span], span: Span) -> int:
    """Characters between ``span`` and the nearest of ``terms`` (0 when one is inside)."""
    return min(max(t.start - span.end, span.start - t.end, 0) for t in terms)


def _inside(term: Span, span: Span) -> bool:
    return term.start >= span.start and term.end <= span.end


def sentence_features(
    query: Query,
    passage: Passage,
    document: AbstractSet[str],
    best_span: float,
    spans: int,
    distinctive: dict[str, float],
) -> dict[str, float]:
    """Features of a retrieved sentence as the answer to ``query``.

    Args:
        query: the question.
        passage: the retrieved sentence, with its stored analysis and similarity.
        document: the content lemmas of the sentence's whole file.
        best_span: the span model's best probability among the sentence's candidates.
        spans: how many candidate spans the sentence has.
        distinctive: ``distinctive_terms`` of the question over the retrieved passages.
    """
    chunk = passage.chunk
    own = {t: w for t, w in query.terms.items() if t in query.own}
    borrowed = {t: w for t, w in query.terms.items() if t not in query.own}
    sentence = chunk.lemmas
    ordered = [t.label for t in chunk.terms]
    window = sentence | set(chunk.context)
    noun = query.shape.noun
    return {
        "similarity": passage.similarity,
        "keyword": _keyword(own, ordered),
        "proximity": _proximity(own, ordered),
        "coverage": _covered(own, sentence),
        "window_coverage": _covered(own, window),
        "distinct_coverage": _covered(distinctive, sentence),
        "distinct_window_coverage": _covered(distinctive, window),
        "document_coverage": _covered(own, document),
        "context_coverage": _covered(borrowed, window) if borrowed else 0.0,
        "names_missing": _missing(query.names, window),
        "names_missing_in_document": _missing(query.names, document),
        "noun_asked": float(bool(noun)),
        "noun_found": float(bool(noun) and noun in window),
        "best_span": best_span,
        "spans": math.log1p(spans),
        "length": math.log1p(len(chunk.terms)),
        "question_terms": math.log1p(len(own)),
    }
