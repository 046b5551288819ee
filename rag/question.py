"""What a question asks for: its expected answer type, and whether it is an instruction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from rag.text import (
    DATE_PATTERN,
    MONTH_OR_WEEKDAY,
    NAME_PATTERN,
    NUMBER_PATTERN,
    STOPWORDS,
    content_terms,
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
            r"\bwhen\b|\b(what|which) (date|day of the week|day|month|year|time|hours?)\b|"
            r"\bon what day( of the week)?\b|\bwhat time\b|\bhow (early|late)\b",
            re.I,
        ),
        AnswerType.DATE,
    ),
    (
        re.compile(
            r"^\s*(who|whom|whose)\b|\bwho\b|\bwhere\b|"
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
    r"context|sources?|above|previous|prompt)\b|\byou are now\b|\bpretend (to be|you)\b|"
    r"\bsystem prompt\b|\bact as\b|\bjailbreak\b|\bfrom now on\b",
    re.IGNORECASE,
)


_PLURAL_ASK = re.compile(
    r"\b(which|what)( \w+)?( \w+)? (powers|countries|nations|states|cities|organi[sz]ations|"
    r"agencies|groups|officials|ministers|outlets|people|topics|details|issues)\b|^\s*name the\b",
    re.I,
)


_COUNTS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5}
_ASKED_COUNT = re.compile(r"\b(?:which|what|name(?: the)?)\s+(both|two|three|four|five)\b", re.I)


def asked_count(question: str) -> int:
    """How many answers "which two / three ..." asks for; 0 when it does not say."""
    match = _ASKED_COUNT.search(question)
    return _COUNTS[match.group(1).lower()] if match else 0


def asks_for_several(question: str) -> bool:
    """ "Which organizations ...": the answer is a list, best given as the whole sentence."""
    return bool(_PLURAL_ASK.search(question))


def answer_type(question: str) -> AnswerType:
    return classify(question)[0]


# "Who is Ada Pell?" asks what the documents say about her, not for another name.
_DEFINITION = re.compile(
    rf"^\s*(?i:who|what) (?i:is|was|are|were) (?:the )?{NAME_PATTERN.pattern}\s*\??\s*$"
)


def classify(question: str) -> tuple[AnswerType, str]:
    """The expected answer type and the words that ask for it ("how many", "which city").

    Those words name the answer's type, not its content, so they are left out when a
    passage's coverage of the question is measured.
    """
    if _DEFINITION.match(question):
        return AnswerType.OTHER, ""
    for pattern, kind in _TYPE_RULES:
        if match := pattern.search(question):
            return kind, match.group()
    return AnswerType.OTHER, ""


def is_instruction(question: str) -> bool:
    """True when the 'question' tells the assistant to drop its documents or its role."""
    return bool(_INSTRUCTION.search(question))


_WEEKDAY_QUESTION = re.compile(r"\bday of the week\b|\bweekday\b|\bwhich day\b", re.I)
_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)


def asks_weekday(question: str) -> bool:
    return bool(_WEEKDAY_QUESTION.search(question))


_DEMONYM = re.compile(r"^(the )?[A-Z][a-z]+(ian|ese|ish|i|an)$", re.I)
_NEXT_NOUN = re.compile(r"\s+([a-z][a-z-]+)")


def _name_span(sentence: str, match: re.Match[str]) -> tuple[int, str]:
    """Where a name starts and what it is, from a run of capitalised words.

    A capitalised preposition opening a sentence is not part of the name ("On October 15",
    "Under the Tarnish government"), and a nationality takes the noun after it ("The Syrian"
    + "army"): a nationality alone does not say who did something.
    """
    start, end = match.span()
    if lead := _LEADING_PREPOSITION.match(sentence, start, end):
        start = lead.end()
    name = sentence[start:end]
    following = _NEXT_NOUN.match(sentence, end)
    if _DEMONYM.match(name) and following and following.group(1) not in STOPWORDS:
        return start, sentence[start : following.end()]
    return start, name


_PLURALS = frozenset({"people", "children", "men", "women", "personnel", "staff", "police"})
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
    place: bool | None = None  # True for "where", False for "who": which names come first
    unit: re.Pattern[str] | None = None  # "how long": a number must carry a time or length unit
    duration: bool = False  # "how long": "until ..." and "as long as ..." answer it too
    type_noun: str = ""  # "which road" -> "road": the answer is a road
    kind_of: str = ""  # "what type of aircraft" -> "aircraft": a passage must name it
    whose: bool = False  # "whose statement": a possessive name ("Shoigu's") is the answer
    clock: bool = False  # "what time": the answer is a time of day ("10 am")


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


# "How long" is also answered in words: "until terrorism is defeated", "as long as necessary".
_DURATION_PHRASE = re.compile(
    r"\b(?:until|till)\s[^,.;:\"”]{3,60}|\bas long as\s[^,.;:\"”]{3,40}|\bindefinitely\b|"
    r"\bfor the (?:duration|rest) of\s[^,.;:\"”]{3,40}",
    re.I,
)
_HOW_LONG = re.compile(r"\bhow long\b", re.I)


def measure_unit(question: str) -> re.Pattern[str] | None:
    """The unit a "how long / old / far" answer needs, as a pattern; None for other questions."""
    return next((unit for asks, unit in _MEASURES if asks.search(question)), None)


def _has_unit(sentence: str, number: re.Match[str], unit: re.Pattern[str]) -> bool:
    """The number's own words or the two words after it name the unit ("three hours")."""
    after = " ".join(re.findall(r"[\w’'-]+", sentence[number.end() :])[:2])
    return bool(unit.search(number.group()) or unit.match(after))


def question_anchors(question: str) -> list[str]:
    """Numbers, dates and names in the question (lower case): what a passage should name."""
    found = [m.group().lower() for m in NUMBER_PATTERN.finditer(question)]
    found += [m.group().lower() for m in DATE_PATTERN.finditer(question)]
    found += [m.group().lower() for m in NAME_PATTERN.finditer(question) if m.start() > 0]
    return sorted({a.strip() for a in found if len(a.strip()) > 1})


def answer_spec(question: str) -> AnswerSpec:
    kind, type_words = classify(question)
    counted: list[str] = []
    if match := _COUNTED.search(question):
        for word in match.group(1).split():
            if word.lower() in STOPWORDS:
                break
            # Only plural nouns name what is counted; "how many fled" counts nothing named.
            if word.lower().endswith("s") or word.lower() in _PLURALS:
                counted.append(stem(word))
    return AnswerSpec(
        kind=kind,
        type_words=type_words,
        weekday=asks_weekday(question),
        several=asks_for_several(question),
        how_many=asked_count(question),
        counted=frozenset(counted),
        asked=frozenset(content_terms(question)),
        anchors=tuple(
            terms for a in question_anchors(question) if (terms := frozenset(content_terms(a)))
        ),
        place=_asks_place(question),
        unit=measure_unit(question) if kind is AnswerType.NUMBER else None,
        duration=kind is AnswerType.NUMBER and bool(_HOW_LONG.search(question)),
        type_noun=_type_noun(type_words) if kind is AnswerType.NAME else "",
        kind_of=_kind_of(question),
        whose=bool(_WHOSE.search(question)),
        clock=bool(_ASKS_CLOCK.search(question)),
    )


_ASKS_CLOCK = re.compile(
    r"\b(?:what|which) (?:time|hour)\b(?! of (?:the )?(?:year|month|week))", re.I
)
_CLOCK = re.compile(r"\d(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.)|\d:\d\d", re.I)


_POSSESSIVE_AFTER = re.compile(r"['’]s\b")
# A capitalised preposition opening a sentence is not part of the name after it.
_LEADING_PREPOSITION = re.compile(
    r"(?:On|In|At|For|By|From|With|To|After|Before|During|Since|Until|Under|Over)\s+(?:the\s+)?"
)


_WHOSE = re.compile(r"\bwhose\b|\b(?:which|what) \w+['’]s\b", re.I)
_POSSESSIVE = re.compile(r"['’]s$")


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


_WORD = re.compile(r"[\w’'-]+")


def _near_type_noun(
    sentence: str, spans: list[tuple[int, str]], noun: str
) -> list[tuple[int, str]]:
    """Names nearest the question's type noun first: "the rebel group Red Dawn".

    News text names a thing next to the noun that says what it is (apposition), so when the
    sentence holds that noun, the name beside it is the likelier answer to "which group".
    """
    places = [m.start() for m in _WORD.finditer(sentence) if stem(m.group()) == noun]
    if not noun or not places:
        return spans

    def distance(span: tuple[int, str]) -> int:
        """0 for a name holding the noun ("Castello Road"), else how far after it the name
        starts ("the group Red Dawn"); a name before it only modifies it ("Balkan countries")."""
        start, text = span
        end = start + len(text)
        return min(
            0 if start <= p < end else start - p if start > p else len(sentence) for p in places
        )

    return sorted(spans, key=distance)


_WHERE = re.compile(r"\bwhere\b", re.I)
_WHO = re.compile(r"\b(who|whom|whose)\b", re.I)
# A name right after one of these is where something happened ("at Vellmark", "in Geneva").
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|inside|across|throughout|around|towards?)\s+(?:the\s+)?$", re.I
)


def _asks_place(question: str) -> bool | None:
    if _WHERE.search(question):
        return True
    return False if _WHO.search(question) else None


def _by_role(sentence: str, spans: list[tuple[int, str]], place: bool | None) -> list[str]:
    """Names in sentence order, those in a place phrase first for "where", last for "who".

    Sentence order decides between candidates otherwise, so without this "Who opened the
    bridge at Vellmark ... by Ada Pell?" would answer with the place.
    """
    if place is None:
        return [span for _, span in spans]

    def in_place_phrase(start: int) -> bool:
        return bool(_LOCATIVE.search(sentence[max(0, start - 20) : start]))

    return [span for _, span in sorted(spans, key=lambda s: in_place_phrase(s[0]) != place)]


def counted_thing(sentence: str, number: str) -> set[str]:
    """Content terms of the few words after a number: what it counts ("safe corridors").

    A unit written into the number counts too: "a three-hour window" counts hours.
    """
    at = sentence.lower().find(number.lower())
    after = sentence[at + len(number) :] if at >= 0 else ""
    unit = re.findall(r"[A-Za-z]+", number.split("-", 1)[1]) if "-" in number else []
    # The noun phrase right after the number, up to punctuation or a function word: in
    # "one for the militants", "one" counts no militants.
    phrase: list[str] = []
    for word in re.findall(r"[\w’'-]+", re.split(r"[,;:.()\"“”]", after, maxsplit=1)[0])[:3]:
        if word.lower() in STOPWORDS:
            break
        phrase.append(word)
    return set(content_terms(" ".join(unit + phrase)))


def _spans(sentence: str, spec: AnswerSpec) -> list[str]:
    if spec.kind is AnswerType.NUMBER:
        dates = [m.span() for m in DATE_PATTERN.finditer(sentence)]
        numbers = [
            m
            for m in NUMBER_PATTERN.finditer(sentence)
            if not any(a <= m.start() < b for a, b in dates)  # the 12 of "August 12"
        ]
        if spec.unit is not None:
            numbers = [m for m in numbers if _has_unit(sentence, m, spec.unit)]
        if spec.duration:
            numbers = sorted(
                [*numbers, *_DURATION_PHRASE.finditer(sentence)], key=lambda m: m.start()
            )
        spans = [m.group() for m in numbers]
        if spec.counted:  # "how many people": a number of corridors does not answer it
            spans = [s for s in spans if spec.counted & counted_thing(sentence, s)]
        return spans
    if spec.kind is AnswerType.DATE:
        spans = [m.group() for m in DATE_PATTERN.finditer(sentence)]
        if spec.clock:  # "what time": a day is not a time of day
            spans = [s for s in spans if _CLOCK.search(s)]
        return [s for s in spans if _WEEKDAY.search(s)] if spec.weekday else spans
    if spec.kind is AnswerType.NAME:
        names = [_name_span(sentence, m) for m in NAME_PATTERN.finditer(sentence)]
        names = [
            (at, s)
            for at, s in names
            if s and not DATE_PATTERN.fullmatch(s) and not MONTH_OR_WEEKDAY.fullmatch(s)
        ]
        if not spec.whose:  # "Russia's request": a possessive name modifies, it does not act
            names = [
                (at, s)
                for at, s in names
                if not _POSSESSIVE.search(s) and not _POSSESSIVE_AFTER.match(sentence, at + len(s))
            ]
        return _by_role(sentence, _near_type_noun(sentence, names, spec.type_noun), spec.place)
    return []


def _without_asked_title(span: str, asked: frozenset[str]) -> str:
    """ "Russian Deputy Foreign Minister Sergey Ryabkov" -> "Sergey Ryabkov" when the question
    asked for the Russian deputy foreign minister: the title it gave is not the answer."""
    tokens = span.split()
    lead = 0  # tokens up to the last of the question's words before the first new one
    for at, token in enumerate(tokens[:-1]):
        terms = set(content_terms(token))
        if terms and not terms <= asked:
            break
        if terms:
            lead = at + 1
    rest = " ".join(tokens[lead:])
    return rest if lead and rest[:1].isupper() else span


def typed_candidates(sentence: str, spec: AnswerSpec) -> list[str]:
    """Spans of ``sentence`` of the expected type that the question does not already name.

    A span whose words are more than half the question's own ("US-backed Syrian Democratic Forces"
    for "Who commands the Syrian Democratic Forces?") restates the question, so it is left out,
    once a title the question gives is taken off its front.
    So is a name ending in a name the question gives ("Deputy Minister Anatoly Antonov" for
    "According to Antonov, who ...?"): it is the same person or body, not the answer.
    """
    named = set().union(*spec.anchors)
    fresh = []
    for span in _spans(sentence, spec):
        if spec.kind is AnswerType.NAME:
            span = _without_asked_title(span, spec.asked)
        terms = content_terms(span)
        if not terms or len(set(terms) & spec.asked) * 2 > len(set(terms)):
            continue
        if spec.kind is AnswerType.NAME and terms[-1] in named:
            continue
        fresh.append(span.strip(" ,.;:"))
    return fresh
