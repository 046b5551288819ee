"""End to end through the public API: the real embedding model and a real Chroma store."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import ABSTAIN_TEXT, Answer, Assistant

pytestmark = pytest.mark.slow


def file_text(source: str) -> str:
    return Path(source).read_bytes().decode("utf-8-sig")


def assert_quotes_exact(answer: Answer) -> None:
    for citation in answer.citations:
        assert file_text(citation.source)[citation.start : citation.end] == citation.quote


def test_road_to_aleppo(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Which road is used to supply food to Aleppo?")
    assert not answer.abstained
    assert "Castello Road" in answer.text
    first = answer.citations[0]
    assert Path(first.source).name == "000_bee090b7675e03d0.txt"
    assert "Castello Road" in first.quote
    assert file_text(first.source)[first.start : first.end] == first.quote
    assert_quotes_exact(answer)


@pytest.mark.parametrize(
    ("question", "fact", "file_name"),
    [
        ("When did the Geneva talks begin?", "October 19", "003_e2a401e195530229.txt"),
        (
            "Who did Syrian President Bashar Assad meet in Damascus?",
            "Shoigu",
            "004_857656f2ad3f2c55.txt",
        ),
        (
            "When did the humanitarian window open each day in northern Aleppo?",
            "10 am to 1 pm",
            "000_bee090b7675e03d0.txt",
        ),
    ],
)
def test_known_answers(real_assistant: Assistant, question: str, fact: str, file_name: str) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained
    assert fact in answer.text
    assert Path(answer.citations[0].source).name == file_name
    assert any(fact in c.quote for c in answer.citations)
    assert_quotes_exact(answer)


def test_off_corpus_question_abstains(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What is the capital of France?")
    assert answer.abstained
    assert answer.text == ABSTAIN_TEXT
    assert answer.citations == []


def test_follow_up_in_a_conversation(real_assistant: Assistant) -> None:
    history = [("Which road is used to supply food to Aleppo?", "The Castello Road [1].")]
    answer = real_assistant.chat("And what does it carry besides food?", history)
    assert answer.standalone_question is not None
    assert "Aleppo" in answer.standalone_question
    assert_quotes_exact(answer)


def test_reingesting_the_same_corpus_changes_nothing(
    real_assistant: Assistant, corpus_dir: Path
) -> None:
    before = real_assistant.documents()
    report = real_assistant.ingest([corpus_dir])
    after = real_assistant.documents()
    assert len(report.unchanged) == 5, report.summary()
    assert report.added == report.updated == report.removed == []
    assert report.failed == []
    assert report.chunks_written == 0
    assert sum(d.chunk_count for d in after) == sum(d.chunk_count for d in before) > 0
    assert [(d.source, d.content_hash, d.chunk_count) for d in after] == [
        (d.source, d.content_hash, d.chunk_count) for d in before
    ]
    # The same question still finds the same passage: nothing was duplicated or lost.
    answer = real_assistant.ask("Which road is used to supply food to Aleppo?")
    passage_ids = [p.chunk.chunk_id for p in answer.passages]
    assert len(passage_ids) == len(set(passage_ids))
    assert "Castello Road" in answer.text


@pytest.mark.parametrize(
    ("request_text", "file_name", "facts"),
    [
        (
            "Summarise the report about the Serbian chiefs of staff talks",
            "000_bee090b7675e03d0.txt",
            ["Gerasimov", "Dikovic"],
        ),
        ("Give me a summary of the Geneva talks report", "003_e2a401e195530229.txt", ["Geneva"]),
        ("Summarise the July 29 TASS report", "002_ceacafeb2e35199a.txt", ["Antonov"]),
    ],
)
def test_a_summary_cites_the_report_it_names(
    real_assistant: Assistant, request_text: str, file_name: str, facts: list[str]
) -> None:
    answer = real_assistant.ask(request_text)
    assert not answer.abstained
    assert {Path(c.source).name for c in answer.citations} == {file_name}
    assert all(fact in answer.text for fact in facts)
    body = answer.text.split(": ", 1)[1]  # after the heading that names the report
    assert len([w for w in body.split() if not w.startswith("[")]) <= 120
    assert [c.start for c in answer.citations] == sorted(c.start for c in answer.citations)
    assert_quotes_exact(answer)


def test_a_comparison_answers_per_report_and_cites_both(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Compare the July 29 TASS report with the SANA report")
    assert not answer.abstained
    names = [Path(c.source).name for c in answer.citations]
    assert set(names) == {"002_ceacafeb2e35199a.txt", "001_10f63f72620b364d.txt"}
    lines = answer.text.splitlines()
    assert lines[0].startswith("Russian defense ministry is optimistic")  # the TASS report
    assert "(SANA)" in lines[1]
    assert any(line.startswith("Both report:") for line in lines)
    assert all(line.rstrip().endswith("]") for line in lines)  # every line cites
    assert len({(c.source, c.start) for c in answer.citations}) == len(answer.citations)
    assert_quotes_exact(answer)
