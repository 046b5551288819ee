"""An answer depends only on the passages retrieved for it: unrelated files change nothing.

The bundled corpus is ingested into one store, and the bundled corpus plus the 44 SQuAD
"Rhine" paragraphs into another; every bundled question (conversations turn by turn) must
get the same answer, citations and abstention from both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.questions import default_questions_path, load_questions
from rag import Answer, Assistant
from store.embedder import SentenceTransformerEmbedder

ROOT = Path(__file__).resolve().parents[1]
RHINE = ROOT / "eval" / "external" / "squad2_rhine" / "corpus"


def answers(assistant: Assistant) -> dict[str, Answer]:
    found: dict[str, Answer] = {}
    history: dict[str, list[tuple[str, str]]] = {}
    for question in load_questions(default_questions_path()):
        turns = history.setdefault(question.conversation, []) if question.conversation else []
        answer = assistant.chat(question.question, turns)
        if question.conversation:
            turns.append((question.question, answer.text))
        found[question.id] = answer
    return found


@pytest.mark.slow
def test_unrelated_documents_change_no_bundled_answer(tmp_path: Path, corpus_dir: Path) -> None:
    embedder = SentenceTransformerEmbedder()
    alone = Assistant.open(tmp_path / "alone", embedder=embedder)
    alone.ingest([corpus_dir])
    mixed = Assistant.open(tmp_path / "mixed", embedder=embedder)
    report = mixed.ingest([corpus_dir, RHINE])
    assert len(report.added) == 5 + 44, report.summary()

    before, after = answers(alone), answers(mixed)

    changed = [
        qid
        for qid, answer in before.items()
        if (answer.text, answer.abstained, [(c.source, c.start, c.end) for c in answer.citations])
        != (
            after[qid].text,
            after[qid].abstained,
            [(c.source, c.start, c.end) for c in after[qid].citations],
        )
    ]
    assert not changed, [(q, before[q].text, after[q].text) for q in changed]
