"""eval.questions: the bundled question set and the loader's error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.check import check_questions
from eval.questions import default_questions_path, load_questions
from rag import EvalError


def line(**fields: object) -> str:
    base: dict[str, object] = {
        "id": "q1",
        "question": "Which road is used to supply food to Aleppo?",
        "answers": [["Castello Road", "Castello"]],
        "sources": ["000_bee090b7675e03d0.txt"],
        "answerable": True,
    }
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not ...})


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bundled_question_set() -> None:
    questions = load_questions(default_questions_path())
    assert len(questions) >= 40
    assert sum(not q.answerable for q in questions) >= 8
    assert sum(q.kind == "injection" for q in questions) >= 2
    assert len({q.id for q in questions}) == len(questions)
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    names = {p.name for p in corpus.iterdir()}
    for question in questions:
        assert set(question.sources) <= names, question.id
        if question.answerable:
            assert question.answers and question.sources, question.id
        if question.conversation is None:
            assert question.turn == 1, question.id


def test_the_tuning_questions_are_apart_from_the_question_set() -> None:
    """eval/dev_questions.jsonl tunes the evidence weights; none of it may be in the set."""
    dev = load_questions(default_questions_path().with_name("dev_questions.jsonl"))
    bundled = load_questions(default_questions_path())
    assert sum(q.answerable for q in dev) >= 20 and sum(not q.answerable for q in dev) >= 20
    assert not {q.id for q in dev} & {q.id for q in bundled}
    assert not {q.question.lower() for q in dev} & {q.question.lower() for q in bundled}


@pytest.mark.parametrize("name", ["blind_questions.jsonl", "blind2_questions.jsonl"])
def test_the_blind_check_questions_are_valid_and_apart_from_the_others(name: str) -> None:
    """eval/blind*_questions.jsonl: every fact in its sources, no id or question shared."""
    path = default_questions_path().with_name(name)
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    count, problems = check_questions(path, corpus)
    assert count >= 90 and problems == []
    blind = load_questions(path)
    others = [
        q
        for other in ("questions.jsonl", "dev_questions.jsonl", "blind_questions.jsonl")
        if other != name
        for q in load_questions(default_questions_path().with_name(other))
    ]
    assert not {q.id for q in blind} & {q.id for q in others}
    assert not {q.question.lower() for q in blind} & {q.question.lower() for q in others}


def test_conversation_turns_are_in_order() -> None:
    turns: dict[str, list[int]] = {}
    for question in load_questions(default_questions_path()):
        if question.conversation:
            turns.setdefault(question.conversation, []).append(question.turn)
    assert turns
    for numbers in turns.values():
        assert numbers == list(range(1, len(numbers) + 1))


def test_a_valid_file_loads_with_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        line(),
        "",
        line(id="q2", answers=[], sources=[], answerable=False, note="off corpus"),
    )
    first, second = load_questions(path)
    assert first.kind == "fact" and first.turn == 1 and first.conversation is None
    assert first.answers == [["Castello Road", "Castello"]]
    assert second.kind == "unanswerable"
    assert second.extra == {"note": "off corpus"}


@pytest.mark.parametrize(
    ("bad", "where", "words"),
    [
        ('{"id": "q2", "question": ', 2, ["JSON"]),
        (line(id="q2", question=...), 2, ["'question'"]),
        (line(id="q2", sources=...), 2, ["'sources'"]),
        (line(id="q2", answers=[]), 2, ["answer"]),
        (line(id="q2", answerable="yes"), 2, ["'answerable'"]),
        (line(id="q2", answers=["ok", 3]), 2, ["'answers'"]),
        (line(id="q2", turn=0), 2, ["'turn'"]),
        (line(id="q1"), 2, ["duplicate", "'q1'"]),
    ],
    ids=[
        "bad-json",
        "missing-question",
        "missing-sources",
        "answerable-without-answers",
        "answerable-not-bool",
        "answer-not-string",
        "turn-zero",
        "duplicate-id",
    ],
)
def test_malformed_lines_name_file_line_and_field(
    tmp_path: Path, bad: str, where: int, words: list[str]
) -> None:
    path = write(tmp_path, line(), bad)
    with pytest.raises(EvalError) as caught:
        load_questions(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{where}:")
    for word in words:
        assert word in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match=r"missing\.jsonl"):
        load_questions(tmp_path / "missing.jsonl")


def test_file_without_questions(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="no questions"):
        load_questions(write(tmp_path, "", "  "))
