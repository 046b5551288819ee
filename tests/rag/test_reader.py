"""rag.reader: the fitted models score sentences and spans; the shipped file loads."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from lang.fake import FakeAnalyzer
from rag import SettingsError
from rag.cross_encoder import CrossEncoderScorer
from rag.features import SENTENCE_FEATURES
from rag.question import build_query
from rag.reader import CROSS_ENCODER, DEFAULT_MODEL, READER, LinearModel, Reader
from tests.rag.passages import analysed_passages

FAKE = FakeAnalyzer()
TEXT = "Ada Pell opened the Vellmark bridge in 2019. Rain fell on the hills all week."
BRIDGE, RAIN = analysed_passages(TEXT, "a.txt")


def test_linear_model_is_a_standardised_logistic_regression() -> None:
    model = LinearModel({"x": 2.0, "y": -1.0}, bias=0.5, means={"x": 1.0}, scales={"x": 2.0})
    logit = 0.5 + 2.0 * (3.0 - 1.0) / 2.0 - 1.0 * 4.0
    assert model.probability({"x": 3.0, "y": 4.0, "unknown": 9.0}) == pytest.approx(
        1 / (1 + math.exp(-logit))
    )
    assert LinearModel.from_dict(model.to_dict()) == model


def covering_reader() -> Reader:
    """A reader that trusts coverage of the question's words, and numbers when asked when."""
    return Reader(
        spans=LinearModel({"ask=when|NUMBER": 4.0}, bias=-2.0),
        sentences=LinearModel({"coverage": 6.0, "best_span": 2.0}, bias=-4.0),
        threshold=0.5,
        short_threshold=0.5,
    )


def test_read_ranks_the_covering_sentence_first_with_its_span() -> None:
    query = build_query(FAKE, "When did Ada Pell open the Vellmark bridge?")
    readings = covering_reader().read(query, [RAIN, BRIDGE], lambda source: frozenset())
    assert [r.passage for r in readings] == [BRIDGE, RAIN]
    best = readings[0]
    assert best.span is not None and TEXT[best.span.start : best.span.end] == "2019"
    assert best.probability > 0.5 > readings[1].probability
    assert tuple(best.features) == SENTENCE_FEATURES


def test_a_saved_reader_loads_the_same(tmp_path: Path) -> None:
    reader = covering_reader()
    reader.save(tmp_path / "reader.json")
    assert Reader.load(tmp_path / "reader.json") == reader


def test_the_shipped_reader_loads_and_says_what_it_was_fitted_on() -> None:
    reader = Reader.load(DEFAULT_MODEL)
    assert 0.0 < reader.threshold < 1.0
    assert set(reader.sentences.weights) == set(SENTENCE_FEATURES)
    assert "SQuAD" in reader.about["fitted_on"]


def test_an_unreadable_reader_file_is_a_settings_error(tmp_path: Path) -> None:
    broken = tmp_path / "reader.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"reader model .*reader\.json cannot be read"):
        Reader.load(broken)


class PreferRain:
    """A stand-in cross-encoder that likes sentences about rain (the seam's fake)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, list[str]]] = []

    def score(self, question: str, sentences: list[str]) -> list[float]:
        self.asked.append((question, sentences))
        return [5.0 if "Rain" in s else -5.0 for s in sentences]


def rescoring_reader(top: int) -> Reader:
    return replace(
        covering_reader(),
        rescore=LinearModel({READER: 0.1, CROSS_ENCODER: 1.0}),
        rescore_top=top,
        first_threshold=0.4,
    )


def test_a_rescoring_reader_reads_its_best_few_again_with_the_cross_encoder() -> None:
    query = build_query(FAKE, "When did Ada Pell open the Vellmark bridge?")
    scorer = PreferRain()
    readings = rescoring_reader(top=2).read(query, [RAIN, BRIDGE], lambda s: frozenset(), scorer)
    assert [r.passage for r in readings] == [RAIN, BRIDGE]  # the cross-encoder decided
    assert readings[0].features[CROSS_ENCODER] == 5.0
    assert len(scorer.asked) == 1 and len(scorer.asked[0][1]) == 2


def test_sentences_past_the_rescored_few_stay_below_them() -> None:
    query = build_query(FAKE, "When did Ada Pell open the Vellmark bridge?")
    readings = rescoring_reader(top=1).read(
        query, [RAIN, BRIDGE], lambda s: frozenset(), PreferRain()
    )
    assert readings[0].passage == BRIDGE  # only the first reading's best was rescored
    assert readings[1].probability <= readings[0].probability


def test_a_rescoring_reader_needs_its_cross_encoder() -> None:
    query = build_query(FAKE, "When did Ada Pell open the Vellmark bridge?")
    with pytest.raises(SettingsError, match="cross-encoder"):
        rescoring_reader(top=2).read(query, [RAIN, BRIDGE], lambda s: frozenset())


def test_without_rescoring_the_first_threshold_applies() -> None:
    plain = rescoring_reader(top=2).without_rescoring()
    assert plain.rescore is None and plain.threshold == 0.4


def test_a_missing_cross_encoder_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"no cross-encoder in .*bench\.train_cross_encoder"):
        CrossEncoderScorer(tmp_path / "none").score("q?", ["a sentence"])
