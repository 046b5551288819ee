"""The question-set schema (one JSON object per line) and its loader."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag import EvalError

Fact = str | list[str]
"""A fact the answer must contain; a list means any one of its aliases will do."""

_REQUIRED = ("id", "question", "answers", "sources", "answerable")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: list[Fact]
    sources: list[str]
    answerable: bool
    kind: str = "fact"
    conversation: str | None = None
    turn: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


def default_questions_path() -> Path:
    return Path(__file__).resolve().parent / "questions.jsonl"


def load_questions(path: Path) -> list[Question]:
    """Read and validate a question file; errors name the file, line and field."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise EvalError(f"{path}: cannot read question file ({error.strerror})") from error
    questions: list[Question] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        question = parse_question(line, f"{path}:{number}")
        if question.id in seen:
            raise EvalError(f"{path}:{number}: duplicate id '{question.id}'")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise EvalError(f"{path}: holds no questions")
    return questions


def parse_question(line: str, where: str) -> Question:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise EvalError(f"{where}: not valid JSON ({error.msg})") from error
    if not isinstance(data, dict):
        raise EvalError(f"{where}: expected a JSON object")
    for name in _REQUIRED:
        if name not in data:
            raise EvalError(f"{where}: missing field '{name}'")
    if not isinstance(data["question"], str) or not data["question"].strip():
        raise EvalError(f"{where}: field 'question' must be a non-empty string")
    if not isinstance(data["answerable"], bool):
        raise EvalError(f"{where}: field 'answerable' must be true or false")
    answers = data["answers"]
    if not isinstance(answers, list) or not all(_is_fact(a) for a in answers):
        raise EvalError(f"{where}: field 'answers' must be a list of strings or string lists")
    sources = data["sources"]
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise EvalError(f"{where}: field 'sources' must be a list of file names")
    if data["answerable"] and not answers:
        raise EvalError(
            f"{where}: field 'answers' is empty; an answerable question needs at least one fact"
        )
    turn = data.get("turn", 1)
    if not isinstance(turn, int) or turn < 1:
        raise EvalError(f"{where}: field 'turn' must be a positive integer")
    known = {*_REQUIRED, "kind", "conversation", "turn"}
    return Question(
        id=str(data["id"]),
        question=data["question"],
        answers=answers,
        sources=sources,
        answerable=data["answerable"],
        kind=str(data.get("kind") or ("fact" if data["answerable"] else "unanswerable")),
        conversation=str(data["conversation"]) if data.get("conversation") else None,
        turn=turn,
        extra={k: v for k, v in data.items() if k not in known},
    )


def _is_fact(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
