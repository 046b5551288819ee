"""The default answerer: picks the sentences that answer, quotes them and cites each one.

No generative model is involved, so nothing can be invented: every word of an answer is
either a span of a cited sentence or fixed wording ("The documents do not say.").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.candidates import antecedent, counted_thing
from rag.evidence import (
    Evidence,
    EvidenceWeights,
    Query,
    TextLookup,
    calibrated,
    cite,
    score_passages,
)
from rag.outlets import answer_by_outlet
from rag.question import AnswerType, is_instruction
from rag.types import ABSTAIN_TEXT, Answer, Passage, Sentence


@dataclass(frozen=True)
class AnswerOptions:
    max_sentences: int = int(calibrated("max_answer_sentences"))
    abstain_threshold: float = calibrated("abstain_threshold")
    # Another passage is cited when its evidence is at least this share of the best one's.
    support_ratio: float = 0.85
    # A conflicting figure from another report is shown down to this share of the best score:
    # hiding a disagreement is worse than showing a slightly weaker passage.
    conflict_ratio: float = 0.75
    weights: EvidenceWeights = field(default_factory=EvidenceWeights)


def vote_short_answer(scored: list[Evidence], floor: float) -> str | None:
    """The typed span the best passages agree on (redundancy-based answer extraction)."""
    votes: dict[str, float] = defaultdict(float)
    spelling: dict[str, str] = {}
    for item in scored:
        if item.score < floor:
            break
        for rank, candidate in enumerate(item.candidates):
            key = candidate.lower()
            votes[key] += item.score / (1 + 0.5 * rank)
            spelling.setdefault(key, candidate)
    best = [k for k in votes if k in scored[0].text.lower()]
    if not best:
        return None
    return spelling[max(best, key=lambda k: votes[k])]


def find_disagreement(
    query: Query, scored: list[Evidence], short: str, floor: float
) -> Evidence | None:
    """A passage from another report that gives a different figure for the same thing."""
    best = scored[0]
    thing = counted_thing(best.text, short) & set(query.terms)
    if query.kind is not AnswerType.NUMBER or not thing:
        return None
    for item in scored[1:]:
        if item.score < floor or item.source == best.source or not item.candidates:
            continue
        other = item.candidates[0]
        if other.lower() != short.lower() and thing & counted_thing(item.text, other):
            return item
    return None


def _conflict_floor(query: Query, best: Evidence, options: AnswerOptions) -> float:
    """The least evidence a report needs for its different figure to be shown.

    When the question names what it counts ("how many corridors") and the other report
    counts that very thing, its figure is shown whenever it would be answered on its own:
    a report worded further from the question still disagrees.
    """
    if query.spec.counted:
        return options.abstain_threshold
    return best.score * options.conflict_ratio


class ExtractiveAnswerer:
    """Answers by quoting the best-supported sentences, or abstains."""

    def __init__(self, idf: Callable[[str], float], options: AnswerOptions | None = None) -> None:
        self._idf = idf
        self._options = options or AnswerOptions()

    def answer(self, query: Query, passages: list[Passage], text_of: TextLookup) -> Answer:
        options = self._options
        if is_instruction(query.message) or not passages:
            return Answer(query.message, ABSTAIN_TEXT, True, passages=passages)
        scored = score_passages(query, passages, self._idf, text_of, options.weights)
        best = scored[0]
        if best.score < options.abstain_threshold:
            return Answer(query.message, ABSTAIN_TEXT, True, passages=passages, evidence=best.score)
        if wanted := query.spec.outlets:
            # One outlet: the best report's. Several: every report that would be answered.
            lowest = options.abstain_threshold if wanted > 1 else best.score
            published = answer_by_outlet(query, scored, lowest, wanted, text_of)
            if published is not None:
                return published
        floor = best.score * options.support_ratio
        short = (
            vote_short_answer(scored, floor) if best.candidates and not query.spec.several else None
        )
        if not best.candidates:  # then there is no short answer either
            speaker = _answer_by_antecedent(query, best, passages, text_of)
            if speaker is not None:
                return speaker
        conflict = (
            find_disagreement(query, scored, short, _conflict_floor(query, best, options))
            if short
            else None
        )
        if conflict is not None and short is not None:
            chosen = [best, conflict]
            text = _compose_conflict(short, chosen)
        else:
            chosen = _supporting(best, scored, short, floor, options.max_sentences)
            text = _compose(short, chosen)
        citations = [cite(n, item, text_of) for n, item in enumerate(chosen, start=1)]
        answer = Answer(query.message, text, False, citations, passages, best.score)
        answer.sentences = _sentences(short, chosen, conflict is not None)
        return answer


def _answer_by_antecedent(
    query: Query, best: Evidence, passages: list[Passage], text_of: TextLookup
) -> Answer | None:
    """ "Who said ...?" answered by a quote ending "he noted", or "Which road ...?" by a
    sentence about "this road": the name given in the sentence just before."""
    chunk = best.passage.chunk
    text = text_of(chunk.source)
    found = antecedent(text, chunk.window_start, chunk.start, chunk.text, query.spec)
    if found is None:
        return None
    name, start, end = found
    named = cite(1, best, text_of, (start, end))
    quoted = cite(2, best, text_of)
    answer = Answer(
        query.message,
        f'{name} [1]. "{best.text}" [2]',
        False,
        [named, quoted],
        passages,
        best.score,
    )
    answer.sentences = [
        Sentence(name, [1], True, 1.0, "", [1]),
        Sentence(f'"{best.text}"', [2], True, 1.0, "", [2]),
    ]
    return answer


def _supporting(
    best: Evidence, scored: list[Evidence], short: str | None, floor: float, limit: int
) -> list[Evidence]:
    """The best passage, plus passages from other reports that state the same thing."""
    chosen = [best]
    for item in scored[1:]:
        if len(chosen) >= limit or item.score < floor:
            break
        if item.source in {c.source for c in chosen}:
            continue
        if short is None or short.lower() in item.text.lower():
            chosen.append(item)
    return chosen


def _sentences(short: str | None, chosen: list[Evidence], conflict: bool) -> list[Sentence]:
    """The answer's sentences: each quotes or extracts from what it cites, so each is backed."""
    numbers = list(range(1, len(chosen) + 1))
    quoted = [
        Sentence(f'"{item.text}"', [n], True, 1.0, "", [n])
        for n, item in zip(numbers, chosen, strict=True)
    ]
    if conflict and short:
        claim = f"The sources differ: {short}; {chosen[1].candidates[0]}."
        return [Sentence(claim, numbers, True, 1.0, "", numbers), *quoted]
    if short:
        return [Sentence(short, numbers, True, 1.0, "", numbers), quoted[0]]
    return [
        Sentence(item.text, [n], True, 1.0, "", [n])
        for n, item in zip(numbers, chosen, strict=True)
    ]


def _when(item: Evidence) -> str:
    meta = item.passage.chunk.meta
    parts = [p for p in (meta.outlet, meta.date) if p]
    return f" ({', '.join(parts)})" if parts else ""


def _compose(short: str | None, chosen: list[Evidence]) -> str:
    if short:
        markers = "".join(f"[{n}]" for n in range(1, len(chosen) + 1))
        return f'{short} {markers}. "{chosen[0].text}" [1]'
    return " ".join(f"{item.text} [{n}]" for n, item in enumerate(chosen, start=1))


def _compose_conflict(short: str, chosen: list[Evidence]) -> str:
    first, second = chosen
    other = second.candidates[0]
    return (
        f"The sources differ: {short} [1]{_when(first)}; {other} [2]{_when(second)}. "
        f'"{first.text}" [1] "{second.text}" [2]'
    )
