"""rag.text: the date, number and name patterns, word tokens and content terms."""

from __future__ import annotations

import re

import pytest

from rag.text import (
    DATE_PATTERN,
    NAME_PATTERN,
    NUMBER_PATTERN,
    content_terms,
    is_past_form,
    stem,
    words,
)


def matches(pattern: re.Pattern[str], text: str) -> list[str]:
    return [m.group() for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("talks on August 12 in Moscow", ["August 12"]),
        ("signed October 19, 2016 in Geneva", ["October 19, 2016"]),
        ("on 12 August 2016 the sides met", ["12 August 2016"]),
        ("they met on Friday", ["on Friday"]),
        ("the corridor opened yesterday", ["yesterday"]),
        ("a report from 2016", ["2016"]),
        ("a bridge finished in 1887", ["1887"]),  # any corpus: not only this century's years
        ("finished in the spring of 1887 by", ["spring of 1887"]),
        ("open daily from 10 am to 1 pm", ["10 am to 1 pm"]),
        ("due on Sept. 3rd", ["Sept. 3rd"]),
    ],
)
def test_date_pattern_finds_dates(text: str, expected: list[str]) -> None:
    assert matches(DATE_PATTERN, text) == expected


@pytest.mark.parametrize(
    "text", ["you may go", "a march of protesters", "room 12", "1,000 people", "a 1500-word memo"]
)
def test_date_pattern_ignores_non_dates(text: str) -> None:
    assert matches(DATE_PATTERN, text) == []


@pytest.mark.parametrize("text", ["at 10:30 a.m.", "from 10 a.m. to 1 p.m."])
def test_date_pattern_finds_dotted_times(text: str) -> None:
    assert matches(DATE_PATTERN, text) != []
    assert matches(DATE_PATTERN, text)[0].endswith(".m.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("more than 1,000 people fled", ["more than 1,000"]),
        ("a three-hour window", ["three-hour"]),
        ("turnout was 20 percent", ["20 percent"]),
        ("dozens of trucks", ["dozens"]),
        ("5 km away", ["5 km"]),
        ("cost 2.5 million dollars", ["2.5 million"]),
        ("at least 300 fighters", ["at least 300"]),
    ],
)
def test_number_pattern_finds_quantities(text: str, expected: list[str]) -> None:
    assert matches(NUMBER_PATTERN, text) == expected


def test_number_pattern_ignores_words_without_numbers() -> None:
    assert matches(NUMBER_PATTERN, "the road is used to supply food") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Doctors Without Borders said", ["Doctors Without Borders"]),
        ("envoy Staffan de Mistura arrived", ["Staffan de Mistura"]),
        ("the Ministry of Defense of Russia", ["Ministry of Defense of Russia"]),
        ("along the Castello Road today", ["Castello Road"]),
        ("met Ljubis Dikovic, then Valery Gerasimov", ["Ljubis Dikovic", "Valery Gerasimov"]),
        # "and" does not join: two people named together stay two candidate answers.
        ("Ljubis Dikovic and Valery Gerasimov met", ["Ljubis Dikovic", "Valery Gerasimov"]),
    ],
)
def test_name_pattern_finds_capitalised_runs(text: str, expected: list[str]) -> None:
    assert matches(NAME_PATTERN, text) == expected


def test_name_pattern_keeps_hyphenated_al_inside_a_name() -> None:
    assert matches(NAME_PATTERN, "fighters of Jabhat al-Nusra left") == ["Jabhat al-Nusra"]


def test_words_lowercases_and_drops_possessives() -> None:
    assert words("The Castello Road's traffic, Russia’s army") == [
        "the",
        "castello",
        "road",
        "traffic",
        "russia",
        "army",
    ]


def test_content_terms_drop_stopwords_keep_order_and_duplicates() -> None:
    terms = content_terms("The road is the road to Aleppo")
    assert terms == [stem("road"), stem("road"), stem("aleppo")]


def test_content_terms_stem_words() -> None:
    assert content_terms("supplies") == content_terms("supply")
    assert content_terms("talks") == content_terms("talk")


def test_content_terms_keep_single_digits_but_drop_single_letters() -> None:
    assert content_terms("5 x") == ["5"]


def test_content_terms_of_only_function_words_is_empty() -> None:
    assert content_terms("what did they say about it and when?") == []


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("defence", "Defense"),
        ("organisation", "organization"),
        ("labour", "labor"),
        ("neighbours", "neighbors"),
        ("centre", "center"),
        ("programme", "program"),
        ("offences", "offense"),
    ],
)
def test_british_and_american_spellings_stem_alike(british: str, american: str) -> None:
    assert stem(british) == stem(american)


def test_short_our_words_keep_their_spelling() -> None:
    assert [stem(w) for w in ("four", "tour", "your", "hour")] == ["four", "tour", "your", "hour"]


@pytest.mark.parametrize(
    ("word", "past"),
    [
        ("attended", True),
        ("said", True),
        ("fled", True),
        ("red", False),
        ("need", False),
        ("speed", False),
        ("hundred", False),
    ],
)
def test_is_past_form(word: str, past: bool) -> None:
    assert is_past_form(word) is past
