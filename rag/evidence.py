"""How well a retrieved sentence answers a question: the features and the calibrated score.

The score mixes the embedding similarity with the share of the question's (IDF-weighted)
terms that the sentence and its window contain, and penalises sentences that cannot hold
the kind of answer asked for (no number for "how many") and bare headlines. The weights and
the abstention threshold live in ``Settings`` and are fitted on the train half of the eval
set by ``python -m bench.calibrate``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz.distance import OSA

from rag.candidates import typed_candidates
from rag.question import AnswerSpec, AnswerType, answer_spec
from rag.settings import Settings
from rag.text import acronyms_in, content_terms, stem
from rag.types import Citation, Passage
from store.metadata import dateline_end

TextLookup = Callable[[str], str]
"""Raw text of an ingested file, by source path."""

CONTEXT_WEIGHT = 0.35  # how much a term borrowed from earlier turns counts
FOLLOW_UP_OFF_TOPIC = 0.5  # evidence factor for a passage holding none of a follow-up's words
FOCUS_PREFERENCE = 2.0  # how far a sentence naming what is to be described may rise
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*\s*$")


@dataclass(frozen=True)
class Query:
    """A question ready for retrieval and scoring."""

    message: str
    context: str = ""
    spec: AnswerSpec = field(default_factory=lambda: AnswerSpec(AnswerType.OTHER))
    terms: dict[str, float] = field(default_factory=dict)

    @property
    def kind(self) -> AnswerType:
        return self.spec.kind


def build_query(message: str, context: str = "") -> Query:
    """Terms of ``message`` weigh 1; terms only in ``context`` (earlier turns) weigh less."""
    spec = answer_spec(message)
    own = content_terms(message)
    for term in content_terms(spec.type_words):  # they name the answer's type, not its content
        if term in own:
            own.remove(term)
    terms = dict.fromkeys(content_terms(context), CONTEXT_WEIGHT)
    terms.update(dict.fromkeys(own, 1.0))
    return Query(message, context, spec, terms)


def calibrated(name: str) -> float:
    """The default of a ``Settings`` field: the one place calibrated values are kept."""
    return float(Settings.model_fields[name].default)


@dataclass(frozen=True)
class EvidenceWeights:
    """How evidence is scored; the defaults are the calibrated ``Settings`` defaults."""

    similarity: float = calibrated("similarity_weight")
    coverage: float = calibrated("coverage_weight")
    window_coverage: float = calibrated("window_weight")
    untyped_penalty: float = calibrated("untyped_penalty")
    # Names are found by capitals, so "who" answered by "terrorists" looks untyped: a weaker
    # signal than a "how many" sentence with no number at all, hence its own factor.
    unnamed_penalty: float = calibrated("unnamed_penalty")
    headline_penalty: float = calibrated("headline_penalty")
    missing_anchor_penalty: float = calibrated("missing_anchor_penalty")

    @classmethod
    def from_settings(cls, settings: Settings) -> EvidenceWeights:
        return cls(
            similarity=settings.similarity_weight,
            coverage=settings.coverage_weight,
            window_coverage=settings.window_weight,
            untyped_penalty=settings.untyped_penalty,
            unnamed_penalty=settings.unnamed_penalty,
            headline_penalty=settings.headline_penalty,
            missing_anchor_penalty=settings.missing_anchor_penalty,
        )


@dataclass(frozen=True)
class Evidence:
    passage: Passage
    score: float
    coverage: float
    candidates: tuple[str, ...]
    headline: bool

    @property
    def text(self) -> str:
        return self.passage.chunk.text

    @property
    def source(self) -> str:
        return self.passage.chunk.source


def _coverage(terms: dict[str, float], present: set[str], idf: Callable[[str], float]) -> float:
    total = sum(weight * idf(t) for t, weight in terms.items()) or 1.0
    return sum(weight * idf(t) for t, weight in terms.items() if _found(t, present)) / total


def _given_before(candidate: str, query: Query) -> bool:
    """A name the earlier turns asked about is who a follow-up's "him" is, not its answer."""
    if query.kind is not AnswerType.NAME or not query.context:
        return False
    terms = content_terms(candidate)
    return bool(terms) and query.terms.get(terms[-1]) == CONTEXT_WEIGHT


def _window_text(passage: Passage, text_of: TextLookup) -> str:
    chunk = passage.chunk
    return text_of(chunk.source)[chunk.window_start : chunk.window_end]


def _window_terms(passage: Passage, text_of: TextLookup) -> set[str]:
    return set(content_terms(_window_text(passage, text_of)))


def _holds_any(terms: list[str], present: set[str]) -> bool:
    return any(_found(t, present) for t in terms)


def _own_terms(query: Query) -> list[str]:
    return [t for t, weight in query.terms.items() if weight == 1.0]


# Suffixes the Snowball stemmer keeps but that do not change what a word is about:
# "delivered" -> "deliv" but "delivery" -> "deliveri"; "react" but "reaction".
_DERIVED = frozenset({"i", "eri", "ion", "ions", "er", "ers", "or", "ors", "ive"})
_MIN_ROOT = 5


def _found(term: str, present: set[str]) -> bool:
    """``term`` or a derived form of it is in ``present`` (both stemmed)."""
    if term in present:
        return True
    if len(term) < _MIN_ROOT:
        return False
    return any(
        (other.startswith(term) and other[len(term) :] in _DERIVED)
        or (len(other) >= _MIN_ROOT and term.startswith(other) and term[len(other) :] in _DERIVED)
        for other in present
    )


# "Serbian" names Serbia, "Chinese" China (stemmed "chines"): a nationality's root opens
# its country's name, whichever of the two the question uses.
_DEMONYM_ENDING = re.compile(r"(?:es|ian|ish|an|i)$")
_MIN_DEMONYM_ROOT = 4


@lru_cache(maxsize=8192)
def _demonym_root(term: str) -> str:
    root = _DEMONYM_ENDING.sub("", term)
    return root if root != term and len(root) >= _MIN_DEMONYM_ROOT else ""


_COUNTRY_ENDING = 3  # at most this many letters after the root: "serb" + "ia", "turk" + "ey"


def _names_country(root: str, word: str) -> bool:
    return bool(root) and word.startswith(root) and len(word) - len(root) <= _COUNTRY_ENDING


def _anchor_term_found(term: str, present: AbstractSet[str]) -> bool:
    if term in present:
        return True
    if "-" in term:  # "the Pell-Brand dialogue": both names, each written apart
        parts = [part for part in term.split("-") if part]
        return bool(parts) and all(_anchor_term_found(part, present) for part in parts)
    root = _demonym_root(term)
    return any(
        _names_country(root, other) or _names_country(_demonym_root(other), term)
        for other in present
    ) or _spelled_alike(term, present)


_MIN_FUZZY = 6  # shorter words differ by one letter too often ("Iran"/"Iraq", "march"/"match")


def _spelled_alike(term: str, present: AbstractSet[str]) -> bool:
    """A name spelled one edit away: "Sergey" for "Sergei", "Vellmrak" for "Vellmark".

    Transliterated names vary between outlets, and reports carry typos; one insertion,
    deletion, substitution or swap of neighbours (optimal string alignment) is allowed.
    """
    if len(term) < _MIN_FUZZY or not term.isalpha():  # "15000" is not "16000"
        return False
    return any(
        len(other) >= _MIN_FUZZY
        and other[0] == term[0]
        and other.isalpha()
        and OSA.distance(term, other, score_cutoff=1) <= 1
        for other in present
    )


@dataclass(frozen=True)
class _Scope:
    """Where a question's names are looked for: stemmed terms and initials ("sdf")."""

    terms: AbstractSet[str]
    initials: AbstractSet[str]
    text: str = ""  # a whole report: its terms are looked up once per report, not per passage

    def _has(self, term: str) -> bool:
        return _anchor_term_found(term, self.terms) or bool(
            self.text and _report_has(self.text, term)
        )

    def holds(self, anchor: frozenset[str], short: str) -> bool:
        return (
            sum(self._has(t) for t in anchor) * 2 >= len(anchor)
            or bool(short and short in self.initials)  # "United States" written "US"
            or (len(anchor) == 1 and bool(anchor & _stemmed(self.initials)))  # "SDF" written out
        )


def _stemmed(initials: AbstractSet[str]) -> set[str]:
    """Initials as the question's terms are stemmed: "isis" -> "isi"."""
    return {stem(i) for i in initials}


_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
ELSEWHERE_IN_REPORT = 0.5  # how missing a name counts that the report gives elsewhere


def _missing_anchors(spec: AnswerSpec, window: _Scope, report: _Scope, dated: bool = True) -> float:
    """Share of the question's names, numbers and dates that the passage's window lacks.

    "What did Lavrov say in Lausanne?" is not answered by a passage about Lausanne alone.
    A name the report gives elsewhere counts half: news refers back to it ("the dialogue",
    "the sides"), and the window is only the sentences next to the passage. When the
    report's date has no year (``dated`` False: "BRASK, May 3"), a year the question
    names ("the August 2016 meeting") cannot be checked, so it is left out.
    """
    acronyms = spec.acronyms or ("",) * len(spec.anchors)
    checked = [
        (anchor, short)
        for anchor, short in zip(spec.anchors, acronyms, strict=True)
        if dated or not all(_YEAR.match(t) for t in anchor)
    ]
    if not checked:
        return 0.0
    missing = sum(
        0.0
        if window.holds(anchor, short)
        else ELSEWHERE_IN_REPORT
        if report.holds(anchor, short)
        else 1.0
        for anchor, short in checked
    )
    return missing / len(checked)


def _report_terms(passage: Passage) -> set[str]:
    """The report's title, outlet and date: "according to the May 3 VNA report" names
    the report, not the sentence."""
    meta = passage.chunk.meta
    return set(content_terms(" ".join(p for p in (meta.title, meta.outlet, meta.date) if p)))


def _dated(passage: Passage) -> bool:
    """The report's date gives a year, so a year the question names can be checked."""
    return any(_YEAR.match(t) for t in content_terms(passage.chunk.meta.date or ""))


@lru_cache(maxsize=256)
def _text_scope(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Terms and initials of a whole report, computed once per text (not per question)."""
    return frozenset(content_terms(text)), frozenset(acronyms_in(text))


@lru_cache(maxsize=4096)
def _report_has(text: str, term: str) -> bool:
    return _anchor_term_found(term, _text_scope(text)[0])


def _scopes(passage: Passage, window_terms: set[str], text_of: TextLookup) -> tuple[_Scope, _Scope]:
    """The passage's window and its whole report, each with the report's title, outlet and
    date."""
    text = text_of(passage.chunk.source)
    about = _report_terms(passage)
    window = _Scope(window_terms | about, acronyms_in(_window_text(passage, text_of)))
    return window, _Scope(about, _text_scope(text)[1], text)


def score_passages(
    query: Query,
    passages: list[Passage],
    idf: Callable[[str], float],
    text_of: TextLookup,
    weights: EvidenceWeights,
) -> list[Evidence]:
    """Evidence for each passage, best first."""
    own = _own_terms(query)
    windows = {p.chunk.chunk_id: _window_terms(p, text_of) for p in passages}
    # Only a ranking signal: when no passage holds the follow-up's own words ("Who asked
    # them?" answered by "called on"), it tells nothing, and must not force an abstention.
    # Nor for "which outlets published it": the publisher is in the dateline.
    off_topic = (
        FOLLOW_UP_OFF_TOPIC
        if query.context
        and own
        and not query.spec.outlets
        and any(_holds_any(own, terms) for terms in windows.values())
        else None
    )
    sentences = {p.chunk.chunk_id: set(content_terms(p.chunk.text)) for p in passages}
    focus = query.spec.focus
    naming = {key for key, terms in sentences.items() if focus and _found(focus, terms)}
    scored = []
    for passage in passages:
        chunk = passage.chunk
        window_terms = windows[chunk.chunk_id]
        body = chunk.text[dateline_end(chunk.text) :]
        candidates = tuple(
            c for c in typed_candidates(body, query.spec) if not _given_before(c, query)
        )
        headline = not _SENTENCE_END.search(chunk.text)
        coverage = _coverage(query.terms, sentences[chunk.chunk_id], idf)
        score = (
            weights.similarity * passage.similarity
            + weights.coverage * coverage
            + weights.window_coverage * _coverage(query.terms, window_terms, idf)
        )
        # "Which two powers?" is not answered by a sentence naming one.
        if query.kind is not AnswerType.OTHER and len(candidates) < max(1, query.spec.how_many):
            score *= (
                weights.unnamed_penalty
                if query.kind is AnswerType.NAME
                else weights.untyped_penalty
            )
        if query.spec.kind_of and query.spec.kind_of not in window_terms:
            score *= weights.untyped_penalty
        if headline:
            score *= weights.headline_penalty
        if query.spec.anchors:
            window, report = _scopes(passage, window_terms, text_of)
            missing = _missing_anchors(query.spec, window, report, _dated(passage))
            score *= 1.0 - weights.missing_anchor_penalty * missing
        if off_topic is not None and not _holds_any(own, window_terms):
            # A follow-up's context finds the passage that answered the turn before; one that
            # holds none of the follow-up's own words does not answer the new question.
            score *= off_topic
        scored.append(Evidence(passage, score, coverage, candidates, headline))
    if naming:
        scored = _prefer_naming(scored, naming)
    # On a tie, the sentence naming what the question asks to be described comes first.
    return sorted(scored, key=lambda e: (e.score, e.passage.chunk.chunk_id in naming), reverse=True)


def _prefer_naming(scored: list[Evidence], naming: set[str]) -> list[Evidence]:
    """ "How did they describe the atmosphere?": a sentence naming the atmosphere rises by
    ``FOCUS_PREFERENCE``, never above the best score, so it wins when close and no evidence
    is lowered: the rule ranks, it never makes the answerer abstain."""
    best = max(e.score for e in scored)
    return [
        replace(e, score=min(best, e.score * FOCUS_PREFERENCE))
        if e.passage.chunk.chunk_id in naming
        else e
        for e in scored
    ]


def cite(
    n: int, item: Evidence, text_of: TextLookup, span: tuple[int, int] | None = None
) -> Citation:
    """Citation ``[n]`` of a passage's sentence, or of ``span`` (start, end) in its file.

    The quote is read from the file, so ``quote == file_text[start:end]`` always holds.
    """
    chunk = item.passage.chunk
    start, end = span or (chunk.start, chunk.end)
    return Citation(
        n=n,
        source=chunk.source,
        start=start,
        end=end,
        quote=text_of(chunk.source)[start:end],
        score=round(item.score, 4),
        title=chunk.meta.title,
        outlet=chunk.meta.outlet,
        date=chunk.meta.date,
    )
