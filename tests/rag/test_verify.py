"""rag.verify: key facts, sentence splitting and the citation check of generated answers.

Passages are built by hand and the embedder is the deterministic hashing one, so every
verdict here is reproducible without a model.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lang import load_analyzer
from rag.types import Citation, Passage, Sentence
from rag.verify import SupportChecker, key_facts, split_sentences, verify_answer
from store.embedder import HashingEmbedder
from tests.rag.passages import make_passage

FILES = {
    "a.txt": "MOSCOW, July 29 /TASS/. "
    "Russian officials said that four humanitarian corridors would open in Aleppo. "
    "The corridors are meant for civilians who want to leave the city. "
    "About 2,500 people left through them on the first day.",
    "b.txt": "The Castello Road is used to supply food, water and medicines to Aleppo. "
    "The road was closed by heavy fighting in July.",
}
CORRIDORS = "Russian officials said that four humanitarian corridors would open in Aleppo."


def passage(source: str, sentence: str) -> Passage:
    """A retrieved sentence whose context window is the whole (short) file."""
    return make_passage(FILES[source], source, sentence)


A = passage("a.txt", CORRIDORS)
A_CIVILIANS = passage("a.txt", "The corridors are meant for civilians who want to leave the city.")
B = passage("b.txt", "The Castello Road is used to supply food, water and medicines to Aleppo.")
ENGLISH = load_analyzer("en")
CHECKER = SupportChecker(HashingEmbedder().embed, ENGLISH)


def verify(text: str, passages: list[Passage]) -> tuple[list[Sentence], list[Citation]]:
    return verify_answer(text, passages, FILES.__getitem__, CHECKER)


# --- key facts ---------------------------------------------------------------------------------


def facts(text: str) -> dict[str, set[str]]:
    return dict(key_facts(ENGLISH.analyze([text])[0]))


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("2,500 people left.", {"2500"}),
        ("four corridors opened.", {"4"}),
        ("Four corridors and 12 roads opened.", {"4", "12"}),
        ("It cost 1.5 million in 2016.", {"1.5", "1000000", "2016"}),
        ("no figure here", set()),
    ],
)
def test_numbers_are_compared_by_value(text: str, numbers: set[str]) -> None:
    found = set().union(*facts(text).values()) if facts(text) else set()
    assert {n for n in found if n[0].isdigit()} == numbers


def test_key_facts_are_names_and_figures() -> None:
    found = facts("Vladimir Putin said that 5,000 tanks would enter Aleppo on Tuesday.")
    assert found["5,000"] == {"5000"}
    assert found["Vladimir Putin"] == {"vladimir", "putin"}
    assert found["Aleppo"] == {"aleppo"}


def test_a_sentence_without_facts_has_no_key_facts() -> None:
    assert facts("the road was closed by fighting") == {}


# --- splitting a generated answer into sentences -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Four humanitarian corridors would open in Aleppo [1]. "
            "The road was closed by heavy fighting [2].",
            [
                ("Four humanitarian corridors would open in Aleppo.", [1]),
                ("The road was closed by heavy fighting.", [2]),
            ],
        ),
        (
            "Four humanitarian corridors would open in Aleppo [1, 2][3].",
            [("Four humanitarian corridors would open in Aleppo.", [1, 2, 3])],
        ),
        (  # a marker that the sentence splitter puts after the period joins the sentence before
            "Four humanitarian corridors would open in Aleppo. [1]",
            [("Four humanitarian corridors would open in Aleppo.", [1])],
        ),
        (
            "Four humanitarian corridors would open in Aleppo. [1][2]\n"
            "The road was closed by heavy fighting. [3]",
            [
                ("Four humanitarian corridors would open in Aleppo.", [1, 2]),
                ("The road was closed by heavy fighting.", [3]),
            ],
        ),
        (
            "Four humanitarian corridors would open in Aleppo.",
            [("Four humanitarian corridors would open in Aleppo.", [])],
        ),
    ],
)
def test_split_sentences_attaches_markers(text: str, expected: list[tuple[str, list[int]]]) -> None:
    assert split_sentences(text, ENGLISH) == expected


def test_a_marker_after_the_period_mid_paragraph_stays_with_its_sentence() -> None:
    assert split_sentences(
        "Four humanitarian corridors would open in Aleppo. [1] "
        "The road was closed by heavy fighting. [2]",
        ENGLISH,
    ) == [
        ("Four humanitarian corridors would open in Aleppo.", [1]),
        ("The road was closed by heavy fighting.", [2]),
    ]


# --- verdicts ----------------------------------------------------------------------------------


def test_a_supported_sentence_cites_the_best_sentence_of_the_window() -> None:
    sentences, citations = verify("Four humanitarian corridors would open in Aleppo [1].", [A])
    (sentence,) = sentences
    assert sentence.supported and sentence.reason == "" and sentence.citations == [1]
    (citation,) = citations
    # Narrowed from the whole window to the one sentence that says it (with its dateline).
    assert citation.quote.endswith(CORRIDORS)
    assert "civilians" not in citation.quote
    assert citation.quote == FILES["a.txt"][citation.start : citation.end]
    assert (citation.n, citation.source, citation.outlet, citation.date) == (
        1,
        "a.txt",
        "TASS",
        "July 29",
    )


def test_narrowing_picks_another_sentence_of_the_same_window() -> None:
    sentences, citations = verify(
        "About 2,500 people left through the corridors on the first day [1].", [A]
    )
    assert sentences[0].supported
    assert citations[0].quote == "About 2,500 people left through them on the first day."
    assert citations[0].quote == FILES["a.txt"][citations[0].start : citations[0].end]


def test_each_sentence_is_checked_against_its_own_passage() -> None:
    sentences, citations = verify(
        "Four humanitarian corridors would open in Aleppo [1]. "
        "The Castello Road is used to supply food to Aleppo [2].",
        [A, B],
    )
    assert [s.supported for s in sentences] == [True, True]
    assert [c.source for c in citations] == ["a.txt", "b.txt"]


@pytest.mark.parametrize(
    ("claim", "named"),
    [
        ("Russian officials said that 5,000 tanks would enter Aleppo [1].", "'5,000'"),
        ("Four humanitarian corridors would open in Aleppo on Tuesday [1].", "'Tuesday'"),
        ("Four humanitarian corridors would open in Aleppo on September 14 [1].", "'September 14'"),
        (
            "Vladimir Putin said that four humanitarian corridors would open in Aleppo [1].",
            "'Vladimir Putin'",
        ),
    ],
)
def test_an_invented_fact_is_unsupported_and_named(claim: str, named: str) -> None:
    (sentence,), _ = verify(claim, [A])
    assert not sentence.supported
    assert sentence.reason == f"{named} is not in the cited passage"


def test_a_sentence_about_something_else_is_unsupported() -> None:
    (sentence,), _ = verify("The weather in the valley was pleasant and sunny all week [1].", [A])
    assert not sentence.supported
    assert "not in the cited passage" in sentence.reason


def test_a_sentence_without_a_marker_cites_no_passage() -> None:
    (sentence,), citations = verify("Four humanitarian corridors would open in Aleppo.", [A])
    assert not sentence.supported
    assert sentence.reason == "it cites no passage"
    assert sentence.citations == [] and citations == []


@pytest.mark.parametrize("marker", ["[9]", "[0]"])
def test_a_marker_beyond_the_passages_is_unsupported(marker: str) -> None:
    (sentence,), citations = verify(
        f"Four humanitarian corridors would open in Aleppo {marker}.", [A, B]
    )
    assert not sentence.supported
    assert sentence.reason == "it cites a passage that does not exist"
    assert citations == []


def test_a_claim_backed_only_by_two_passages_together_is_supported() -> None:
    (sentence,), citations = verify(
        "Four humanitarian corridors would open in Aleppo, and the Castello Road is used to "
        "supply food to Aleppo [1][2].",
        [A, B],
    )
    assert sentence.supported
    assert sentence.citations == [1, 2]
    assert [c.source for c in citations] == ["a.txt", "b.txt"]


def test_two_markers_narrowed_to_the_same_span_share_one_citation() -> None:
    sentences, citations = verify(
        "Four humanitarian corridors would open in Aleppo [1]. "
        "Four humanitarian corridors would open in the city of Aleppo [2].",
        [A, A_CIVILIANS],  # two passages of one file whose windows overlap
    )
    assert len(citations) == 1
    assert [s.citations for s in sentences] == [[1], [1]]


def test_one_sentence_citing_the_same_span_twice_lists_it_once() -> None:
    (sentence,), citations = verify(
        "Four humanitarian corridors would open in Aleppo [1][2].", [A, A_CIVILIANS]
    )
    assert len(citations) == 1
    assert sentence.citations == [1]


# --- what must always hold ---------------------------------------------------------------------

CLAIMS = [
    "Four humanitarian corridors would open in Aleppo",
    "About 2,500 people left on the first day",
    "The Castello Road is used to supply food to Aleppo",
    "The road was closed by heavy fighting in July",
    "Vladimir Putin sent 5,000 tanks on September 14",
    "The documents do not say",
]


@st.composite
def generated_answers(draw: st.DrawFn) -> str:
    """Answer-like text: known and invented sentences, stray text, markers in any form."""
    parts = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        claim = draw(st.sampled_from(CLAIMS) | st.text(min_size=1, max_size=40))
        numbers = draw(st.lists(st.integers(min_value=0, max_value=5), max_size=3))
        style = draw(st.sampled_from(["[{}]", "[{}] ", "[{}]\n"]))
        joined = draw(st.sampled_from(["separate", "grouped"]))
        if joined == "grouped" and numbers:
            markers = "[" + ", ".join(map(str, numbers)) + "]"
        else:
            markers = "".join(style.format(n).strip() for n in numbers)
        before = draw(st.booleans())  # "claim [1]." or "claim. [1]"
        parts.append(f"{claim} {markers}." if before else f"{claim}. {markers}")
    return " ".join(parts)


@settings(max_examples=60, deadline=None)
@given(generated_answers())
def test_every_citation_quotes_its_file_exactly(text: str) -> None:
    passages = [A, B, A_CIVILIANS]
    sentences, citations = verify(text, passages)
    for citation in citations:
        assert citation.quote == FILES[citation.source][citation.start : citation.end]
        assert citation.quote.strip()
    assert [c.n for c in citations] == list(range(1, len(citations) + 1))
    numbers = {c.n for c in citations}
    for sentence in sentences:
        assert set(sentence.citations) <= numbers
        assert sentence.supported or sentence.reason
