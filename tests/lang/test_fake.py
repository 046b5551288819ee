"""lang.fake: the deterministic stand-in analyzer unit tests use."""

from __future__ import annotations

from lang.fake import FakeAnalyzer


def test_fake_analysis_has_sentences_names_and_numbers() -> None:
    text = "Ada Pell opened the bridge at Vellmark. It carries 120 trucks a day!"
    analysis = FakeAnalyzer().analyze([text])[0]

    assert [text[s.start : s.end] for s in analysis.sentences] == [
        "Ada Pell opened the bridge at Vellmark.",
        "It carries 120 trucks a day!",
    ]
    assert [(text[e.start : e.end], e.label) for e in analysis.entities] == [
        ("Ada Pell", "NAME"),
        ("Vellmark", "NAME"),
        ("120", "NUMBER"),
    ]
    assert [t.text for t in analysis.tokens if t.refers] == ["It"]
    assert analysis.content_lemmas()[:3] == ["ada", "pell", "opened"]
