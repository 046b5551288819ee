"""rag.reader: the fitted models score sentences and spans; the shipped file loads."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from lang.fake import FakeAnalyzer
from rag import SettingsError
from rag.features import SENTENCE_FEATURES
from rag.question import build_query
from rag.reader import DEFAULT_MODEL, LinearModel, Reader
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
