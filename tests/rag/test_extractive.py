"""rag.extractive: abstention, short answers, agreement and disagreement between files.

Readings are built by hand (no model): each test fixes what the reader would have said and
checks what the answerer makes of it.
"""

from __future__ import annotations

from lang import Span
from rag.extractive import AnswerOptions, ExtractiveAnswerer
from rag.reader import Reading
from rag.types import ABSTAIN_TEXT, Passage
from store.types import DocumentMeta
from tests.rag.passages import make_passage

FILES = {
    "a.txt": "VELLMARK, May 3 (AP) - Officials said that four corridors would open in Brask.",
    "b.txt": "Earlier it was reported that seven corridors have been set up in Brask. "
    "The Ada Road is used to supply food, water and medicines to Brask.",
    "c.txt": "The Ada Road is used to supply food to Brask, officials said.",
}
META = {
    "a.txt": DocumentMeta("Corridors open", "AP", "May 3"),
    "b.txt": DocumentMeta("Aid reaches Brask", "VNA", "May 4"),
    "c.txt": DocumentMeta("Aid road", None, None),
}
OPTIONS = AnswerOptions(threshold=0.5, short_threshold=0.4, figure_labels=frozenset({"CARDINAL"}))


def reading(
    source: str, sentence: str, probability: float, span: str = "", label: str = ""
) -> Reading:
    passage: Passage = make_passage(FILES[source], source, sentence, meta=META[source])
    found = None
    if span:
        start = FILES[source].index(span, passage.chunk.start)
        found = Span(start, start + len(span), label)
    return Reading(passage, probability, found, 0.9 if span else 0.0, {})


FOUR = reading("a.txt", FILES["a.txt"], 0.8, "four", "CARDINAL")
SEVEN = reading(
    "b.txt",
    "Earlier it was reported that seven corridors have been set up in Brask.",
    0.75,
    "seven",
    "CARDINAL",
)
ROAD_B = reading(
    "b.txt",
    "The Ada Road is used to supply food, water and medicines to Brask.",
    0.8,
    "The Ada Road",
    "FAC",
)
ROAD_C = reading(
    "c.txt",
    "The Ada Road is used to supply food to Brask, officials said.",
    0.78,
    "The Ada Road",
    "FAC",
)


def answer(*readings: Reading, options: AnswerOptions = OPTIONS):  # type: ignore[no-untyped-def]
    return ExtractiveAnswerer(options).answer("question?", list(readings), FILES.__getitem__)


def test_a_short_answer_comes_first_and_the_sentence_is_quoted_exactly() -> None:
    result = answer(ROAD_B)
    assert result.text == (
        'The Ada Road [1]. "The Ada Road is used to supply food, water and medicines to Brask." [1]'
    )
    (citation,) = result.citations
    assert citation.quote == FILES["b.txt"][citation.start : citation.end]
    assert citation.score == 0.8
    assert result.sentences[0].text == "The Ada Road"
    assert not result.abstained and result.evidence == 0.8


def test_below_the_threshold_the_answer_abstains_and_keeps_its_passages() -> None:
    weak = Reading(ROAD_B.passage, 0.3, ROAD_B.span, 0.9, {})
    result = answer(weak)
    assert result.abstained and result.text == ABSTAIN_TEXT
    assert result.citations == []
    assert [p.score for p in result.passages] == [0.3]


def test_no_readings_abstain() -> None:
    assert answer().abstained


def test_a_weak_span_leaves_the_sentence_alone() -> None:
    unsure = Reading(ROAD_B.passage, 0.8, ROAD_B.span, 0.1, {})
    result = answer(unsure)
    assert result.text == f"{ROAD_B.passage.chunk.text} [1]"


def test_another_file_giving_the_same_answer_is_cited_too() -> None:
    result = answer(ROAD_B, ROAD_C)
    assert result.text.startswith("The Ada Road [1][2].")
    assert [c.source for c in result.citations] == ["b.txt", "c.txt"]


def test_different_figures_of_one_type_from_two_files_are_both_shown() -> None:
    result = answer(FOUR, SEVEN)
    assert result.text.startswith(
        "The sources differ: four [1] (AP, May 3); seven [2] (VNA, May 4)."
    )
    assert [c.source for c in result.citations] == ["a.txt", "b.txt"]
    assert result.sentences[0].text == "The sources differ: four; seven."


def test_a_weak_other_figure_is_no_disagreement() -> None:
    weak_seven = Reading(SEVEN.passage, 0.4, SEVEN.span, 0.9, {})
    assert answer(FOUR, weak_seven).text.startswith("four [1].")


def test_top_k_limits_the_passages_kept() -> None:
    options = AnswerOptions(threshold=0.5, short_threshold=0.4, top_k=1)
    assert len(answer(ROAD_B, ROAD_C, options=options).passages) == 1
