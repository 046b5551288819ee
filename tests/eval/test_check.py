"""eval.check: a question file is validated against its corpus, one line per problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.check import check_questions
from eval.harness import default_corpus_path
from eval.questions import default_questions_path
from ui.cli import main


def test_the_bundled_question_set_has_no_problems() -> None:
    count, problems = check_questions(default_questions_path(), default_corpus_path())
    assert count >= 80
    assert problems == []


def write(tmp_path: Path, rows: list[object]) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "road.txt").write_text(
        "The Castello Road is used to supply food.\n", encoding="utf-8"
    )
    path = tmp_path / "q.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def q(
    id_: str, answers: list[object], sources: list[str], answerable: bool = True
) -> dict[str, object]:
    return {
        "id": id_,
        "question": "Which road?",
        "answers": answers,
        "sources": sources,
        "answerable": answerable,
    }


def test_each_problem_is_one_line_naming_file_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            q("q1", [["Castello Road", "Castello"]], ["road.txt"]),  # fine
            q("q2", ["Castelo Road"], ["road.txt"]),  # a typo in the fact
            q("q3", ["Castello Road"], ["missing.txt"]),  # a gold file that does not exist
            q("q1", ["Castello Road"], ["road.txt"]),  # a duplicate id
            q("q5", ["Castello"], ["road.txt"], answerable=False),  # unanswerable with answers
            "not json",
        ],
    )
    count, problems = check_questions(path, tmp_path / "corpus")
    assert count == 5
    assert problems == [
        f"{path}:2: field 'answers': 'Castelo Road' is in none of its gold sources",
        f"{path}:3: field 'sources': missing.txt is not in the corpus",
        f"{path}:4: duplicate id 'q1' (first on line 1)",
        f"{path}:5: an unanswerable question should have empty answers/sources",
        f"{path}:6: not valid JSON (Expecting value)",
    ]


@pytest.mark.parametrize(("fact", "code"), [("Castelo Road", 1), ("Castello Road", 0)])
def test_the_cli_exits_non_zero_on_problems(tmp_path: Path, fact: str, code: int) -> None:
    path = write(tmp_path, [q("q1", [fact], ["road.txt"])])
    args = ["eval", "--check-questions", str(path), "--corpus", str(tmp_path / "corpus")]
    assert main(args) == code
