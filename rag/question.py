"""What a question asks for: its expected answer type, and whether it is an instruction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from rag.text import (
    DATE_PATTERN,
    NAME_PATTERN,
    NUMBER_PATTERN,
    STOPWORDS,
    acronym,
    content_terms,
    is_past_form,
    stem,
)


class AnswerType(Enum):
    NUMBER = "number"
    DATE = "date"
    NAME = "name"  # a person, organisation or place
    OTHER = "other"


# Nouns naming an amount: "what was the population / death toll / exchange rate".
_QUANTITY = (
    r"(?:population|size|cost|price|toll|budget|value|amount|total|age|length|distance|height|"
    r"weight|area|salary|turnout|rate|percentage|share|figure|count|tonnage|capacity)"
)

# Where a question word asks rather than relates: at the start of a sentence or clause, or
# after a preposition ("to whom").
_ASKING = (
    r"(?:^\s*|[.?!,;:]\s+|\b(?:to|from|with|by|for|of|and|but|or|than|since|until|till)\s+|"
    r"\b(?:know|tell(?: me| us)?|ask|wonder|explain|say|find out|show(?: me)?)\s+)"
)

_TYPE_RULES: list[tuple[re.Pattern[str], AnswerType]] = [
    (
        re.compile(
            r"\bhow (many|much|long|old|far)\b|\bnumber of\b|\bwhat (percentage|share)\b|"
            # "What was the population of ...": a quantity noun asks for a number as well.
            # The noun stays out of the type words: a passage should still name it.
            rf"\bwhat (?:is|was|are|were|will be)(?= (?:the |its |their |today's )?(?:\w+ )?"
            rf"{_QUANTITY}\b)",
            re.I,
        ),
        AnswerType.NUMBER,
    ),
    (
        re.compile(
            rf"{_ASKING}when\b|\b(what|which) (date|day of the week|day|month|year|time|hours?)\b|"
            r"\bon what day( of the week)?\b|\bwhat time\b|\bhow (early|late)\b",
            re.I,
        ),
        AnswerType.DATE,
    ),
    (
        re.compile(
            # "Who", "..., who else" and "to whom" ask; "the militants who left" does not.
            rf"{_ASKING}(?:who|whom|whose|where)\b|"
            r"\b(which|what) (city|country|countries|town|place|organi[sz]ations?|agency|"
            r"group|outlet|minister|official|road|park|person|president|envoy)\b|"
            r"\b(which|what)( \w+)?( \w+)? (powers|countries|nations|states|cities|"
            r"organi[sz]ations|agencies|groups|officials|ministers|outlets|people)\b|"
            r"^\s*name the\b|\bwhat (?:is|was|are|were) the names? of\b",
            re.I,
        ),
        AnswerType.NAME,
    ),
]

# Phrases that try to replace the assistant's task instead of asking about the documents.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(documents?|instructions?|rules|"
    r"context|sources?|above|previous|prompt)\b|"
    # Told, not asked: "Disregard the news reports and ..." (but "Did they ignore reports?").
    r"(?:^|[.;:!]\s*)(?:please\s+)?(?:ignore|disregard|forget|override|bypass)\b.{0,40}"
    r"\b(?:reports?|articles?|texts?|news|files?)\b|\byou are now\b|\bpretend (to be|you)\b|"
    r"\bsystem prompt\b|\bact as\b|\bjailbreak\b|\bfrom now on\b",
    re.IGNORECASE,
)


_PLURAL_ASK = re.compile(
    r"\b(which|what)( \w+)?( \w+)? (powers|countries|nations|states|cities|organi[sz]ations|"
    r"agencies|groups|officials|ministers|outlets|people|topics|details|issues)\b",
    re.I,
)
_NAME_THE = re.compile(r"^\s*name the\s+(?P<phrase>[^?.]*)", re.I)


def _names_several(question: str) -> bool:
    """ "Name the ministers", "name the two envoys"; not "Name the deputy minister who ..."."""
    match = _NAME_THE.match(question)
    if not match:
        return False
    head = _phrase_head(match.group("phrase")).lower()
    return (
        head in _PLURALS
        or (head.endswith(_PLURAL_ENDINGS) and not head.endswith(("ss", "us", "is")))
        or asked_count(question) > 0  # "name the two ..."
    )


_COUNTS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5}
_ASKED_COUNT = re.compile(r"\b(?:which|what|name(?: the)?)\s+(both|two|three|four|five)\b", re.I)


def asked_count(question: str) -> int:
    """How many answers "which two / three ..." asks for; 0 when it does not say."""
    match = _ASKED_COUNT.search(question)
    return _COUNTS[match.group(1).lower()] if match else 0


def asks_for_several(question: str) -> bool:
    """ "Which organizations ...": the answer is a list, best given as the whole sentence."""
    return bool(_PLURAL_ASK.search(question)) or _names_several(question)


def answer_type(question: str) -> AnswerType:
    return classify(question)[0]


# "Who is Ada Pell?" asks what the documents say about her, not for another name.
_DEFINITION = re.compile(
    rf"^\s*(?i:who|what) (?i:is|was|are|were) (?:the )?{NAME_PATTERN.pattern}\s*\??\s*$"
)


_WH = frozenset({"which", "what"})


def classify(question: str) -> tuple[AnswerType, str]:
    """The expected answer type and the words that ask for it ("how many", "which city").

    Those words name the answer's type, not its content, so they are left out when a
    passage's coverage of the question is measured.
    """
    if _DEFINITION.match(question):
        return AnswerType.OTHER, ""
    for pattern, kind in _TYPE_RULES:
        if match := pattern.search(question):
            words = match.group().split()
            if kind is AnswerType.NAME and len(words) > 2 and words[0].lower() in _WH:
                # "Which Middle East countries": the modifiers say which countries, so
                # they stay content words; only "which ... countries" names the type.
                return kind, f"{words[0]} {words[-1]}"
            return kind, match.group()
    return AnswerType.OTHER, ""


_OUTLET_NOUN = (
    r"(?:news\s+agenc(?:y|ies)|agenc(?:y|ies)|(?:news\s+|media\s+)?outlets?|newspapers?|"
    r"news\s+organi[sz]ations?|publications?|wire\s+services?)"
)
_ASKS_OUTLET = re.compile(rf"\b(?:which|what)\b(?:\s+[\w-]+){{0,3}}?\s+{_OUTLET_NOUN}\b", re.I)
# "Which agencies appealed ...?" asks about agencies in the news; "which agencies reported"
# and "which news agencies" ask who published it.
_ABOUT_PUBLISHING = re.compile(
    r"\b(?:news|media|report\w*|carr(?:y|ied|ies)|publish\w*|quot\w*|cover\w*|wire)\b", re.I
)
MAX_OUTLETS = 3  # how many outlets a plural "which agencies" question is answered with
_PLURAL_OUTLETS = re.compile(
    r"\b(?:agencies|outlets|newspapers|organi[sz]ations|publications|services)\b", re.I
)


# "Which media outlets did Ada Pell accuse ...?": the outlets are what someone else acted on.
_OUTLETS_AS_OBJECT = re.compile(
    rf"{_OUTLET_NOUN}\s+(?:did|does|do|had|has|have|will|would)\s+(?:the\s+)?(?-i:[A-Z])", re.I
)


def asks_for_outlet(question: str) -> bool:
    return bool(
        _ASKS_OUTLET.search(question)
        and _ABOUT_PUBLISHING.search(question)
        and not _OUTLETS_AS_OBJECT.search(question)
    )


def outlets_wanted(question: str, how_many: int) -> int:
    """How many outlets to name: as many as asked ("which two"), a few for a plural, else 1."""
    if how_many:
        return how_many
    return MAX_OUTLETS if _PLURAL_OUTLETS.search(question) else 1


def is_instruction(question: str) -> bool:
    """True when the 'question' tells the assistant to drop its documents or its role."""
    return bool(_INSTRUCTION.search(question))


_WEEKDAY_QUESTION = re.compile(r"\bday of the week\b|\bweekday\b|\bwhich day\b", re.I)


def asks_weekday(question: str) -> bool:
    return bool(_WEEKDAY_QUESTION.search(question))


_PLURALS = frozenset({"people", "children", "personnel", "staff", "police", "cattle"})
# "servicemen", "gunmen", "aircraft": plurals without an "s".
_PLURAL_ENDINGS = ("s", "men", "craft")
_COUNTED = re.compile(r"\b(?:how many|how much|number of)\s+([\w’'-]+(?:\s+[\w’'-]+)?)", re.I)


@dataclass(frozen=True)
class AnswerSpec:
    """What a good answer to a question looks like."""

    kind: AnswerType
    type_words: str = ""
    weekday: bool = False
    several: bool = False
    how_many: int = 0  # "Which two capitals ...?" -> 2: the answer names that many
    counted: frozenset[str] = frozenset()  # "how many people" -> {"peopl"}
    asked: frozenset[str] = frozenset()  # the question's own content terms
    anchors: tuple[frozenset[str], ...] = ()  # terms of each number, date and name it names
    acronyms: tuple[str, ...] = ()  # each anchor's initials ("united states" -> "us") or ""
    place: bool | None = None  # True for "where", False for "who": which names come first
    unit: re.Pattern[str] | None = None  # "how long": a number must carry a time or length unit
    duration: bool = False  # "how long": "until ..." and "as long as ..." answer it too
    type_noun: str = ""  # "which road" -> "road": the answer is a road
    kind_of: str = ""  # "what type of aircraft" -> "aircraft": a passage must name it
    whose: bool = False  # "whose statement": a possessive name ("Shoigu's") is the answer
    clock: bool = False  # "what time": the answer is a time of day ("10 am")
    outlets: int = 0  # "which news agencies reported ...": how many publishers to name
    focus: str = ""  # "what was the outcome of ..." -> "outcom": the thing asked about


_TIME_UNIT = r"(?:second|minute|hour|day|night|week|month|year|decade|century|centuries)s?"
_LENGTH_UNIT = r"(?:km|kilomet(?:er|re)s?|met(?:er|re)s?|miles?|feet|foot|yards?)"
# "How long", "how old" and "how far" ask for a measure: a bare count ("seven countries")
# does not answer them, a number with the right unit ("three hours", "40 km") does.
_MEASURES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (
        re.compile(r"\bhow long\b", re.I),
        re.compile(rf"\b(?:{_TIME_UNIT}|{_LENGTH_UNIT})(?!\w)", re.I),
    ),
    (re.compile(r"\bhow old\b", re.I), re.compile(rf"\b{_TIME_UNIT}\b|\baged?\b", re.I)),
    (re.compile(r"\bhow far\b", re.I), re.compile(rf"\b{_LENGTH_UNIT}(?!\w)", re.I)),
]


_HOW_LONG = re.compile(r"\bhow long\b", re.I)


def measure_unit(question: str) -> re.Pattern[str] | None:
    """The unit a "how long / old / far" answer needs, as a pattern; None for other questions."""
    return next((unit for asks, unit in _MEASURES if asks.search(question)), None)


_COUNT_WORD = re.compile(r"[a-z]+", re.I)
_NEXT_WORD = re.compile(r"\s+([\w’'-]+)")


def _counts(number: re.Match[str]) -> bool:
    """A figure the question names: "12", "seven corridors"; not "which two" (how many answers
    are asked) nor "the two of them" (who)."""
    if not _COUNT_WORD.fullmatch(number.group()):
        return True
    before = number.string[: number.start()].rstrip().lower()
    if before.endswith(("which", "what", "name", "name the")):
        return False
    following = _NEXT_WORD.match(number.string, number.end())
    return following is not None and following.group(1).lower() not in STOPWORDS


def question_anchors(question: str) -> list[str]:
    """Numbers, dates and names in the question (lower case): what a passage should name."""
    found = [m.group().lower() for m in NUMBER_PATTERN.finditer(question) if _counts(m)]
    found += [m.group().lower() for m in DATE_PATTERN.finditer(question)]
    found += [m.group().lower() for m in NAME_PATTERN.finditer(question) if m.start() > 0]
    return sorted({a.strip() for a in found if len(a.strip()) > 1})


def answer_spec(question: str) -> AnswerSpec:
    kind, type_words = classify(question)
    anchors = [a for a in question_anchors(question) if content_terms(a)]
    how_many = asked_count(question)
    counted: list[str] = []
    if match := _COUNTED.search(question):
        for word in match.group(1).split():
            if word.lower() in STOPWORDS:
                break
            # Only plural nouns name what is counted; "how many fled" counts nothing named.
            if word.lower().endswith(_PLURAL_ENDINGS) or word.lower() in _PLURALS:
                counted.append(stem(word))
    return AnswerSpec(
        kind=kind,
        type_words=type_words,
        weekday=asks_weekday(question),
        several=asks_for_several(question),
        how_many=how_many,
        counted=frozenset(counted),
        asked=frozenset(content_terms(question)),
        anchors=tuple(frozenset(content_terms(a)) for a in anchors),
        acronyms=tuple(acronym(a.title()) for a in anchors),
        place=_asks_place(question),
        unit=measure_unit(question) if kind is AnswerType.NUMBER else None,
        duration=kind is AnswerType.NUMBER and bool(_HOW_LONG.search(question)),
        type_noun=_type_noun(type_words) if kind is AnswerType.NAME else "",
        kind_of=_kind_of(question),
        whose=bool(_WHOSE.search(question)),
        clock=bool(_ASKS_CLOCK.search(question)),
        outlets=outlets_wanted(question, how_many) if asks_for_outlet(question) else 0,
        focus="" if how_many or asks_for_several(question) else focus_noun(question, type_words),
    )


_ASKS_CLOCK = re.compile(
    r"\b(?:what|which) (?:time|hour)\b(?! of (?:the )?(?:year|month|week))", re.I
)
_WHOSE = re.compile(r"\bwhose\b|\b(?:which|what) \w+['’]s\b", re.I)
_KIND_OF = re.compile(
    r"\b(?:what|which)\s+(?:type|kind|sort|make|model|brand)s?\s+of\s+([\w-]+)", re.I
)


def _kind_of(question: str) -> str:
    """ "What type of aircraft ...?" asks which kind of aircraft: a passage that never
    mentions aircraft cannot say which kind, however close it is otherwise."""
    match = _KIND_OF.search(question)
    terms = content_terms(match.group(1)) if match else []
    return terms[0] if terms else ""


_WHICH_NOUN = re.compile(r"^(?:which|what)\b.*\b(\w+)$", re.I)


def _type_noun(type_words: str) -> str:
    """The noun a "which ..." question names its answer by, stemmed ("Which road" -> "road")."""
    match = _WHICH_NOUN.match(type_words.strip())
    return stem(match.group(1)) if match else ""


_WHERE = re.compile(rf"{_ASKING}where\b", re.I)
_WHO = re.compile(rf"{_ASKING}(who|whom|whose)\b", re.I)


def _asks_place(question: str) -> bool | None:
    if _WHERE.search(question):
        return True
    return False if _WHO.search(question) else None


# "How did the ministry describe the atmosphere of the talks?": what is described.
_FOCUS_DESCRIBED = re.compile(
    r"^\s*how\s+(?:did|does|do|would|will)\b[^?]*?\b(?:describe|characteri[sz]e|assess|"
    r"evaluate|rate|call)\s+(?:the|its|their)\s+(?P<phrase>[^?]*)",
    re.I,
)
# Where the noun phrase ends: a preposition, a relative word, an auxiliary or an article.
_PHRASE_END = frozenset(
    [
        "of",
        "in",
        "at",
        "for",
        "on",
        "to",
        "from",
        "with",
        "during",
        "between",
        "that",
        "who",
        "which",
        "whom",
        "whose",
        "behind",
        "about",
        "by",
        "according",
        "and",
        "or",
        "is",
        "was",
        "are",
        "were",
        "be",
        "been",
        "did",
        "does",
        "do",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "the",
        "a",
        "an",
        "its",
        "their",
        "this",
        "these",
        "those",
    ]
)
# Nouns too general to be looked for ("what two things", "which details"): the answer
# names the things themselves.
_GENERIC_FOCUS = frozenset(
    [
        "thing",
        "things",
        "detail",
        "details",
        "issue",
        "issues",
        "topic",
        "topics",
        "kind",
        "kinds",
        "type",
        "types",
        "sort",
        "sorts",
        "way",
        "ways",
        "part",
        "parts",
        "one",
        "ones",
        "name",
        "names",
        "number",
        "numbers",
        "reason",
        "reasons",
    ]
)


def _phrase_head(phrase: str) -> str:
    """The last word of the noun phrase that opens ``phrase`` ("" when it opens with none)."""
    head = ""
    for token in phrase.split()[:6]:
        word = token.strip(",.;:\"'“”")
        lower = word.lower()
        if not word or lower in _PHRASE_END or is_past_form(lower) or lower.endswith("ing"):
            break
        head = word
    return head


def focus_noun(question: str, type_words: str = "") -> str:
    """What "How did they describe the atmosphere of ...?" asks to be described, stemmed
    ("atmospher"): the sentence naming the atmosphere is likelier to describe it than its
    neighbour that shares more of the question's other words.

    Only this form: "what was the outcome of ..." and "which airport ..." were tried too, and
    ranked wrong sentences first about as often as right ones.
    """
    match = _FOCUS_DESCRIBED.match(question)
    head = _phrase_head(match.group("phrase")) if match else ""
    if not head or not head[0].islower() or head.lower() in _GENERIC_FOCUS:
        return ""
    term = stem(head)
    if term in {stem(w) for w in type_words.split()} or head.lower() in STOPWORDS:
        return ""
    return term
