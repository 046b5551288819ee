"""Citation verification: is each sentence of an answer backed by the passage it cites?

A sentence is supported only when (1) every name, date and figure in it (an entity, or a
lone number) is found in the cited text, numbers compared by
value ("2,500" and "2500", "four" and "4"), (2) most of its content words are there, as
lemmas, and (3) its embedding is close enough to the cited sentence's. The similarity
threshold is fitted on labelled supported / unsupported pairs
(tests/data/support_pairs.jsonl) by ``python -m bench.calibrate_support``. Each citation is
narrowed to the one sentence of the cited passage that supports the claim best, so
``quote == file_text[start:end]`` holds.

No maintained library checks citations this way (ALCE uses an NLI model we cannot ship
here), hence this module. Words, names and numbers come from the language analyzer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lang import Analysis, Analyzer, Token
from rag.types import Citation, Passage, Sentence

Embed = Callable[[list[str]], list[list[float]]]
TextLookup = Callable[[str], str]

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")


@dataclass(frozen=True)
class SupportOptions:
    similarity_threshold: float = 0.60
    coverage_threshold: float = 0.7


@dataclass(frozen=True)
class Verdict:
    supported: bool
    support: float
    reason: str


@dataclass(frozen=True)
class Span:
    source: str
    start: int
    end: int
    text: str


def _value(token: Token) -> str:
    """A number by its value, the way it is compared: "2,500" and "2500.0" -> "2500"."""
    return f"{token.number:.12g}" if token.number is not None else token.lemma


def key_facts(claim: Analysis) -> list[tuple[str, set[str]]]:
    """Names and figures in ``claim``: (as written, what must be found to back it)."""
    facts: list[tuple[str, set[str]]] = []
    covered: set[int] = set()
    for entity in claim.entities:
        tokens = claim.tokens_in(entity.start, entity.end)
        covered.update(t.start for t in tokens)
        needed = {_value(t) for t in tokens if t.content or t.number is not None}
        if needed:
            facts.append((claim.text[entity.start : entity.end], needed))
    facts += [
        (t.text, {_value(t)})
        for t in claim.tokens
        if t.number is not None and t.start not in covered
    ]
    return facts


def _vocabulary(evidence: Analysis) -> set[str]:
    return {t.lemma for t in evidence.tokens} | {_value(t) for t in evidence.tokens}


def absent_facts(claim: Analysis, evidence: Analysis) -> list[str]:
    """The names and figures of ``claim`` (as written) that ``evidence`` does not hold."""
    vocabulary = _vocabulary(evidence)
    return [shown for shown, needed in key_facts(claim) if not needed <= vocabulary]


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


class SupportChecker:
    """Judges claims against evidence text with key facts, word coverage and similarity."""

    def __init__(
        self, embed: Embed, analyzer: Analyzer, options: SupportOptions | None = None
    ) -> None:
        self._embed = embed
        self.analyzer = analyzer
        self._options = options or SupportOptions()

    def judge(self, claim: str, evidence: Sequence[str]) -> list[Verdict]:
        """A verdict for ``claim`` against each evidence text."""
        if not evidence:
            return []
        vectors = self._embed([claim, *evidence])
        claimed, *analyses = self.analyzer.analyze([claim, *evidence])
        return [
            self._verdict(claimed, analysis, _cosine(vectors[0], v))
            for analysis, v in zip(analyses, vectors[1:], strict=True)
        ]

    def _verdict(self, claim: Analysis, evidence: Analysis, similarity: float) -> Verdict:
        vocabulary = _vocabulary(evidence)
        terms = set(claim.content_lemmas())
        coverage = len(terms & vocabulary) / len(terms) if terms else 1.0
        support = 0.5 * coverage + 0.5 * max(similarity, 0.0)
        missing = absent_facts(claim, evidence)
        if missing:
            return Verdict(False, support, f"'{missing[0]}' is not in the cited passage")
        if coverage < self._options.coverage_threshold:
            return Verdict(False, support, "most of its words are not in the cited passage")
        if similarity < self._options.similarity_threshold:
            return Verdict(False, support, "the cited passage says something else")
        return Verdict(True, support, "")


def _numbers(markers: str) -> list[int]:
    return [int(n) for group in _MARKERS.findall(markers) for n in group.split(",")]


def split_sentences(text: str, analyzer: Analyzer) -> list[tuple[str, list[int]]]:
    """Sentences of a generated answer with the [n] markers that belong to each one.

    The markers are blanked out before the text is split (a parser reads "[1]" as words),
    then each goes to the sentence it stands in, or to the one before it: models write
    "... Aleppo [1]." and "... Aleppo. [1]" alike.
    """
    markers = list(_MARKERS.finditer(text))
    chars = list(text)
    for marker in markers:
        chars[marker.start() : marker.end()] = " " * (marker.end() - marker.start())
    spans = [
        (s.start, s.end)
        for s in analyzer.analyze(["".join(chars)])[0].sentences
        if re.search(r"\w", text[s.start : s.end])
    ]
    if not spans:
        return []
    owned: list[list[int]] = [[] for _ in spans]
    for marker in markers:
        at = max((i for i, (start, _) in enumerate(spans) if start <= marker.start()), default=0)
        owned[at] += _numbers(marker.group())
    return [
        (_MARKERS.sub("", text[start:end]).strip(), numbers)
        for (start, end), numbers in zip(spans, owned, strict=True)
    ]


def passage_spans(passage: Passage, text_of: TextLookup, analyzer: Analyzer) -> list[Span]:
    """The sentences of a passage's context window, with offsets into the raw file."""
    chunk = passage.chunk
    raw = text_of(chunk.source)
    window = raw[chunk.window_start : chunk.window_end]
    spans = [
        Span(
            chunk.source,
            chunk.window_start + s.start,
            chunk.window_start + s.end,
            window[s.start : s.end],
        )
        for s in analyzer.analyze([window])[0].sentences
    ]
    return spans or [Span(chunk.source, chunk.start, chunk.end, raw[chunk.start : chunk.end])]


def verify_answer(
    text: str,
    passages: Sequence[Passage],
    text_of: TextLookup,
    checker: SupportChecker,
) -> tuple[list[Sentence], list[Citation]]:
    """Check every sentence of ``text`` against the passages its markers cite."""
    sentences: list[Sentence] = []
    citations: list[Citation] = []
    for body, markers in split_sentences(text, checker.analyzer):
        cited = [passages[m - 1] for m in dict.fromkeys(markers) if 1 <= m <= len(passages)]
        if not cited:
            reason = (
                "it cites no passage" if not markers else "it cites a passage that does not exist"
            )
            sentences.append(Sentence(body, [], False, 0.0, reason))
            continue
        numbers, verdicts = [], []
        for passage in cited:
            spans = passage_spans(passage, text_of, checker.analyzer)
            judged = checker.judge(body, [s.text for s in spans])
            best = max(range(len(spans)), key=lambda i: (judged[i].supported, judged[i].support))
            number = _cite(citations, spans[best], judged[best].support, passage)
            if number not in numbers:  # two markers can narrow to the same sentence
                numbers.append(number)
                verdicts.append(judged[best])
        supporting = [n for n, v in zip(numbers, verdicts, strict=True) if v.supported]
        if not supporting and len(cited) > 1:
            together = " ".join(citations[n - 1].quote for n in numbers)
            verdicts.append(checker.judge(body, [together])[0])
            if verdicts[-1].supported:  # only the citations together back it: all are needed
                supporting = list(numbers)
        top = max(verdicts, key=lambda v: (v.supported, v.support))
        sentences.append(
            Sentence(body, numbers, top.supported, top.support, top.reason, supporting)
        )
    return sentences, citations


def _cite(citations: list[Citation], span: Span, support: float, passage: Passage) -> int:
    for existing in citations:
        if (existing.source, existing.start, existing.end) == (span.source, span.start, span.end):
            return existing.n
    meta = passage.chunk.meta
    citations.append(
        Citation(
            n=len(citations) + 1,
            source=span.source,
            start=span.start,
            end=span.end,
            quote=span.text,
            score=round(support, 4),
            title=meta.title,
            outlet=meta.outlet,
            date=meta.date,
            page=passage.chunk.page,
        )
    )
    return len(citations)
