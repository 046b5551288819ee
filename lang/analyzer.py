"""The language seam: one small interface for everything that knows a language.

An ``Analyzer`` turns texts into ``Analysis`` objects (sentences, tokens with lemma, part of
speech and dependency head, typed entities, noun phrases) and says how much a word tells
(rare words tell more). Retrieval, scoring, verification and the faces only read those;
nothing outside an analyzer implementation knows English. Another language is another
implementation: a spaCy pipeline for it plus what it tags as asking words and pronouns (see
``lang.english``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lang.types import Analysis, Request


class Analyzer(Protocol):
    """Sentences, tokens, entities and noun phrases of texts in one language."""

    language: str  # ISO 639-1 code
    name: str  # the pipeline and its version, stored with what it analysed
    figure_labels: frozenset[str]  # entity labels of counts and amounts ("4 corridors")

    def analyze(self, texts: Sequence[str]) -> list[Analysis]:
        """One ``Analysis`` per text, in order (batched: pass many texts at once)."""
        ...

    def weight(self, lemma: str) -> float:
        """How much a word tells about a text: more for rarer words, 0 for none."""
        ...

    def request(self, message: Analysis) -> Request:
        """Whether ``message`` asks a question, for a summary or for a comparison, and of
        which documents (as the user named them)."""
        ...


LANGUAGES = ("en",)


def load_analyzer(language: str = "en") -> Analyzer:
    """The analyzer for ``language``; its model loads on first use, not here."""
    if language == "en":
        from lang.english import EnglishAnalyzer

        return EnglishAnalyzer()
    from store.errors import SettingsError  # here: store imports lang

    raise SettingsError(
        f"invalid setting 'language': no analyzer for '{language}' (known: {', '.join(LANGUAGES)})"
    )
