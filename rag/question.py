"""What a question asks for, read from its analysis: the asking word and what it asks about.

Nothing here knows a language: the analyzer marks which token asks (``Token.asks``), and the
shape is read from parts of speech and dependency heads. "Which airport ...?" gives the
asking word "which" and the noun "airport"; "How many people ...?" gives "how", the
modifier "many" and the noun "people"; "What is the length of ...?" gives "what" and the
noun "length" (the subject of the copula the asking word stands for). The reader turns
these into expected answer types by what it learned from labelled questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lang import Analysis, Analyzer, Token

CONTEXT_WEIGHT = 0.35  # how much a word borrowed from earlier turns counts
_NOMINAL = frozenset({"NOUN", "PROPN"})
_MODIFIER = frozenset({"ADJ", "ADV"})
_NAMING = frozenset({"PROPN", "NUM"})  # an entity with one of these is a name or a figure


@dataclass(frozen=True)
class Shape:
    """The asking word, the word it modifies ("many"), the noun asked about, the main verb."""

    ask: str = ""
    modifier: str = ""
    noun: str = ""
    verb: str = ""

    def feature_keys(self) -> list[str]:
        """Feature keys of the shape, from specific to general (the reader's vocabulary)."""
        ask = self.ask or "-"
        keys = [f"ask={ask}"]
        if self.modifier:
            keys += [f"mod={self.modifier}", f"ask+mod={ask} {self.modifier}"]
        if self.noun:
            keys += [f"noun={self.noun}", f"ask+noun={ask} {self.noun}"]
        if self.verb:
            keys.append(f"verb={self.verb}")
        return keys


def _children(tokens: Sequence[Token], index: int) -> list[Token]:
    return [t for i, t in enumerate(tokens) if t.head == index and i != index]


def shape_of(analysis: Analysis) -> Shape:
    """The shape of the first asking word of a question (or of its main clause when none)."""
    tokens = analysis.tokens
    top = next((i for i, t in enumerate(tokens) if t.head == i and t.pos != "PUNCT"), None)
    if top is None:
        return Shape()
    verb = tokens[top].lemma if tokens[top].pos == "VERB" else ""
    at = next((i for i, t in enumerate(tokens) if t.asks), None)
    if at is None:  # "Name the deputy minister ...": what the main verb takes
        obj = next((t for t in _children(tokens, top) if t.pos in _NOMINAL), None)
        return Shape(noun=obj.lemma if obj else "", verb=verb)
    ask = tokens[at]
    head = tokens[ask.head]
    modifier = noun = ""
    if ask.head != at and head.pos in _NOMINAL:  # "which airport", "what year"
        noun = head.lemma
    elif ask.head != at and head.pos in _MODIFIER:  # "how many people", "how long"
        modifier = head.lemma
        above = tokens[head.head]
        if head.head != ask.head and above.pos in _NOMINAL:
            noun = above.lemma
    elif ask.head != at and ask.pos == "PRON" and head.pos == "AUX":  # "what is the length"
        subject = next((t for t in _children(tokens, ask.head) if t.pos in _NOMINAL), None)
        noun = subject.lemma if subject else ""
    return Shape(ask.lemma, modifier, noun, verb)


@dataclass(frozen=True)
class Query:
    """A question ready for retrieval and reading."""

    message: str
    context: str = ""
    analysis: Analysis | None = None
    shape: Shape = field(default_factory=Shape)
    # Content lemmas and how much each counts: its informativeness, less when borrowed.
    terms: dict[str, float] = field(default_factory=dict)
    own: frozenset[str] = frozenset()  # the lemmas the question itself gives
    names: tuple[frozenset[str], ...] = ()  # content lemmas of each entity it names

    @property
    def search_text(self) -> str:
        """What the keyword index is searched with: the lemmas, own and borrowed."""
        return " ".join(self.terms)


def build_query(
    analyzer: Analyzer, message: str, context: str = "", analysis: Analysis | None = None
) -> Query:
    """Analyse ``message`` (unless its ``analysis`` is given) and the words borrowed from
    earlier turns, ``context``."""
    texts = ([] if analysis else [message]) + ([context] if context else [])
    analyses = analyzer.analyze(texts)
    if analysis is None:
        analysis = analyses.pop(0)
    shape = shape_of(analysis)
    # They name the answer's type, not its content: "how long", "which airport".
    asking = {shape.modifier, shape.noun} - {""}
    own = [lemma for lemma in analysis.content_lemmas() if lemma not in asking] or [
        lemma for lemma in analysis.content_lemmas()
    ]
    terms = {}
    if context:
        terms = {
            lemma: CONTEXT_WEIGHT * analyzer.weight(lemma) for lemma in analyses[0].content_lemmas()
        }
    terms |= {lemma: analyzer.weight(lemma) for lemma in own}
    names = tuple(
        frozenset(t.lemma for t in tokens if t.content)
        for tokens in (analysis.tokens_in(e.start, e.end) for e in analysis.entities)
        if any(t.pos in _NAMING for t in tokens)
    )
    return Query(
        message=message,
        context=context,
        analysis=analysis,
        shape=shape,
        terms=terms,
        own=frozenset(own),
        names=tuple(n for n in names if n),
    )
