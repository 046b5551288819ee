"""eval.harness: the train/test split, a run on a tiny corpus, and ``citeqa eval``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval.harness import run_eval, select, split_of
from eval.questions import Question, default_questions_path, load_questions
from eval.table import HEADLINE
from tests.eval.tiny_set import TINY_QUESTIONS

SUMMARY_KEYS = {
    *HEADLINE,
    "questions",
    "answerable",
    "unanswerable",
    "citations",
    "accuracy",
}


def question(id: str, conversation: str | None = None) -> Question:
    return Question(id, "?", ["x"], ["a.txt"], True, conversation=conversation)


def test_split_is_deterministic() -> None:
    questions = [question(f"q{i}") for i in range(50)]
    assert [split_of(q) for q in questions] == [split_of(q) for q in questions]
    assert {split_of(q) for q in questions} == {"train", "test"}


def test_split_keeps_a_conversation_together() -> None:
    turns = [question(f"turn{i}", conversation="c1") for i in range(20)]
    assert len({split_of(q) for q in turns}) == 1


def test_bundled_set_splits_into_two_halves_by_conversation() -> None:
    questions = load_questions(default_questions_path())
    train, test = select(questions, "train"), select(questions, "test")
    assert train and test
    assert len(train) + len(test) == len(questions)
    assert select(questions, "all") == questions
    by_conversation: dict[str, set[str]] = {}
    for q in questions:
        if q.conversation:
            by_conversation.setdefault(q.conversation, set()).add(split_of(q))
    assert all(len(splits) == 1 for splits in by_conversation.values())


def check_summary(summary: dict[str, object]) -> None:
    assert summary.keys() >= SUMMARY_KEYS
    assert (summary["questions"], summary["answerable"], summary["unanswerable"]) == (3, 2, 1)
    for key in (
        "fact_recall",
        "source_hit_at_1",
        "source_hit_at_3",
        "mrr",
        "abstention_recall",
        "false_abstention_rate",
        "accuracy",
    ):
        value = summary[key]
        assert isinstance(value, float | int) and 0.0 <= value <= 1.0, key
    # Two files only: whichever is retrieved first, the gold one is among the top three.
    assert summary["source_hit_at_3"] == 1.0
    if summary["citations"]:
        assert summary["citation_exactness"] == 1.0
    latency = summary["latency_p50_ms"]
    assert isinstance(latency, float) and latency > 0


@pytest.mark.slow
def test_run_eval_on_a_tiny_corpus(tiny: tuple[Path, Path]) -> None:
    corpus, questions = tiny
    seen: list[tuple[int, int]] = []
    run = run_eval(corpus, questions, progress=lambda done, total: seen.append((done, total)))
    check_summary(run.summary)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert [o.id for o in run.outcomes] == ["t1", "t2", "t3"]
    assert set(run.by_kind) == {"fact", "number", "unanswerable"}
    assert "2 added" in run.ingest
    data = run.to_dict()
    assert {"summary", "by_kind", "ingest", "questions"} <= data.keys()
    assert all("correct" in q for q in data["questions"])


def citeqa_eval(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEQA_")}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "eval", "--no-progress", *map(str, args)],
        cwd=cwd,
        env=env | {"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.e2e
def test_citeqa_eval_command(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, questions = tiny
    out = tmp_path / "out"
    result = citeqa_eval("--corpus", corpus, "--questions", questions, "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "fact_recall" in result.stdout
    assert "citation_exactness" in result.stdout
    assert str(out / "results.json") in result.stdout
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    check_summary(data["summary"])
    assert [q["id"] for q in data["questions"]] == ["t1", "t2", "t3"]


def test_citeqa_eval_with_a_missing_corpus(tmp_path: Path) -> None:
    result = citeqa_eval("--corpus", tmp_path / "nothing", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"citeqa: error: corpus folder {tmp_path / 'nothing'} does not exist"
    ]


def test_citeqa_eval_with_a_malformed_question_file(tiny: tuple[Path, Path]) -> None:
    corpus, questions = tiny
    questions.write_text(json.dumps(TINY_QUESTIONS[0]) + "\n{oops\n", encoding="utf-8")
    result = citeqa_eval("--corpus", corpus, "--questions", questions, cwd=corpus.parent)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"citeqa: error: {questions}:2:")


def test_citeqa_eval_with_a_bad_override(tiny: tuple[Path, Path]) -> None:
    corpus, questions = tiny
    result = citeqa_eval(
        "--corpus", corpus, "--questions", questions, "--set", "top_k", cwd=corpus.parent
    )
    assert result.returncode == 2
    assert "KEY=VALUE" in result.stderr
    assert "Traceback" not in result.stderr
