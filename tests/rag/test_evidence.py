"""rag.evidence: how much of a question a passage covers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag.evidence import EvidenceWeights, build_query, score_passages
from store.types import DocumentMeta
from tests.rag.passages import make_passage

TEXT = (
    "The minister ordered the delivery of food to Brask by air. Their reaction was calm. "
    "Their statement was short."
)


@pytest.mark.parametrize(
    ("question", "sentence", "coverage"),
    [
        # "delivered" and "delivery" stem apart ("deliv", "deliveri") but say the same thing.
        ("How would food be delivered to Brask?", TEXT.split(". ")[0] + ".", 1.0),
        ("How did they react?", "Their reaction was calm.", 1.0),
        # A short stem is not stretched: "state" does not match "statement".
        ("What did the state say?", "Their statement was short.", 0.0),
    ],
)
def test_derived_forms_of_a_question_word_count_as_covered(
    question: str, sentence: str, coverage: float
) -> None:
    passage = make_passage(TEXT, "a.txt", sentence, similarity=0.5)
    (scored,) = score_passages(
        build_query(question),
        [passage],
        lambda term: 1.0,
        {"a.txt": TEXT}.__getitem__,
        EvidenceWeights(),
    )
    assert scored.coverage == pytest.approx(coverage)


FOLLOW = {
    "b.txt": "The first reaction to the Brask plan is inspiring some optimism, Ada Pell said.",
    "c.txt": "Two charities had shown interest in the plan.",
}


def test_a_follow_up_is_not_answered_by_the_passage_of_the_turn_before() -> None:
    """ "Which charities showed interest?" after a question on Pell's first reaction: the
    reaction sentence matches the context best, but holds none of the follow-up's words."""
    before = make_passage(FOLLOW["b.txt"], "b.txt", FOLLOW["b.txt"], similarity=0.95)
    answer = make_passage(FOLLOW["c.txt"], "c.txt", FOLLOW["c.txt"], similarity=0.4)
    query = build_query("Which charities showed interest?", context="Pell first reaction plan")
    scored = score_passages(
        query, [before, answer], lambda term: 1.0, FOLLOW.__getitem__, EvidenceWeights()
    )
    assert scored[0].passage is answer


def test_a_name_the_earlier_turns_gave_is_not_a_follow_ups_answer() -> None:
    """ "Who sent him?" after "Whom did Ada Pell meet?": Pell is not who sent him."""
    text = {"d.txt": "On orders of Mayor Ivo Brand, Tom Rudd went to meet Ada Pell."}
    passage = make_passage(text["d.txt"], "d.txt", text["d.txt"], similarity=0.6)
    query = build_query("Who sent him there?", context="Ada Pell meet")
    (scored,) = score_passages(query, [passage], lambda t: 1.0, text.get, EvidenceWeights())
    assert "Ada Pell" not in scored.candidates
    assert "Mayor Ivo Brand" in scored.candidates
    (alone,) = score_passages(
        build_query("Who sent him there?"), [passage], lambda t: 1.0, text.get, EvidenceWeights()
    )
    assert "Ada Pell" in alone.candidates


def test_a_follow_up_whose_words_no_passage_holds_is_not_marked_down() -> None:
    """ "Who asked them?" answered by "called on": with no passage saying "asked", the rule
    tells nothing, and must not push every passage under the abstention threshold."""
    text = {"e.txt": "The ministry called on the envoys to inform their capitals."}
    passage = make_passage(text["e.txt"], "e.txt", text["e.txt"], similarity=0.6)
    query = build_query("Who asked them?", context="envoys inform capitals")
    weights = EvidenceWeights(0.4, 0.4, 0.2, unnamed_penalty=1.0, missing_anchor_penalty=0.0)
    (scored,) = score_passages(query, [passage], lambda t: 1.0, text.get, weights)
    expected = 0.4 * 0.6 + 0.4 * (3 * 0.35) / (1 + 3 * 0.35) + 0.2 * (3 * 0.35) / (1 + 3 * 0.35)
    assert scored.score == pytest.approx(expected)


def test_a_sentence_naming_the_thing_asked_about_ranks_first() -> None:
    """ "How did they describe the atmosphere of the talks?": the sentence that names the
    atmosphere answers, not its better-matching neighbour."""
    text = {
        "f.txt": "Ada Pell and Ivo Brand met in Brask on Friday to discuss the harbour talks. "
        "The talks passed in a friendly atmosphere, the ministry said."
    }
    first, second = (s if s.endswith(".") else s + "." for s in text["f.txt"].split(". "))
    near = make_passage(text["f.txt"], "f.txt", first, similarity=0.8)
    named = make_passage(text["f.txt"], "f.txt", second, similarity=0.5)
    query = build_query("How did the ministry describe the atmosphere of the harbour talks?")
    assert query.spec.focus == "atmospher"
    off = EvidenceWeights(0.4, 0.4, 0.2, focus_penalty=1.0)
    on = EvidenceWeights(0.4, 0.4, 0.2, focus_penalty=0.5)
    ranked = score_passages(query, [near, named], lambda t: 1.0, text.get, off)
    assert ranked[0].passage is near  # without the focus noun, the neighbour wins
    ranked = score_passages(query, [near, named], lambda t: 1.0, text.get, on)
    assert ranked[0].passage is named


def test_a_focus_noun_no_sentence_names_marks_nothing_down() -> None:
    """ "What was the outcome of the talks?" with no sentence saying "outcome": no signal."""
    text = {"g.txt": "The talks in Brask ended with a joint statement."}
    passage = make_passage(text["g.txt"], "g.txt", text["g.txt"], similarity=0.6)
    query = build_query("What was the outcome of the talks in Brask?")
    on = EvidenceWeights(0.4, 0.4, 0.2, focus_penalty=0.5)
    off = EvidenceWeights(0.4, 0.4, 0.2, focus_penalty=1.0)
    (cut,) = score_passages(query, [passage], lambda t: 1.0, text.get, on)
    (kept,) = score_passages(query, [passage], lambda t: 1.0, text.get, off)
    assert cut.score == kept.score


def _missing_share(question: str, text: str, meta: DocumentMeta | None = None) -> float:
    """How much a missing anchor cut the passage's score (0: nothing missing, 1: all)."""
    passage = make_passage(text, "h.txt", text, similarity=0.6, meta=meta)
    query = build_query(question)
    full = EvidenceWeights(0.4, 0.4, 0.2, 1.0, 1.0, 1.0, missing_anchor_penalty=1.0)
    none = EvidenceWeights(0.4, 0.4, 0.2, 1.0, 1.0, 1.0, missing_anchor_penalty=0.0)
    (cut,) = score_passages(query, [passage], lambda t: 1.0, {"h.txt": text}.get, full)
    (kept,) = score_passages(query, [passage], lambda t: 1.0, {"h.txt": text}.get, none)
    return 1.0 - cut.score / kept.score


@pytest.mark.parametrize(
    ("question", "text", "missing"),
    [
        # A nationality names its country, either way round.
        ("What did Vellmark hope Brask would do?", "It hoped for Brask aid.", 0.5),
        ("What did the Serbian side ask for?", "Serbia asked for food.", 0.0),
        ("What did Serbia ask for?", "The Serbian side asked for food.", 0.0),
        # Initials and the name written out are the same body.
        ("What did the United Nations say?", "The UN said it would help.", 0.0),
        ("Where did the SDF attack?", "The Syrian Democratic Forces attacked Brask.", 0.0),
        ("Where did the Syrian Democratic Forces attack?", "The forces attacked Brask.", 1.0),
        # One edit apart is the same name, spelled another way or mistyped; not when short.
        ("What did Sergey Pellow say?", "Sergei Pellow said no.", 0.0),
        ("What did Shoigu say?", "Shogiu said no.", 0.0),
        ("What did Iran say?", "Iraq said no.", 1.0),
        # "Which two" says how many answers, "the two of them" who: neither is a figure.
        ("Which two towns signed the pact?", "Brask and Vellmark signed it.", 0.0),
        ("What did the two of them sign?", "They signed a pact.", 0.0),
    ],
)
def test_a_questions_names_are_looked_for_as_news_writes_them(
    question: str, text: str, missing: float
) -> None:
    assert _missing_share(question, text) == pytest.approx(missing)


def test_the_reports_date_and_outlet_count_as_named() -> None:
    """ "According to the July 29 Tass report" names the report, not its sentence."""
    question = "According to the July 29 Tass report, how many corridors opened?"
    text = "Four corridors opened."
    assert _missing_share(question, text, DocumentMeta("Aid", "TASS", "July 29")) == 0.0
    assert _missing_share(question, text, DocumentMeta("Aid", "SANA", "May 2")) == 1.0


def test_a_name_given_further_on_in_the_report_counts_half_missing() -> None:
    """ "What did the Pell-Brand dialogue confirm?": the report names both a few sentences
    before "The dialogue confirmed ..."; a report that never names them misses them."""
    text = (
        "Ada Pell met Ivo Brand in Brask on Friday. The weather was fine. Lunch was served. "
        "The dialogue confirmed the will to build the bridge."
    )
    sentence = "The dialogue confirmed the will to build the bridge."
    passage = make_passage(text, "k.txt", sentence, similarity=0.6)
    at = text.index("Lunch")
    near = replace(passage, chunk=replace(passage.chunk, window_start=at))
    query = build_query("What did the Pell-Brand dialogue confirm?")
    full = EvidenceWeights(0.4, 0.4, 0.2, 1.0, 1.0, 1.0, missing_anchor_penalty=1.0)
    none = EvidenceWeights(0.4, 0.4, 0.2, 1.0, 1.0, 1.0, missing_anchor_penalty=0.0)
    (cut,) = score_passages(query, [near], lambda t: 1.0, {"k.txt": text}.get, full)
    (kept,) = score_passages(query, [near], lambda t: 1.0, {"k.txt": text}.get, none)
    assert cut.score == pytest.approx(0.5 * kept.score)
    elsewhere = {"k.txt": text.replace("Ada Pell met Ivo Brand", "Two envoys met")}
    (gone,) = score_passages(query, [near], lambda t: 1.0, elsewhere.get, full)
    assert gone.score == pytest.approx(0.0)
