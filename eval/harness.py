"""Run a question set through ``rag.Assistant`` on a fresh store and score every answer."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from eval.asking import Progress, SerialEmbedder, ask_questions, score_asked
from eval.asking import ask_all as ask_all  # bench/ imports it from here
from eval.judge import Judge, Verdict, judge_case, summarize_verdicts
from eval.metrics import Outcome, summarize
from eval.questions import Question, load_questions
from rag import (
    Assistant,
    Embedder,
    EvalError,
    IngestReport,
    SentenceTransformerEmbedder,
    load_settings,
)

Split = Literal["train", "test", "all"]


@dataclass
class EvalRun:
    summary: dict[str, Any]
    by_kind: dict[str, dict[str, Any]]
    outcomes: list[Outcome]
    ingest: str
    judge: str | None = None  # the judge's label, when one scored the answers
    verdicts: list[dict[str, Verdict] | None] | None = None  # per outcome; None: not judged

    def to_dict(self) -> dict[str, Any]:
        questions = [asdict(o) | {"correct": o.correct} for o in self.outcomes]
        data: dict[str, Any] = {
            "summary": self.summary,
            "by_kind": self.by_kind,
            "ingest": self.ingest,
            "questions": questions,
        }
        if self.verdicts is not None:
            data["judge"] = self.judge
            for row, verdicts in zip(questions, self.verdicts, strict=True):
                row["judge"] = (
                    None if verdicts is None else {k: asdict(v) for k, v in verdicts.items()}
                )
        return data


def split_of(question: Question) -> Literal["train", "test"]:
    """Deterministic half of the set; turns of one conversation stay together."""
    key = question.conversation or question.id
    return "train" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "test"


def select(questions: list[Question], split: Split) -> list[Question]:
    return questions if split == "all" else [q for q in questions if split_of(q) == split]


def default_corpus_path() -> Path:
    return Path(__file__).resolve().parent.parent / "corpus"


def by_kind(outcomes: list[Outcome]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.kind].append(outcome)
    return {kind: summarize(group) for kind, group in sorted(groups.items())}


def run_eval(
    corpus: Path,
    questions_path: Path,
    *,
    split: Split = "all",
    overrides: dict[str, Any] | None = None,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
    jobs: int = 1,
    judge: Judge | None = None,
    judge_progress: Progress | None = None,
) -> EvalRun:
    """Ingest ``corpus`` into a temporary store and score every question of the set.

    Args:
        corpus: folder of documents.
        questions_path: a JSONL question file.
        split: which half of the set to run (or all of it).
        overrides: settings for this run, e.g. ``{"top_k": "8"}``.
        progress: called as ``progress(done, total)`` after each question.
        embedder: the embedding model; default the one the settings name.
        jobs: questions asked at once (conversations stay on one worker, in order).
        judge: an LLM judge for advisory scores beside the deterministic ones.
        judge_progress: like ``progress``, for the judge's pass over the answers.
    """
    if not corpus.is_dir():
        raise EvalError(f"corpus folder {corpus} does not exist")
    questions = load_set(questions_path, split)
    overrides = overrides or {}
    check_jobs(jobs, overrides)
    embedder = shared_embedder(embedder, overrides, jobs)
    with tempfile.TemporaryDirectory(prefix="citeqa-eval-") as tmp:
        store = Path(tmp) / "store"
        assistant, report = ingest_corpus(corpus, store, overrides, embedder)
        return evaluate(
            assistant_pool(assistant, store, overrides, embedder, jobs),
            questions,
            ingest=report.summary(),
            progress=progress,
            judge=judge,
            judge_progress=judge_progress,
        )


def load_set(questions_path: Path, split: Split) -> list[Question]:
    questions = select(load_questions(questions_path), split)
    if not questions:
        raise EvalError(f"{questions_path}: no questions in split '{split}'")
    return questions


def check_jobs(jobs: int, overrides: dict[str, Any]) -> None:
    """Refuse a job count the run cannot use, before anything is loaded."""
    if jobs < 1:
        raise EvalError(f"--jobs must be at least 1, not {jobs}")
    if jobs > 1 and load_settings(**overrides).llm == "llamacpp":
        raise EvalError(
            "--jobs above 1 cannot run the llamacpp backend: each job would load its own copy "
            "of the model and they would share two cores; use --jobs 1"
        )


def shared_embedder(
    embedder: Embedder | None, overrides: dict[str, Any], jobs: int
) -> Embedder | None:
    """The embedder to hand every assistant of a run: one model, guarded when jobs share it."""
    if jobs == 1:
        return embedder  # None: the assistant loads the model the settings name, as always
    model = embedder or SentenceTransformerEmbedder(load_settings(**overrides).embed_model_path)
    return SerialEmbedder(model)


def ingest_corpus(
    corpus: Path, store: Path, overrides: dict[str, Any], embedder: Embedder | None
) -> tuple[Assistant, IngestReport]:
    """Open a fresh store at ``store`` with ``overrides`` and ingest ``corpus`` into it."""
    assistant = Assistant.open(store, embedder=embedder, **overrides)
    report = assistant.ingest([corpus])
    if not (report.added or report.unchanged):
        raise EvalError(f"nothing could be ingested from {corpus}: {report.summary()}")
    return assistant, report


def assistant_pool(
    first: Assistant, store: Path, overrides: dict[str, Any], embedder: Embedder | None, jobs: int
) -> list[Assistant]:
    """``first`` and ``jobs - 1`` more assistants over the same, already filled store."""
    more = [Assistant.open(store, embedder=embedder, **overrides) for _ in range(jobs - 1)]
    return [first, *more]


def evaluate(
    assistants: list[Assistant],
    questions: list[Question],
    *,
    ingest: str,
    progress: Progress | None = None,
    judge: Judge | None = None,
    judge_progress: Progress | None = None,
) -> EvalRun:
    """Ask ``questions`` through ``assistants`` (one per job), score, and judge if asked to."""
    asked = ask_questions(assistants, questions, progress)
    outcomes = score_asked(asked)
    summary: dict[str, Any] = summarize(outcomes)
    verdicts = None
    if judge is not None:
        text_of = assistants[0].document_text
        cases = [
            None if a.answer.abstained else judge_case(a.question, a.answer, text_of) for a in asked
        ]
        verdicts = judge.judge_all(cases, judge_progress)
        summary |= summarize_verdicts(verdicts)
    return EvalRun(
        summary,
        by_kind(outcomes),
        outcomes,
        ingest,
        judge=judge.label if judge else None,
        verdicts=verdicts,
    )


def write_results(run: EvalRun, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.json"
    path.write_text(json.dumps(run.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    return path
