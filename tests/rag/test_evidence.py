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


def test_the_sentence_naming_what_is_to_be_described_ranks_first() -> None:
    """ "How did the ministry describe the atmosphere of the talks?": the sentence naming the
    atmosphere answers, not its better-matching neighbour; and no evidence is lowered."""
    text = {
        "f.txt": "Ada Pell and Ivo Brand met in Brask on Friday to discuss the harbour talks. "
        "The talks passed in a friendly atmosphere, the ministry said."
    }
    first, second = (s if s.endswith(".") else s + "." for s in text["f.txt"].split(". "))
    near = make_passage(text["f.txt"], "f.txt", first, similarity=0.8)
    named = make_passage(text["f.txt"], "f.txt", second, similarity=0.5)
    weights = EvidenceWeights(0.4, 0.4, 0.2)
    plain = build_query("What did the ministry say about the harbour talks?")
    assert plain.spec.focus == ""
    ranked = score_passages(plain, [near, named], lambda t: 1.0, text.get, weights)
    assert ranked[0].passage is near
    described = build_query("How did the ministry describe the atmosphere of the harbour talks?")
    assert described.spec.focus == "atmospher"
    ranked = score_passages(described, [near, named], lambda t: 1.0, text.get, weights)
    assert ranked[0].passage is named
    # It rose to the neighbour's score, not above it: no evidence is raised past the best.
    assert ranked[1].passage is near and ranked[0].score == ranked[1].score


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
        # Two-letter initials only for a body: "AP" is not Ada Pell; "ISIS" is stemmed alike.
        ("What did Ada Pell say?", "The AP said so.", 1.0),
        ("What did ISIS claim?", "The Islamic State In Syria claimed it.", 0.0),
        # One edit apart is no match for figures or short words.
        ("Did 15000 people leave Brask?", "In all 16000 people left Brask.", 0.5),
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


def test_a_year_counts_only_against_a_dated_report() -> None:
    """ "MOSCOW, August 12" gives no year, so "the 2015 talks" cannot be missing from it."""
    question = "How many corridors opened after the 2015 talks?"
    text = "Four corridors opened."
    assert _missing_share(question, text, DocumentMeta("Aid", "TASS", "August 12")) == 0.0
    assert _missing_share(question, text, DocumentMeta("Aid", "TASS", "August 12, 2016")) == 1.0


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
