"""The per-question time budget (``answer_seconds``), on a fake clock that the slow parts
move forward: deterministic, and no test waits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rag import Assistant, load_settings
from rag.backends import ScriptedBackend
from rag.deadline import Deadline
from store.chroma_store import ChunkStore
from store.embedder import HashingEmbedder
from store.errors import BudgetError, QuestionError

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
COMPOUND = "Which road is used to supply food to Aleppo, and when did the Geneva talks begin?"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class SlowEmbedder(HashingEmbedder):
    """Each embedding call takes ``seconds`` of the fake clock."""

    def __init__(self, clock: FakeClock, seconds: float) -> None:
        super().__init__()
        self._clock = clock
        self.seconds = seconds

    def embed(self, texts: list[str]) -> list[list[float]]:
        self._clock.now += self.seconds
        return super().embed(texts)


class SlowBackend(ScriptedBackend):
    """Each text delta takes ``seconds`` of the fake clock; counts the deltas it sent."""

    def __init__(self, clock: FakeClock, seconds: float) -> None:
        super().__init__("The Castello Road is used [1]. " * 20, chunk=8)
        self._clock = clock
        self.seconds = seconds
        self.sent = 0
        self.closed = False

    def stream(self, prompt: str) -> Iterator[str]:
        try:
            for delta in super().stream(prompt):
                self._clock.now += self.seconds
                self.sent += 1
                yield delta
        finally:
            self.closed = True


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("budget") / "store"
    assistant = Assistant.open(settings=load_settings(store=store), embedder=HashingEmbedder())
    assert len(assistant.ingest([CORPUS]).added) == 5
    return store


def open_slow(
    store: Path, clock: FakeClock, embed_seconds: float, backend: SlowBackend | None = None
) -> Assistant:
    settings = load_settings(store=store, answer_seconds=30, abstain_threshold=0.0)
    embedder = SlowEmbedder(clock, embed_seconds)
    chunks = ChunkStore.open(store, embed_model=embedder.name, create=False)
    return Assistant(settings, chunks, embedder, backend, clock=clock)


def test_deadline_expires_after_its_seconds() -> None:
    clock = FakeClock()
    deadline = Deadline(10, clock)
    clock.now = 10
    assert not deadline.expired
    deadline.check("the next step")
    clock.now = 10.5
    assert deadline.expired
    with pytest.raises(BudgetError, match=r"10 s budget before the next step \(answer_seconds\)"):
        deadline.check("the next step")


def test_a_question_within_its_budget_is_answered(store: Path) -> None:
    answer = open_slow(store, FakeClock(), embed_seconds=29).ask(
        "Which road is used to supply food to Aleppo?"
    )
    assert not answer.abstained and answer.notice is None


def test_a_question_past_its_budget_stops_with_one_line(store: Path) -> None:
    assistant = open_slow(store, FakeClock(), embed_seconds=31)
    with pytest.raises(BudgetError) as caught:
        assistant.ask("Which road is used to supply food to Aleppo?")
    assert isinstance(caught.value, QuestionError)  # the faces show it like any bad question
    message = str(caught.value)
    assert "\n" not in message
    assert "30 s budget before reading the passages found (answer_seconds)" in message


def test_a_compound_question_keeps_the_parts_answered_in_time(store: Path) -> None:
    assistant = open_slow(store, FakeClock(), embed_seconds=20)  # part two ends at 40 s
    answer = assistant.ask(COMPOUND)
    assert not answer.abstained and answer.citations
    assert answer.notice == (
        "only 1 of the question's 2 parts were answered within its 30 s budget (answer_seconds)"
    )
    whole = open_slow(store, FakeClock(), embed_seconds=1).ask(COMPOUND)
    assert whole.notice is None
    assert len(whole.citations) > len(answer.citations)


def test_a_model_still_writing_at_the_deadline_is_stopped(store: Path) -> None:
    clock = FakeClock()
    backend = SlowBackend(clock, seconds=5)
    assistant = open_slow(store, clock, embed_seconds=0, backend=backend)
    answer = assistant.ask("Which road is used to supply food to Aleppo?")
    assert backend.sent == 7  # the delta that took the clock past 30 s is the last one
    assert backend.closed
    assert answer.notice is not None
    assert "did not finish within the question's 30 s budget (answer_seconds)" in answer.notice
    assert answer.notice.endswith("showing the extractive answer instead.")
    assert not answer.abstained and answer.citations


def test_the_backend_never_waits_longer_than_the_budget() -> None:
    from rag.backends import BackendConfig

    settings = load_settings(llm="openai", llm_timeout=60, answer_seconds=20)
    assert BackendConfig.from_settings(settings).timeout == 20
