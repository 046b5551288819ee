"""rag.candidates: the typed spans of a sentence that could answer a question, in order."""

from __future__ import annotations

import pytest

from rag.candidates import antecedent, typed_candidates
from rag.question import answer_spec


def test_name_candidates_leave_out_names_the_question_already_holds() -> None:
    sentence = "Gerasimov met Ljubis Dikovic in Moscow on Friday."
    found = typed_candidates(sentence, answer_spec("Whom did Gerasimov meet?"))
    assert "Ljubis Dikovic" in found
    assert "Moscow" in found
    assert "Gerasimov" not in found
    assert "Friday" not in found  # a weekday is a date, not a name


def test_date_candidates() -> None:
    sentence = (
        "A three-hour humanitarian window will open in northern Aleppo daily from 10 am to 1 pm."
    )
    spec = answer_spec("When does the window open?")
    assert typed_candidates(sentence, spec) == ["10 am to 1 pm"]


def test_weekday_questions_want_a_weekday() -> None:
    sentence = "MOSCOW, August 12. The chiefs of staff met on Friday."
    spec = answer_spec("On what day of the week did the chiefs of staff meet?")
    assert typed_candidates(sentence, spec) == ["on Friday"]


def test_number_candidates_are_stripped_of_punctuation() -> None:
    sentence = "More than 1,000 people fled, including 48 militants."
    found = typed_candidates(sentence, answer_spec("How many fled Aleppo?"))
    assert found == ["More than 1,000", "48"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many people fled Aleppo?", ["More than 1,000"]),
        ("How many militants fled Aleppo?", ["48"]),
        ("How many corridors are open?", ["seven"]),
        ("How many tanks fled?", []),
    ],
)
def test_how_many_counts_the_thing_asked_about(question: str, expected: list[str]) -> None:
    sentence = "More than 1,000 people fled, including 48 militants, through seven safe corridors."
    assert typed_candidates(sentence, answer_spec(question)) == expected


def test_numbers_inside_dates_are_not_counts() -> None:
    spec = answer_spec("How old was Gerasimov?")
    assert typed_candidates("MOSCOW, August 12. Gerasimov met Dikovic.", spec) == []


def test_candidates_the_question_names_are_dropped() -> None:
    sentence = "Some 48 militants left."
    assert typed_candidates(sentence, answer_spec("Did some 48 militants leave?")) == []


def test_names_that_restate_the_question_are_dropped() -> None:
    sentence = "The US-backed Syrian Democratic Forces have launched an operation."
    assert (
        typed_candidates(sentence, answer_spec("Who commands the Syrian Democratic Forces?")) == []
    )
    road = "The Castello Road is used to supply food."
    assert typed_candidates(road, answer_spec("Which road is used?")) == ["The Castello Road"]


def test_other_questions_have_no_typed_candidates() -> None:
    assert typed_candidates("Gerasimov met Dikovic in 2016.", answer_spec("Why?")) == []


BRIDGE = "The Zorblax bridge at Vellmark was finished in the spring of 1887 by Ada Pell."


def test_who_puts_names_in_a_place_phrase_last() -> None:
    assert answer_spec("Who finished the Zorblax bridge?").place is False
    assert typed_candidates(BRIDGE, answer_spec("Who finished the Zorblax bridge?")) == [
        "Ada Pell",
        "Vellmark",
    ]


def test_where_puts_names_in_a_place_phrase_first_and_drops_who_acts() -> None:
    spec = answer_spec("Where did Ada Pell build a bridge?")
    assert spec.place is True
    sentence = "Ada Pell met the mayor Ivo Brand in Vellmark on Monday."
    assert typed_candidates(sentence, spec) == ["Vellmark", "Ivo Brand"]
    assert typed_candidates("The Brask Ministry briefed the envoys.", spec) == []
    assert typed_candidates("Then Ivo Brand spoke to the Vellmark Council.", spec) == [
        "Vellmark Council"
    ]
    # A name in a place phrase stays, even before the verb of the sentence's subject.
    assert typed_candidates("The talks in Brask ended on Friday.", spec) == ["Brask"]


def test_other_name_questions_keep_sentence_order() -> None:
    spec = answer_spec("What organisation built the bridge?")
    assert spec.place is None
    assert typed_candidates("Ivo Brand of Vellmark met Ada Pell at Brask.", spec) == [
        "Ivo Brand of Vellmark",
        "Ada Pell",
        "Brask",
    ]


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # A count is not a duration, a length, an age or a distance.
        ("How long did their meeting last?", "Ministers of seven countries met.", []),
        ("How long is the window open?", "It is open for three hours daily.", ["three hours"]),
        ("How long is the new road?", "The road is 40 km long, with seven exits.", ["40 km"]),
        ("How old was the general?", "The general, 61 years old, has two sons.", ["61 years"]),
        ("How far is the camp?", "The camp lies 5 miles away; 300 people live there.", ["5 miles"]),
        # A duration in words answers "how long" too.
        (
            "How long will the talks go on?",
            "The talks will go on until a deal is reached, the envoy said.",
            ["until a deal is reached"],
        ),
        (
            "How long will the team stay?",
            "The team is ready to stay as long as necessary.",
            ["as long as necessary"],
        ),
        # Questions that ask for no measure keep every number.
        ("How many exits does it have?", "The road is 40 km long, with seven exits.", ["seven"]),
    ],
)
def test_measure_questions_need_a_unit(question: str, sentence: str, expected: list[str]) -> None:
    assert typed_candidates(sentence, answer_spec(question)) == expected


def test_a_name_ending_in_a_name_the_question_gives_is_not_an_answer() -> None:
    sentence = "Engineer Ada Pell said that Mayor Tom Rudd opened it."
    spec = answer_spec("According to Pell, who opened the bridge?")
    assert typed_candidates(sentence, spec) == ["Mayor Tom Rudd"]
    # Without the name in the question, the engineer is a candidate like any other.
    assert typed_candidates(sentence, answer_spec("Who opened the bridge?")) == [
        "Engineer Ada Pell",
        "Mayor Tom Rudd",
    ]


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # The title the question gives is taken off; the name that follows is the answer.
        (
            "Who was the deputy foreign minister?",
            "Deputy Foreign Minister Sergey Ryabkov spoke on Wednesday.",
            ["Sergey Ryabkov"],
        ),
        # A title the question does not give is part of the answer.
        (
            "Who spoke on Wednesday?",
            "Deputy Foreign Minister Sergey Ryabkov spoke on Wednesday.",
            ["Deputy Foreign Minister Sergey Ryabkov"],
        ),
        # What is left must still be a name ("Serbian counterpart" does not become "counterpart").
        (
            "Who is the Serbian chief of staff?",
            "Gerasimov met his Serbian counterpart in Moscow.",
            ["Gerasimov", "Serbian counterpart", "Moscow"],
        ),
    ],
)
def test_a_title_the_question_gives_is_not_part_of_the_answer(
    question: str, sentence: str, expected: list[str]
) -> None:
    assert typed_candidates(sentence, answer_spec(question)) == expected


def test_which_questions_prefer_the_name_beside_their_type_noun() -> None:
    sentence = "Troops backed by the Navy fought the rebel group Red Dawn near Brask."
    spec = answer_spec("Which group did the troops fight?")
    assert spec.type_noun == "group"
    assert typed_candidates(sentence, spec)[0] == "Red Dawn"
    # Without the type noun in the sentence, sentence order stands.
    assert typed_candidates("The Navy fought Red Dawn near Brask.", spec) == [
        "The Navy",
        "Red Dawn",
        "Brask",
    ]


def test_a_unit_written_into_a_number_is_what_it_counts() -> None:
    sentence = "A three-hour window opens daily, and seven corridors stay open."
    assert typed_candidates(sentence, answer_spec("For how many hours is it open?")) == [
        "three-hour"
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "one for the militants" counts no militants: the counted noun follows the number.
        ("How many militants left?", ["90"]),
        ("How many corridors are open?", ["Four"]),
    ],
)
def test_the_counted_noun_is_the_phrase_right_after_the_number(
    question: str, expected: list[str]
) -> None:
    sentence = "Four corridors are open, one for the militants; 90 militants left."
    assert typed_candidates(sentence, answer_spec(question)) == expected


def test_a_possessive_name_answers_only_whose_questions() -> None:
    sentence = "Vellmark's mayor thanked Ada Pell."
    assert typed_candidates(sentence, answer_spec("Who was thanked?")) == ["Ada Pell"]
    assert typed_candidates(sentence, answer_spec("Whose mayor thanked her?"))[0] == "Vellmark's"


def test_a_name_before_the_type_noun_only_modifies_it() -> None:
    sentence = "Brask hosted seven North Sea countries - Tarn, Oslen and Varo."
    assert typed_candidates(sentence, answer_spec("Which country sent Tarn?"))[0] == "Oslen"


def test_what_time_wants_a_time_of_day() -> None:
    sentence = "On May 3, the talks began at 9 am in Brask."
    assert typed_candidates(sentence, answer_spec("What time did the talks begin?")) == ["9 am"]
    assert typed_candidates("On May 3, the talks began.", answer_spec("What time?")) == []
    assert "May 3" in typed_candidates(sentence, answer_spec("When did the talks begin?"))


def test_a_year_inside_a_hyphenated_name_is_no_date() -> None:
    spec = answer_spec("When did the games start?")
    assert typed_candidates("He came for the Games-2016 closing ceremony.", spec) == []
    assert typed_candidates("The games started in 2016.", spec) == ["2016"]


def test_a_sentence_opening_preposition_and_a_bare_month_are_no_names() -> None:
    spec = answer_spec("Who met the mayor?")
    assert typed_candidates("On October 15, Ada Pell met the mayor.", spec) == ["Ada Pell"]
    assert typed_candidates("In Vellmark, Ada Pell met the mayor.", spec) == [
        "Ada Pell",
        "Vellmark",
    ]


def test_a_name_followed_by_a_possessive_is_a_modifier() -> None:
    spec = answer_spec("Who granted the amnesty?")
    assert typed_candidates("Under the Tarnish government's amnesty, Ada Pell left.", spec) == [
        "Ada Pell"
    ]


SPEECH = (
    "Talks went on. Deputy Minister Ada Pell spoke to the Vellmark council on Monday. "
    '"We will stay as long as needed," she noted.'
)


def test_the_speaker_of_a_pronoun_quote_is_named_in_the_sentence_before() -> None:
    quote = SPEECH[SPEECH.index('"We') :]
    at = SPEECH.index('"We')
    spec = answer_spec("Who said they would stay as long as needed?")
    name, start, end = antecedent(SPEECH, 0, at, quote, spec) or ("", 0, 0)
    assert name == "Deputy Minister Ada Pell"
    assert SPEECH[start:end] == "Deputy Minister Ada Pell spoke to the Vellmark council on Monday."
    # No pronoun, no antecedent; nor for questions that do not ask who.
    assert antecedent(SPEECH, 0, at, "We will stay.", spec) is None
    assert antecedent(SPEECH, 0, at, quote, answer_spec("What did she say?")) is None


ROADS = (
    "The Vellmark Road carries food to Brask. "
    "This road is also open to lorries leaving the city. "
    "That bridge is closed."
)


def test_this_road_is_the_road_the_sentence_before_names() -> None:
    spec = answer_spec("Which road is open to lorries leaving the city?")
    at = ROADS.index("This road")
    sentence = ROADS[at : ROADS.index(" That")]
    name, start, end = antecedent(ROADS, 0, at, sentence, spec) or ("", 0, 0)
    assert name == "The Vellmark Road"
    assert ROADS[start:end] == "The Vellmark Road carries food to Brask."
    # "That bridge" is not the road asked about, and the sentence before must name a road.
    bridge = ROADS.index("That")
    assert antecedent(ROADS, 0, bridge, "That bridge is closed.", spec) is None
    assert antecedent(ROADS, at, bridge, "That road is closed.", spec) is None


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        # A sentence adverb is capitalised because it opens the sentence, not as a name.
        ("Previously, it was reported that the road opened.", []),
        ("Earlier, the Brask Ministry said so.", ["Brask Ministry"]),
        ("Italy, a member, agreed.", ["Italy"]),
        # A country before its verb is not a nationality before its noun ("Syrian army").
        ("Vellmark, Brask and Iran met.", ["Vellmark", "Brask", "Iran"]),
        ("The Syrian army said so.", ["The Syrian army"]),
        ("Japan urges restraint.", ["Japan"]),
    ],
)
def test_what_a_name_is_at_the_start_of_a_sentence(sentence: str, names: list[str]) -> None:
    assert typed_candidates(sentence, answer_spec("Who said it?")) == names
