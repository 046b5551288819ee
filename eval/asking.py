"""Ask a question set through ``rag.Assistant``, one job or several, and score the answers.

With ``jobs > 1`` the questions run on a thread pool. A conversation is one unit of work: its
turns run in order on one worker, because a follow-up is asked with the answers before it.
Results come back in question-file order whatever finishes first, so a run with several jobs
scores exactly as a run with one.

Each worker has an ``Assistant`` of its own over the same store, so no retriever or text
cache is shared between threads; only the Chroma store (whose local client locks
internally, as the keyword index's connection does) and the embedder, which
``SerialEmbedder`` guards, are.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eval.metrics import Outcome, score_outcome
from eval.questions import Question
from rag import Answer, Assistant, Embedder

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Asked:
    """One question with the answer it got and how long that took (ms, per call)."""

    question: Question
    answer: Answer
    latency_ms: float


class SerialEmbedder:
    """An embedder that runs one call at a time, for sharing between worker threads.

    A Hugging Face fast tokenizer (inside sentence-transformers) raises "Already borrowed"
    when one thread changes its truncation settings while another encodes; and two
    concurrent forward passes only fight over the same cores.
    """

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.name = inner.name
        self.dim = inner.dim

    def embed(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            return self._inner.embed(texts)

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return self._inner.count_tokens(text)


def conversation_units(questions: Sequence[Question]) -> list[list[int]]:
    """Question indexes grouped into units of work: a conversation's turns, or one question.

    Units are ordered by their first question, and each keeps its questions in file order.
    """
    units: dict[tuple[str, str | int], list[int]] = {}
    for index, question in enumerate(questions):
        key = ("conversation", question.conversation) if question.conversation else ("q", index)
        units.setdefault(key, []).append(index)
    return list(units.values())


def _ask_unit(assistant: Assistant, unit: list[Question], done: Callable[[], None]) -> list[Asked]:
    history: list[tuple[str, str]] = []
    asked = []
    for question in unit:
        started = time.perf_counter()
        answer = assistant.chat(question.question, history if question.conversation else [])
        latency = (time.perf_counter() - started) * 1000
        if question.conversation:
            history.append((question.question, answer.text))
        asked.append(Asked(question, answer, latency))
        done()
    return asked


def ask_questions(
    assistants: Sequence[Assistant],
    questions: Sequence[Question],
    progress: Progress | None = None,
) -> list[Asked]:
    """Ask every question, with as many concurrent jobs as there are ``assistants``.

    Args:
        assistants: one per job, all over the same store; with one, nothing runs in a thread.
        questions: the set, in file order (a conversation's turns in their order).
        progress: called as ``progress(done, total)`` after each question.

    Returns:
        One ``Asked`` per question, in the order of ``questions``.
    """
    questions = list(questions)
    units = conversation_units(questions)
    lock = threading.Lock()
    count = 0

    def done() -> None:
        nonlocal count
        with lock:
            count += 1
            if progress:
                progress(count, len(questions))

    results: list[Asked | None] = [None] * len(questions)
    if len(assistants) <= 1:
        for unit in units:
            _place(results, unit, _ask_unit(assistants[0], [questions[i] for i in unit], done))
    else:
        _ask_concurrently(assistants, questions, units, done, results)
    return [asked for asked in results if asked is not None]


def _place(results: list[Asked | None], unit: list[int], asked: list[Asked]) -> None:
    """Put a unit's answers back at its questions' places in the file."""
    for index, one in zip(unit, asked, strict=True):
        results[index] = one


def _ask_concurrently(
    assistants: Sequence[Assistant],
    questions: list[Question],
    units: list[list[int]],
    done: Callable[[], None],
    results: list[Asked | None],
) -> None:
    idle: queue.SimpleQueue[Assistant] = queue.SimpleQueue()
    for assistant in assistants:
        idle.put(assistant)

    def work(unit: list[int]) -> list[Asked]:
        # As many workers as assistants, so one is always free for the unit at hand.
        assistant = idle.get()
        try:
            return _ask_unit(assistant, [questions[i] for i in unit], done)
        finally:
            idle.put(assistant)

    pool = ThreadPoolExecutor(max_workers=len(assistants), thread_name_prefix="citeqa-eval")
    try:
        futures: list[Future[list[Asked]]] = [pool.submit(work, unit) for unit in units]
        for unit, future in zip(units, futures, strict=True):
            _place(results, unit, future.result())
    except BaseException:
        # A failed question (or Ctrl-C) ends the run now, not after every queued question.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


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


def score_asked(asked: Iterable[Asked]) -> list[Outcome]:
    """Score each answer against its gold question."""
    files = FileTexts()
    return [_score(a.question, a.answer, a.latency_ms, files) for a in asked]


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


def ask_all(
    assistant: Assistant,
    questions: Iterable[Question],
    progress: Progress | None = None,
) -> list[Outcome]:
    """Ask each question (follow-ups with their conversation so far) and score it."""
    return score_asked(ask_questions([assistant], list(questions), progress))
