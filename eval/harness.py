"""Run a question set through ``rag.Assistant`` on a fresh store and score every answer."""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from eval.metrics import Outcome, score_outcome, summarize
from eval.questions import Question, load_questions
from rag import Answer, Assistant, EvalError
from store.embedder import Embedder

Split = Literal["train", "test", "all"]


@dataclass
class EvalRun:
    summary: dict[str, Any]
    by_kind: dict[str, dict[str, Any]]
    outcomes: list[Outcome]
    ingest: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "by_kind": self.by_kind,
            "ingest": self.ingest,
            "questions": [asdict(o) | {"correct": o.correct} for o in self.outcomes],
        }


def split_of(question: Question) -> Literal["train", "test"]:
    """Deterministic half of the set; turns of one conversation stay together."""
    key = question.conversation or question.id
    return "train" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "test"


def select(questions: list[Question], split: Split) -> list[Question]:
    return questions if split == "all" else [q for q in questions if split_of(q) == split]


def default_corpus_path() -> Path:
    return Path(__file__).resolve().parent.parent / "corpus"


class FileTexts:
    """Reads cited files straight from disk, to check quotes independently of the store."""

    def __init__(self) -> None:
        self._cache: dict[str, str | None] = {}

    def exact(self, citation: dict[str, Any]) -> bool:
        source = str(citation["source"])
        if source not in self._cache:
            try:
                self._cache[source] = Path(source).read_bytes().decode("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                self._cache[source] = None
        text = self._cache[source]
        start, end = int(citation["start"]), int(citation["end"])
        return text is not None and text[start:end] == citation["quote"]


def ask_all(
    assistant: Assistant,
    questions: Iterable[Question],
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Ask each question (follow-ups with their conversation so far) and score it."""
    questions = list(questions)
    histories: dict[str, list[tuple[str, str]]] = defaultdict(list)
    files = FileTexts()
    outcomes = []
    for done, question in enumerate(questions, start=1):
        history = histories[question.conversation] if question.conversation else []
        started = time.perf_counter()
        answer = assistant.chat(question.question, history)
        latency = (time.perf_counter() - started) * 1000
        if question.conversation:
            history.append((question.question, answer.text))
        outcomes.append(_score(question, answer, latency, files))
        if progress:
            progress(done, len(questions))
    return outcomes


def _score(question: Question, answer: Answer, latency: float, files: FileTexts) -> Outcome:
    citations = [asdict(c) for c in answer.citations]
    ranking: list[str] = []
    for source in [c.source for c in answer.citations] + [p.chunk.source for p in answer.passages]:
        if source not in ranking:
            ranking.append(source)
    return score_outcome(
        question,
        text=answer.text,
        abstained=answer.abstained,
        latency_ms=latency,
        source_ranking=ranking,
        citations=citations,
        citations_exact=sum(files.exact(c) for c in citations),
        sentences=[asdict(s) for s in answer.sentences],
        notice=answer.notice,
    )


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
    progress: Callable[[int, int], None] | None = None,
    embedder: Embedder | None = None,
) -> EvalRun:
    """Ingest ``corpus`` into a temporary store and score every question of the set."""
    if not corpus.is_dir():
        raise EvalError(f"corpus folder {corpus} does not exist")
    questions = select(load_questions(questions_path), split)
    if not questions:
        raise EvalError(f"{questions_path}: no questions in split '{split}'")
    with tempfile.TemporaryDirectory(prefix="citeqa-eval-") as tmp:
        assistant = Assistant.open(Path(tmp) / "store", embedder=embedder, **(overrides or {}))
        report = assistant.ingest([corpus])
        if not (report.added or report.unchanged):
            raise EvalError(f"nothing could be ingested from {corpus}: {report.summary()}")
        outcomes = ask_all(assistant, questions, progress)
    return EvalRun(summarize(outcomes), by_kind(outcomes), outcomes, report.summary())


def write_results(run: EvalRun, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.json"
    path.write_text(json.dumps(run.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    return path
