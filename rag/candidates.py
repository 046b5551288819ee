"""Typed answer candidates: the names, numbers and dates in a sentence that could answer.

``rag.question`` says what a question asks for (an ``AnswerSpec``); this module finds the
spans of a sentence that fit it, in the order the answerer should prefer them.
"""

from __future__ import annotations

import re

from rag.question import AnswerSpec, AnswerType
from rag.text import (
    DATE_PATTERN,
    MONTH_OR_WEEKDAY,
    NAME_PATTERN,
    NUMBER_PATTERN,
    STOPWORDS,
    content_terms,
    is_past_form,
    stem,
)

_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)


# "Syrian", "Chinese", "British", "Iraqi", "German" (and not "Japan" or "Iran": an "-an"
# nationality has six letters or more).
_DEMONYM = re.compile(r"^(?:[Tt]he )?(?:[A-Z][a-z]+(?:ian|ese|ish|i)|[A-Z][a-z]{4,}an)$")
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
    if _OPENING_ADVERB.fullmatch(sentence, start, end) and sentence[end : end + 1] == ",":
        return start, ""  # "Previously, it was reported ...": no name
    name = sentence[start:end]
    following = _NEXT_NOUN.match(sentence, end)
    if (
        _DEMONYM.match(name)
        and following
        and following.group(1) not in STOPWORDS
        and not is_past_form(following.group(1))  # "Iran met": a country, then its verb
    ):
        return start, sentence[start : following.end()]
    return start, name


# "How long" is also answered in words: "until terrorism is defeated", "as long as necessary".
_DURATION_PHRASE = re.compile(
    r"\b(?:until|till)\s[^,.;:\"”]{3,60}|\bas long as\s[^,.;:\"”]{3,40}|\bindefinitely\b|"
    r"\bfor the (?:duration|rest) of\s[^,.;:\"”]{3,40}",
    re.I,
)


def _has_unit(sentence: str, number: re.Match[str], unit: re.Pattern[str]) -> bool:
    """The number's own words or the two words after it name the unit ("three hours")."""
    after = " ".join(re.findall(r"[\w’'-]+", sentence[number.end() :])[:2])
    return bool(unit.search(number.group()) or unit.match(after))


_CLOCK = re.compile(r"\d(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.)|\d:\d\d", re.I)


_POSSESSIVE_AFTER = re.compile(r"['’]s\b")
# A sentence adverb before a comma is capitalised only because it opens the sentence.
_OPENING_ADVERB = re.compile(
    r"[A-Z][a-z]{3,}(?:ally|ously|ively|edly|ently|antly|ately|arly)|"
    r"However|Earlier|Meanwhile|Later|Moreover|Furthermore|Still|Instead|Therefore|Thus|"
    r"Nevertheless|Besides|Then|Now|Today|Yesterday|Also|Again|Yet|Overall"
)
# A capitalised preposition opening a sentence is not part of the name after it.
_LEADING_PREPOSITION = re.compile(
    r"(?:On|In|At|For|By|From|With|To|After|Before|During|Since|Until|Under|Over)\s+(?:the\s+)?"
)


_POSSESSIVE = re.compile(r"['’]s$")


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


# A name right after one of these is where something happened ("at Vellmark", "in Geneva").
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|inside|across|throughout|around|towards?)\s+(?:the\s+)?$", re.I
)


def _by_role(sentence: str, spans: list[tuple[int, str]], place: bool | None) -> list[str]:
    """Names in sentence order, those in a place phrase ("at Vellmark") first for "where"
    (and no name that acts there), last for "who".

    Sentence order decides between candidates otherwise, so without this "Who opened the
    bridge at Vellmark ... by Ada Pell?" would answer with the place.
    """
    if place is None:
        return [span for _, span in spans]

    def in_place_phrase(start: int) -> bool:
        return bool(_LOCATIVE.search(sentence[max(0, start - 20) : start]))

    if place:  # "Where ...?" is not answered by the ministry that did it
        spans = [
            (start, span)
            for start, span in spans
            if in_place_phrase(start) or not _acts(sentence, start, span)
        ]
    return [span for _, span in sorted(spans, key=lambda s: in_place_phrase(s[0]) != place)]


def _acts(sentence: str, start: int, span: str) -> bool:
    """The name is the sentence's subject ("The ministry briefed ...") or comes right before
    a past verb: who did something, not where."""
    if not sentence[:start].strip(" \"“'‘"):
        return True
    following = _NEXT_NOUN.match(sentence, start + len(span))
    return following is not None and is_past_form(following.group(1))


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


_PERSONAL_PRONOUN = re.compile(r"\b(?:he|she)\b", re.I)
_DEMONSTRATIVE = re.compile(r"\b(?:this|that|these|those)\s+([\w-]+)", re.I)
_SENTENCE_IN = re.compile(r"\S[^\n]*?(?:[.!?…][\"'”’)]*(?=\s|$)|$)")


def _refers_to_noun(sentence: str, noun: str) -> bool:
    """ "This road is also open ...": the sentence names its road only as "this road"."""
    return bool(noun) and any(stem(m.group(1)) == noun for m in _DEMONSTRATIVE.finditer(sentence))


def antecedent(
    text: str, window_start: int, sentence_start: int, sentence: str, spec: AnswerSpec
) -> tuple[str, int, int] | None:
    """Who "he" or "she" is in ``sentence``, or which road "this road" is: a name of the
    sentence before it.

    News quotes are attributed with a pronoun ("... as long as necessary," he noted) after a
    sentence that names the speaker, and a second mention of a road or a group says "this
    road". Returns the name and the start and end of that earlier sentence in ``text`` (so
    it can be cited), or None when there is no such sentence.
    """
    if spec.kind is not AnswerType.NAME or spec.several:
        return None
    demonstrative = _refers_to_noun(sentence, spec.type_noun)
    if not demonstrative and not _PERSONAL_PRONOUN.search(sentence):
        return None
    before = [m for m in _SENTENCE_IN.finditer(text, window_start, sentence_start)]
    if not before:
        return None
    previous = before[-1]
    if demonstrative and spec.type_noun not in content_terms(previous.group()):
        return None  # "this road" is a road that the sentence before names
    names = typed_candidates(previous.group(), spec)
    return (names[0], previous.start(), previous.end()) if names else None
