"""The default answerer: picks the sentences that answer, quotes them and cites each one.

No generative model is involved, so nothing can be invented: every word of an answer is
either a span of a cited sentence or the fixed abstention text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rag.question import AnswerType, answer_type, is_instruction, typed_candidates
from rag.text import content_terms
from rag.types import ABSTAIN_TEXT, Answer, Citation, Passage

TextLookup = Callable[[str], str]
"""Raw text of an ingested file, by source path."""


@dataclass(frozen=True)
class AnswerOptions:
    max_sentences: int = 2
    abstain_threshold: float = 0.42
    # A second passage is cited when its evidence is at least this share of the best one's.
    support_ratio: float = 0.9
    similarity_weight: float = 0.55


@dataclass(frozen=True)
class ScoredPassage:
    passage: Passage
    evidence: float
    coverage: float
    candidates: tuple[str, ...]


def score_passages(
    question: str,
    passages: list[Passage],
    idf: Callable[[str], float],
    options: AnswerOptions,
) -> list[ScoredPassage]:
    """Evidence per passage: similarity to the question plus weighted coverage of its terms."""
    terms = set(content_terms(question))
    total = sum(idf(t) for t in terms) or 1.0
    kind = answer_type(question)
    scored = []
    for passage in passages:
        sentence_terms = set(content_terms(passage.chunk.text))
        coverage = sum(idf(t) for t in terms & sentence_terms) / total
        candidates = tuple(typed_candidates(passage.chunk.text, kind, question))
        evidence = (
            options.similarity_weight * passage.similarity
            + (1.0 - options.similarity_weight) * coverage
        )
        if kind is not AnswerType.OTHER and not candidates:
            evidence *= 0.8  # the sentence cannot hold the kind of answer asked for
        scored.append(ScoredPassage(passage, evidence, coverage, candidates))
    return sorted(scored, key=lambda s: s.evidence, reverse=True)


def vote_short_answer(scored: list[ScoredPassage], floor: float) -> str | None:
    """The typed span most passages agree on, weighted by their evidence."""
    votes: dict[str, float] = defaultdict(float)
    spelling: dict[str, str] = {}
    for item in scored:
        if item.evidence < floor:
            break
        for rank, candidate in enumerate(item.candidates):
            key = candidate.lower()
            votes[key] += item.evidence / (1 + 0.25 * rank)
            spelling.setdefault(key, candidate)
    if not votes:
        return None
    best = max(votes, key=lambda k: votes[k])
    return spelling[best]


class ExtractiveAnswerer:
    """Answers by quoting the best-supported sentences, or abstains."""

    def __init__(self, idf: Callable[[str], float], options: AnswerOptions | None = None) -> None:
        self._idf = idf
        self._options = options or AnswerOptions()

    def answer(self, question: str, passages: list[Passage], text_of: TextLookup) -> Answer:
        options = self._options
        if is_instruction(question) or not passages:
            return Answer(question, ABSTAIN_TEXT, True, passages=passages)
        scored = score_passages(question, passages, self._idf, options)
        best = scored[0]
        if best.evidence < options.abstain_threshold:
            return Answer(question, ABSTAIN_TEXT, True, passages=passages, evidence=best.evidence)
        floor = best.evidence * options.support_ratio
        short = vote_short_answer(scored, floor) if best.candidates else None
        if short and short.lower() not in best.passage.chunk.text.lower():
            short = None  # keep the short answer tied to the sentence quoted under it
        chosen = [best]
        for item in scored[1:]:
            if len(chosen) >= options.max_sentences or item.evidence < floor:
                break
            agrees = short is not None and short.lower() in item.passage.chunk.text.lower()
            if agrees or (short is None and item.passage.chunk.source != best.passage.chunk.source):
                chosen.append(item)
        citations = [_cite(n, item, text_of) for n, item in enumerate(chosen, start=1)]
        text = _compose(short, chosen)
        return Answer(question, text, False, citations, passages, best.evidence)


def _cite(n: int, item: ScoredPassage, text_of: TextLookup) -> Citation:
    chunk = item.passage.chunk
    raw = text_of(chunk.source)
    return Citation(
        n=n,
        source=chunk.source,
        start=chunk.start,
        end=chunk.end,
        quote=raw[chunk.start : chunk.end],
        score=round(item.evidence, 4),
        title=chunk.meta.title,
        outlet=chunk.meta.outlet,
        date=chunk.meta.date,
    )


def _compose(short: str | None, chosen: list[ScoredPassage]) -> str:
    if short:
        markers = "".join(f"[{n}]" for n in range(1, len(chosen) + 1))
        return f'{short} {markers}. "{chosen[0].passage.chunk.text}" [1]'
    return " ".join(f"{item.passage.chunk.text} [{n}]" for n, item in enumerate(chosen, start=1))
