"""The default answerer: quotes the sentence the reader trusts most, and cites it.

No generative model is involved, so nothing can be invented: every word of an answer is
either a span of a cited sentence or fixed wording ("The documents do not say.").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lang import Span
from rag.reader import Reading
from rag.types import ABSTAIN_TEXT, Answer, Citation, Passage, Sentence, TextLookup


@dataclass(frozen=True)
class AnswerOptions:
    threshold: float  # least probability of the best sentence, else abstain
    short_threshold: float  # least span probability for a short answer to lead
    # Entity labels of counts and amounts: two files giving different ones disagree.
    figure_labels: frozenset[str] = frozenset()
    max_sentences: int = 2
    top_k: int = 10  # passages kept with the answer (what the UI lists)
    # Another file's sentence is cited too when it gives the same short answer and the
    # reader trusts it at least this share as much as the best one.
    support_ratio: float = 0.85
    # A different figure of the same type from another file is shown down to this share of
    # the best probability: hiding a disagreement is worse than showing a weaker sentence.
    conflict_ratio: float = 0.75


def cite(n: int, passage: Passage, text_of: TextLookup, span: Span | None = None) -> Citation:
    """Citation ``[n]`` of a passage's sentence, or of ``span`` in its file.

    The quote is read from the file, so ``quote == file_text[start:end]`` always holds.
    """
    chunk = passage.chunk
    start, end = (span.start, span.end) if span else (chunk.start, chunk.end)
    return Citation(
        n=n,
        source=chunk.source,
        start=start,
        end=end,
        quote=text_of(chunk.source)[start:end],
        score=round(passage.score, 4),
        title=chunk.meta.title,
        outlet=chunk.meta.outlet,
        date=chunk.meta.date,
        page=chunk.page,
    )


def _short(reading: Reading, text_of: TextLookup, floor: float) -> str | None:
    if reading.span is None or reading.span_probability < floor:
        return None
    text = text_of(reading.passage.chunk.source)[reading.span.start : reading.span.end]
    return " ".join(text.split()) or None


class ExtractiveAnswerer:
    """Answers by quoting the best-supported sentences, or abstains."""

    def __init__(self, options: AnswerOptions) -> None:
        self.options = options

    def answer(self, question: str, readings: list[Reading], text_of: TextLookup) -> Answer:
        """The answer to ``question`` from ``readings`` (best first)."""
        options = self.options
        passages = [replace(r.passage, score=r.probability) for r in readings[: options.top_k]]
        if not readings or readings[0].probability < options.threshold:
            evidence = readings[0].probability if readings else 0.0
            return Answer(question, ABSTAIN_TEXT, True, passages=passages, evidence=evidence)
        best = readings[0]
        short = _short(best, text_of, options.short_threshold)
        conflict = self._disagreement(best, readings, short, text_of)
        claim: str | None
        if conflict is not None and short is not None:
            chosen = [best, conflict]
            other = _short(conflict, text_of, options.short_threshold) or ""
            text = _compose_conflict(short, other, chosen)
            claim = f"The sources differ: {short}; {other}."
        else:
            chosen = self._supporting(best, readings, short)
            text = _compose(short, chosen)
            claim = short
        scored = [replace(r.passage, score=r.probability) for r in chosen]
        citations = [cite(n, p, text_of) for n, p in enumerate(scored, start=1)]
        answer = Answer(question, text, False, citations, passages, best.probability)
        answer.sentences = _sentences(claim, chosen, conflict is not None)
        return answer

    def _supporting(
        self, best: Reading, readings: list[Reading], short: str | None
    ) -> list[Reading]:
        """The best sentence, plus sentences of other files that give the same answer."""
        chosen = [best]
        floor = best.probability * self.options.support_ratio
        for reading in readings[1:]:
            if len(chosen) >= self.options.max_sentences or reading.probability < floor:
                break
            if reading.passage.chunk.source in {c.passage.chunk.source for c in chosen}:
                continue
            if _same_text(reading, chosen):  # a copy of a file already cited says nothing new
                continue
            if short is None or short.lower() in reading.passage.chunk.text.lower():
                chosen.append(reading)
        return chosen

    def _disagreement(
        self, best: Reading, readings: list[Reading], short: str | None, text_of: TextLookup
    ) -> Reading | None:
        """A sentence of another file that gives a different figure of the same type."""
        figures = self.options.figure_labels
        if short is None or best.span is None or best.span.label not in figures:
            return None
        floor = max(self.options.threshold, best.probability * self.options.conflict_ratio)
        for reading in readings[1:]:
            if reading.probability < floor:
                break
            if reading.passage.chunk.source == best.passage.chunk.source or reading.span is None:
                continue
            other = _short(reading, text_of, self.options.short_threshold)
            if (
                other
                and reading.span.label == best.span.label
                and other.lower() != short.lower()
                and other.lower() not in best.passage.chunk.text.lower()
            ):
                return reading
        return None


def _same_text(reading: Reading, chosen: list[Reading]) -> bool:
    text = " ".join(reading.passage.chunk.text.split())
    return any(" ".join(c.passage.chunk.text.split()) == text for c in chosen)


_QUOTES = "\"'“”‘’«»„"


def quote(text: str) -> str:
    """``text`` in quotation marks, unless it already opens or closes with one (a sentence
    of reported speech): doubled marks read as a typo."""
    text = text.strip()
    if text[:1] in _QUOTES or text[-1:] in _QUOTES:
        return text
    return f'"{text}"'


def _sentences(claim: str | None, chosen: list[Reading], conflict: bool) -> list[Sentence]:
    """The answer's sentences: each quotes or extracts from what it cites, so each is backed."""
    numbers = list(range(1, len(chosen) + 1))
    quoted = [
        Sentence(quote(r.passage.chunk.text), [n], True, 1.0, "", [n])
        for n, r in zip(numbers, chosen, strict=True)
    ]
    if claim and conflict:
        return [Sentence(claim, numbers, True, 1.0, "", numbers), *quoted]
    if claim:
        return [Sentence(claim, numbers, True, 1.0, "", numbers), quoted[0]]
    return [
        Sentence(r.passage.chunk.text, [n], True, 1.0, "", [n])
        for n, r in zip(numbers, chosen, strict=True)
    ]


def _when(reading: Reading) -> str:
    meta = reading.passage.chunk.meta
    parts = [p for p in (meta.outlet, meta.date) if p]
    return f" ({', '.join(parts)})" if parts else ""


def _compose(short: str | None, chosen: list[Reading]) -> str:
    if short:
        markers = "".join(f"[{n}]" for n in range(1, len(chosen) + 1))
        return f"{short} {markers}. {quote(chosen[0].passage.chunk.text)} [1]"
    return " ".join(f"{r.passage.chunk.text} [{n}]" for n, r in enumerate(chosen, start=1))


def _compose_conflict(short: str, other: str, chosen: list[Reading]) -> str:
    first, second = chosen
    return (
        f"The sources differ: {short} [1]{_when(first)}; {other} [2]{_when(second)}. "
        f"{quote(first.passage.chunk.text)} [1] {quote(second.passage.chunk.text)} [2]"
    )
