"""eval.asking: units of work, --jobs giving the same results as one job, and the guards."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from eval.asking import SerialEmbedder, conversation_units
from eval.harness import check_jobs, run_eval
from eval.questions import Question
from rag import Answer, Assistant, EvalError, QuestionError
from store.embedder import HashingEmbedder
from tests.eval.tiny_set import CONVERSATION_QUESTIONS


def question(id_: str, conversation: str | None = None) -> Question:
    return Question(id_, f"question {id_}?", ["x"], ["a.txt"], True, conversation=conversation)


def test_a_conversation_is_one_unit_in_file_order() -> None:
    questions = [
        question("a", "c1"),
        question("b"),
        question("c", "c2"),
        question("d", "c1"),
        question("e"),
        question("f", "c2"),
        question("g", "c1"),
    ]
    assert conversation_units(questions) == [[0, 3, 6], [1], [2, 5], [4]]


def test_standalone_questions_are_units_of_their_own() -> None:
    assert conversation_units([question("a"), question("b")]) == [[0], [1]]
    assert conversation_units([]) == []


def answers_of(run: Any) -> list[tuple[str, bool, bool, str, list[tuple[str, int, int]]]]:
    return [
        (
            o.id,
            o.correct,
            o.abstained,
            o.text,
            [(c["source"], c["start"], c["end"]) for c in o.citations],
        )
        for o in run.outcomes
    ]


def test_three_jobs_score_exactly_as_one(tiny_conversation: tuple[Path, Path]) -> None:
    corpus, questions = tiny_conversation
    one = run_eval(corpus, questions, embedder=HashingEmbedder(), jobs=1)
    seen: list[tuple[int, int]] = []
    three = run_eval(
        corpus,
        questions,
        embedder=HashingEmbedder(),
        jobs=3,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert [o.id for o in three.outcomes] == ["t1", "t2", "t3", "c1", "t4", "c2"]
    assert answers_of(three) == answers_of(one)
    latency = ("latency_p50_ms", "latency_p95_ms")
    assert {k: v for k, v in three.summary.items() if k not in latency} == {
        k: v for k, v in one.summary.items() if k not in latency
    }
    assert sorted(seen) == [(n, 6) for n in range(1, 7)]


def test_follow_ups_run_after_their_turns_on_one_worker(
    tiny_conversation: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str, list[tuple[str, str]]]] = []
    lock = threading.Lock()
    chat = Assistant.chat

    def recording_chat(self: Assistant, message: str, history: Sequence[Any] = ()) -> Answer:
        answer = chat(self, message, history)
        with lock:
            calls.append((threading.current_thread().name, message, list(history)))
        return answer

    monkeypatch.setattr(Assistant, "chat", recording_chat)
    corpus, questions = tiny_conversation
    run = run_eval(corpus, questions, embedder=HashingEmbedder(), jobs=3)
    first, second = (q["question"] for q in CONVERSATION_QUESTIONS if q.get("conversation"))
    by_message = {message: (thread, history) for thread, message, history in calls}
    c1 = next(o for o in run.outcomes if o.id == "c1")
    assert by_message[second][1] == [(first, c1.text)]
    assert by_message[first][1] == []
    assert by_message[first][0] == by_message[second][0]  # the same worker asked both turns
    assert all(thread.startswith("citeqa-eval") for thread, _, _ in calls)


def test_a_failing_question_ends_a_concurrent_run(
    tiny_conversation: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = Assistant.chat

    def failing_chat(self: Assistant, message: str, history: Sequence[Any] = ()) -> Answer:
        if "architect" in message:
            raise QuestionError("scripted failure")
        return chat(self, message, history)

    monkeypatch.setattr(Assistant, "chat", failing_chat)
    corpus, questions = tiny_conversation
    with pytest.raises(QuestionError, match="scripted failure"):
        run_eval(corpus, questions, embedder=HashingEmbedder(), jobs=2)


@pytest.mark.parametrize(
    ("jobs", "overrides", "message"),
    [
        (0, {}, "--jobs must be at least 1, not 0"),
        (2, {"llm": "llamacpp"}, "--jobs above 1 cannot run the llamacpp backend"),
    ],
)
def test_job_counts_a_run_cannot_use_are_refused(
    jobs: int, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(EvalError, match=message):
        check_jobs(jobs, overrides)
    check_jobs(1, overrides)  # one job is always fine


class OverlapCounter(HashingEmbedder):
    """Counts how many embed calls are in progress at once."""

    def __init__(self) -> None:
        super().__init__()
        self.active = 0
        self.most = 0
        self._count = threading.Lock()

    def embed(self, texts: list[str]) -> list[list[float]]:
        with self._count:
            self.active += 1
            self.most = max(self.most, self.active)
        time.sleep(0.005)  # widen the window in which a second call could overlap
        with self._count:
            self.active -= 1
        return super().embed(texts)


def test_the_serial_embedder_lets_one_call_in_at_a_time() -> None:
    inner = OverlapCounter()
    shared = SerialEmbedder(inner)
    assert (shared.name, shared.dim) == (inner.name, inner.dim)
    threads = [
        threading.Thread(target=lambda: [shared.embed(["a b c"]) for _ in range(5)])
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inner.most == 1
    assert shared.embed(["harbor bridge"]) == inner.embed(["harbor bridge"])
    assert shared.count_tokens("two words") == inner.count_tokens("two words")
