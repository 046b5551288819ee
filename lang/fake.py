"""A deterministic stand-in analyzer for unit tests: no model, a few lines of rules.

Sentences end at ".", "!" or "?" before a space; a run of capitalised words is a ``NAME``,
a number a ``NUMBER``; lemmas are lower-cased words. The word lists are the test's own
(given to the constructor), small on purpose: this is a fake, not a language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from lang.requests import RequestWords, read_request
from lang.types import Analysis, Request, Span, Token

_TOKEN = re.compile(r"\w+(?:[-'’,.]\d+|[-'’]\w+)*|[^\w\s]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "she",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "with",
    ]
)
ASKING = frozenset({"who", "whom", "whose", "what", "when", "where", "which", "why", "how"})
_REQUEST_WORDS = RequestWords(
    summary=frozenset({"summarise"}),
    comparison=frozenset({"compare"}),
    linking=frozenset({"and", "with"}),
)
REFERRING = frozenset({"he", "she", "it", "they", "them", "him", "her", "its", "their", "that"})


class FakeAnalyzer:
    """Regex tokens and capitalised runs as names; every word weighs 1."""

    language = "xx"
    name = "fake-analyzer/1"
    figure_labels = frozenset({"NUMBER"})

    def __init__(
        self,
        stopwords: Iterable[str] = STOPWORDS,
        asking: Iterable[str] = ASKING,
        referring: Iterable[str] = REFERRING,
    ) -> None:
        self._stop = frozenset(stopwords)
        self._asking = frozenset(asking)
        self._referring = frozenset(referring)

    def analyze(self, texts: Sequence[str]) -> list[Analysis]:
        return [self._one(text) for text in texts]

    def weight(self, lemma: str) -> float:
        return 1.0

    def request(self, message: Analysis) -> Request:
        return read_request(message, _REQUEST_WORDS)

    def _one(self, text: str) -> Analysis:
        tokens = tuple(self._token(m, i) for i, m in enumerate(_TOKEN.finditer(text)))
        return Analysis(
            text=text,
            tokens=tokens,
            sentences=_sentences(text),
            entities=_entities(tokens),
            phrases=_entities(tokens),
        )

    def _token(self, match: re.Match[str], index: int) -> Token:
        word = match.group()
        lower = word.lower()
        digits = word.replace(",", "")
        number = float(digits) if re.fullmatch(r"\d+(?:\.\d+)?", digits) else None
        pos = "NUM" if number is not None else "PUNCT" if not word[0].isalnum() else "PROPN"
        if pos == "PROPN" and not word[0].isupper():
            pos = "NOUN"
        return Token(
            start=match.start(),
            end=match.end(),
            text=word,
            lemma=lower,
            pos=pos,
            dep="dep",
            head=index,
            content=pos != "PUNCT" and lower not in self._stop,
            asks=lower in self._asking,
            refers=lower in self._referring,
            number=number,
        )


def _sentences(text: str) -> tuple[Span, ...]:
    spans = []
    start = 0
    for end in [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append(Span(start + lead, start + len(piece.rstrip())))
        start = end
    return tuple(spans)


def _entities(tokens: Sequence[Token]) -> tuple[Span, ...]:
    spans: list[Span] = []
    run: list[Token] = []
    for token in [*tokens, None]:
        if token is not None and token.pos == "PROPN" and token.content:
            run.append(token)
            continue
        if run:
            spans.append(Span(run[0].start, run[-1].end, "NAME"))
            run = []
        if token is not None and token.pos == "NUM":
            spans.append(Span(token.start, token.end, "NUMBER"))
    return tuple(spans)
