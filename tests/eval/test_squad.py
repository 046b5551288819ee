"""eval.squad and ``citeqa eval --squad``: SQuAD-format files as eval sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.questions import load_questions
from eval.squad import read_squad, write_eval_set
from rag import EvalError
from ui.cli import main

SQUAD = {
    "version": "v2.0",
    "data": [
        {
            "title": "Vellmark Bridge",
            "paragraphs": [
                {
                    "context": "The Vellmark bridge was opened by Ada Pell in 2019. "
                    "It carries 120 trucks a day across the Brask river.",
                    "qas": [
                        {
                            "id": "q1",
                            "question": "Who opened the Vellmark bridge?",
                            "answers": [
                                {"text": "Ada Pell", "answer_start": 34},
                                {"text": "Ada Pell", "answer_start": 34},
                            ],
                            "is_impossible": False,
                        },
                        {
                            "id": "q2",
                            "question": "Who closed the Vellmark bridge?",
                            "answers": [],
                            "plausible_answers": [{"text": "Ada Pell", "answer_start": 34}],
                            "is_impossible": True,
                        },
                    ],
                }
            ],
        }
    ],
}


@pytest.fixture
def squad_file(tmp_path: Path) -> Path:
    path = tmp_path / "set.json"
    path.write_text(json.dumps(SQUAD), encoding="utf-8")
    return path


def test_paragraphs_become_files_and_questions_the_eval_schema(
    squad_file: Path, tmp_path: Path
) -> None:
    corpus, questions_path = write_eval_set(squad_file, tmp_path / "out")
    (paragraph,) = corpus.iterdir()
    assert paragraph.name == "Vellmark_Bridge_000.txt"
    assert paragraph.read_text(encoding="utf-8").startswith("The Vellmark bridge")
    first, second = load_questions(questions_path)
    assert (first.answers, first.sources, first.answerable) == (
        [["Ada Pell"]],
        ["Vellmark_Bridge_000.txt"],
        True,
    )
    assert (second.answers, second.answerable, second.kind) == ([], False, "unanswerable")


def test_answer_offsets_point_at_the_answer(squad_file: Path) -> None:
    texts, questions = read_squad(squad_file)
    q = questions[0]
    assert texts[q.paragraph][q.starts[0] : q.starts[0] + len(q.answers[0])] == "Ada Pell"


def test_a_file_that_is_not_squad_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"data": [{"title": "x"}]}', encoding="utf-8")
    with pytest.raises(EvalError, match=r"x\.json: not a SQuAD-format file"):
        read_squad(path)


@pytest.mark.slow
def test_citeqa_eval_squad_scores_the_set(squad_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval-out"
    code = main(["eval", "--squad", str(squad_file), "--out", str(out), "--no-progress"])
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert code == 0
    assert results["summary"]["questions"] == 2
    assert (out / "squad" / "questions.jsonl").is_file()


def test_squad_and_questions_together_are_refused(squad_file: Path, tmp_path: Path) -> None:
    code = main(["eval", "--squad", str(squad_file), "--questions", str(squad_file)])
    assert code == 2
