"""Citation verification: is each sentence of an answer backed by the passage it cites?

A sentence is supported only when (1) every number, date and name in it is found in the
cited text (allowing inflection and number formats), (2) most of its content words are
there, and (3) its embedding is close enough to the cited sentence's. The similarity
threshold is fitted on labelled supported / unsupported pairs (tests/data/support_pairs.jsonl)
by ``python -m bench.calibrate_support``. Each citation is narrowed to the one sentence of
the cited passage that supports the claim best, so ``quote == file_text[start:end]`` holds.

No maintained library checks citations this way (ALCE uses an NLI model we cannot ship
here), hence this module.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.text import DATE_PATTERN, NAME_PATTERN, NUMBER_PATTERN, STOPWORDS, content_terms, stem
from rag.types import Citation, Passage, Sentence
from store.chunker import sentence_spans

Embed = Callable[[list[str]], list[list[float]]]
TextLookup = Callable[[str], str]

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_NUMBER_WORDS = {
    word: str(i)
    for i, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_NUMBER_WORDS |= {
    word: str(10 * i)
    for i, word in enumerate(
        ["", "", "", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if word
}
_DIGITS = re.compile(r"\d[\d,.]*")


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


def key_facts(claim: str) -> list[tuple[str, set[str]]]:
    """Numbers, dates and names in ``claim``: (as written, terms that must be found)."""
    facts: list[tuple[str, set[str]]] = []
    for match in NUMBER_PATTERN.finditer(claim):
        facts.extend((match.group(), {n}) for n in numbers_in(match.group()))
    for match in DATE_PATTERN.finditer(claim):
        facts.extend(
            (word, {stem(word)})
            for word in re.findall(r"[A-Za-z]+", match.group())
            if word.lower() not in STOPWORDS and word.lower() not in {"am", "pm", "m"}
        )
    for match in NAME_PATTERN.finditer(claim):
        terms = {t for t in content_terms(match.group()) if not DATE_PATTERN.fullmatch(t)}
        if terms:
            facts.append((match.group(), terms))
    return facts


def numbers_in(text: str) -> set[str]:
    """Numbers written as digits or words, normalised: "2,500" -> "2500", "four" -> "4"."""
    found = {m.group().rstrip(".,").replace(",", "") for m in _DIGITS.finditer(text)}
    found |= {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS}
    return {f for f in found if f}


def _vocabulary(text: str) -> set[str]:
    return (
        set(content_terms(text))
        | numbers_in(text)
        | {stem(w) for w in re.findall(r"[A-Za-z]+", text)}
    )


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


class SupportChecker:
    """Judges claims against evidence text with key facts, word coverage and similarity."""

    def __init__(self, embed: Embed, options: SupportOptions | None = None) -> None:
        self._embed = embed
        self._options = options or SupportOptions()

    def judge(self, claim: str, evidence: Sequence[str]) -> list[Verdict]:
        """A verdict for ``claim`` against each evidence text."""
        if not evidence:
            return []
        vectors = self._embed([claim, *evidence])
        return [
            self._verdict(claim, text, _cosine(vectors[0], v))
            for text, v in zip(evidence, vectors[1:], strict=True)
        ]

    def _verdict(self, claim: str, evidence: str, similarity: float) -> Verdict:
        vocabulary = _vocabulary(evidence)
        terms = set(content_terms(claim))
        coverage = len(terms & vocabulary) / len(terms) if terms else 1.0
        support = 0.5 * coverage + 0.5 * max(similarity, 0.0)
        missing = [shown for shown, needed in key_facts(claim) if not needed <= vocabulary]
        if missing:
            return Verdict(False, support, f"'{missing[0]}' is not in the cited passage")
        if coverage < self._options.coverage_threshold:
            return Verdict(False, support, "most of its words are not in the cited passage")
        if similarity < self._options.similarity_threshold:
            return Verdict(False, support, "the cited passage says something else")
        return Verdict(True, support, "")


_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")


def _numbers(markers: str) -> list[int]:
    return [int(n) for group in _MARKERS.findall(markers) for n in group.split(",")]


def split_sentences(text: str) -> list[tuple[str, list[int]]]:
    """Sentences of a generated answer with the [n] markers that belong to each one.

    Models write "... Aleppo [1]." and "... Aleppo. [1]" alike; in the second form the
    sentence splitter puts "[1]" at the start of the next sentence, so markers that open a
    sentence are given back to the one before.
    """
    pieces: list[tuple[str, list[int]]] = []
    for start, end in sentence_spans(text):
        raw = text[start:end]
        if pieces and (leading := _LEADING_MARKERS.match(raw)):
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + _numbers(leading.group()))
            raw = raw[leading.end() :]
        body = _MARKERS.sub("", raw).strip()
        if re.search(r"\w", body):
            pieces.append((body, _numbers(raw)))
        elif pieces:  # a lone marker after the last sentence
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + _numbers(raw))
    return pieces


def passage_spans(passage: Passage, text_of: TextLookup) -> list[Span]:
    """The sentences of a passage's context window, with offsets into the raw file."""
    chunk = passage.chunk
    raw = text_of(chunk.source)
    window = raw[chunk.window_start : chunk.window_end]
    spans = [
        Span(chunk.source, chunk.window_start + a, chunk.window_start + b, window[a:b])
        for a, b in sentence_spans(window)
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
    for body, markers in split_sentences(text):
        cited = [passages[m - 1] for m in dict.fromkeys(markers) if 1 <= m <= len(passages)]
        if not cited:
            reason = (
                "it cites no passage" if not markers else "it cites a passage that does not exist"
            )
            sentences.append(Sentence(body, [], False, 0.0, reason))
            continue
        numbers, verdicts = [], []
        for passage in cited:
            spans = passage_spans(passage, text_of)
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
        )
    )
    return len(citations)
