"""Words, numbers, dates and names in questions and sentences (English news text)."""

from __future__ import annotations

import re
from functools import lru_cache

# Function words and question words: they say nothing about which passage answers.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "done",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "also",
        "any",
        "all",
        "some",
        "such",
        "other",
        "more",
        "most",
        "much",
        "many",
        "very",
        "just",
        "only",
        "own",
        "same",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "up",
        "down",
        "out",
        "over",
        "under",
        "again",
        "further",
        "once",
        "here",
        "both",
        "each",
        "few",
        "nor",
        "not",
        "no",
        "too",
        "s",
        "t",
        "don",
        "now",
        "tell",
        "me",
        "please",
        "give",
        "say",
        "said",
        "says",
        "according",
    ]
)

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
DATE_PATTERN = re.compile(
    rf"\b(?:(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|\d{{1,2}} (?:{_MONTHS})"
    rf"(?: \d{{4}})?|(?:on |last |next )?(?:{_WEEKDAYS})|(?:yesterday|today|tomorrow)|"
    rf"(?:(?:early |late )?(?:spring|summer|autumn|fall|winter) of )?(?<!-)(?:1[6-9]|20)\d\d|"
    rf"\d{{1,2}}(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.)"
    rf"(?: (?:to|and|-) \d{{1,2}}(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.))?)(?!\w)",
    re.IGNORECASE,
)
# A month or weekday alone ("October") is a date word, never a name.
MONTH_OR_WEEKDAY = re.compile(rf"(?:{_MONTHS}|{_WEEKDAYS})", re.IGNORECASE)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    "fifty|hundred|thousand|million|billion|dozens?|several|hundreds|thousands"
)
NUMBER_PATTERN = re.compile(
    rf"\b(?:(?:more|less|fewer) than |over |about |nearly |almost |some |at least )?"
    rf"(?:\d[\d,.]*(?: (?:million|billion|thousand))?|(?:{_NUMBER_WORDS})(?:-\w+)?)"
    rf"(?:[- ](?:hour|day|week|month|year|km|kilometer|mile|percent|%)s?)?\b",
    re.IGNORECASE,
)
# Runs of capitalised words (allowing "of", "the", "de", "al-" inside, but not "and", which
# would merge two people into one) such as
# "Doctors Without Borders", "Staffan de Mistura", "Jabhat al-Nusra".
_NAME_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'-]*)"
NAME_PATTERN = re.compile(
    rf"\b{_NAME_WORD}(?:(?:\s+(?:(?:of|the|de|al|for|bin|von|van|du|la)\s+)*|\s+al-){_NAME_WORD})*"
)


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


# British spellings folded into American ones, so "defence" finds "Defense": reports quote
# agencies of both kinds, and readers write either. (No stemmer does this; the list is the
# handful of regular patterns.)
_SPELLING = [
    (re.compile(r"(?<=\w{3})is(ation|ations|e|ed|es|ing)$"), r"iz\1"),  # organise, organisation
    # labour, favour; "four", "tour", "hour" are too short, "behaviour" is left alone
    (re.compile(r"(?<=\w{2}[^aeiou])our(s|ed|ing)?$"), r"or\1"),
    (re.compile(r"^(def|off|lic|pret)ence(s)?$"), r"\1ense\2"),
    (re.compile(r"(?<=\w{2})tre$"), "ter"),  # centre, metre
    (re.compile(r"(?<=\w{3})mme$"), "m"),  # programme
    (re.compile(r"(?<=\w{3})logue$"), "log"),  # catalogue, dialogue
]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    lower = word.lower()
    for pattern, replacement in _SPELLING:
        lower = pattern.sub(replacement, lower)
    return str(_stemmer().stemWord(lower))  # type: ignore[attr-defined]


_POSSESSIVE_END = re.compile(r"['’]s?$")


def words(text: str) -> list[str]:
    """Lower-case word tokens (possessives and curly apostrophes dropped)."""
    return [_POSSESSIVE_END.sub("", w.lower()) for w in _TOKEN.findall(text)]


def content_terms(text: str) -> list[str]:
    """Stemmed words that are not stopwords, in order (duplicates kept)."""
    return [stem(w) for w in words(text) if (w not in STOPWORDS and len(w) > 1) or w.isdigit()]


_NAME_WORD_START = re.compile(r"[A-Za-z][\w’']*")
_ALL_CAPS = re.compile(r"\b[A-Z]{2,6}\b")


# Words that make a name a body's ("United Nations", "Red Cross"), not a person's.
_BODY_WORD = re.compile(
    r"\b(?:States|Nations|Union|Kingdom|Republic|Emirates|Forces|Army|Front|Party|Council|"
    r"Committee|Cross|Crescent|Ministry|Agency|Office|Service|Court|Bank|Fund|Command|"
    r"Organi[sz]ation|Association|Movement|Alliance|Coalition|Assembly|Congress|Guard)\b"
)


def acronym(name: str) -> str:
    """ "Syrian Democratic Forces" -> "sdf", "United States" -> "us"; "" for a single word.

    News writes a body's name out once and its initials after, so either may be asked about.
    Words in capitals are initials already ("US-backed"), so they give no letter.
    """
    words = _NAME_WORD_START.findall(name)
    if words and words[0].lower() in {"the", "a", "an"}:  # "The Syrian Democratic Forces"
        words = words[1:]
    letters = [w[0] for w in words if w[0].isupper() and not w.isupper()]
    if len(letters) < 2 or (len(letters) == 2 and not _BODY_WORD.search(name)):
        return ""  # "Ada Pell" is no "AP"; two-letter initials only for a body ("UN", "US")
    return "".join(letters).lower()


def acronyms_in(text: str) -> set[str]:
    """Initials ``text`` uses ("SDF") and those of the names it writes out, lower case."""
    found = {m.group().lower() for m in _ALL_CAPS.finditer(text)}
    return found | {a for m in NAME_PATTERN.finditer(text) if (a := acronym(m.group()))}


# Past forms without "-ed": they end a noun phrase ("Which minister said ...", "Iran met").
_IRREGULAR_PAST = frozenset(
    [
        "said",
        "told",
        "met",
        "gave",
        "took",
        "made",
        "came",
        "went",
        "sent",
        "led",
        "held",
        "left",
        "brought",
        "began",
        "saw",
        "won",
        "kept",
        "ran",
        "put",
        "set",
        "spoke",
        "wrote",
        "chose",
        "drew",
        "flew",
        "fled",
        "fought",
        "found",
        "got",
        "heard",
        "knew",
        "lost",
        "meant",
        "paid",
        "sought",
        "sold",
        "stood",
        "struck",
        "swore",
        "threw",
        "thought",
        "understood",
    ]
)


_NOT_PAST = frozenset({"hundred", "sacred", "naked", "wicked", "kindred", "rugged", "aged"})


def is_past_form(word: str) -> bool:
    """ "attended", "said": a verb's past form, by its ending or as a known irregular one
    (not "red", "need", "speed", "hundred")."""
    lower = word.lower()
    if lower in _IRREGULAR_PAST:
        return True
    return (
        len(lower) > 3
        and lower.endswith("ed")
        and not lower.endswith("eed")
        and lower not in _NOT_PAST
    )
