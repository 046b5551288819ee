"""The tiny eval set the harness, jobs, judge and sweep tests share (fixtures in conftest)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TINY_CORPUS = {
    "bridge.txt": (
        "Harbor Bridge reopens after repairs\n\n"
        "The Harbor Bridge in Portville reopened to traffic on Monday after a long repair. "
        "The repairs cost 12 million dollars and took nine months. "
        "Mayor Alma Reyes cut the ribbon at the opening ceremony.\n"
    ),
    "library.txt": (
        "City library opens a children's wing\n\n"
        "The Portville city library opened a new wing for children on Saturday. "
        "The new wing holds 4,000 picture books and a reading garden. "
        "The architect of the wing is Tomas Berg.\n"
    ),
}
TINY_QUESTIONS = [
    {
        "id": "t1",
        "question": "How much did the repairs of the Harbor Bridge cost?",
        "answers": ["12 million"],
        "sources": ["bridge.txt"],
        "answerable": True,
    },
    {
        "id": "t2",
        "question": "How many picture books does the new library wing hold?",
        "answers": ["4,000"],
        "sources": ["library.txt"],
        "answerable": True,
        "kind": "number",
    },
    {
        "id": "t3",
        "question": "What is the capital of France?",
        "answers": [],
        "sources": [],
        "answerable": False,
    },
]


# A follow-up conversation and one more question, for the --jobs tests: a follow-up's
# answer depends on the turns before it, so it shows whether turns stayed together.
CONVERSATION_QUESTIONS = [
    {
        "id": "c1",
        "question": "Who cut the ribbon at the Harbor Bridge opening ceremony?",
        "answers": ["Alma Reyes"],
        "sources": ["bridge.txt"],
        "answerable": True,
        "kind": "follow_up",
        "conversation": "bridge",
        "turn": 1,
    },
    {
        "id": "t4",
        "question": "Who is the architect of the new wing of the city library?",
        "answers": ["Tomas Berg"],
        "sources": ["library.txt"],
        "answerable": True,
    },
    {
        "id": "c2",
        "question": "How long did the repairs take?",
        "answers": ["nine months"],
        "sources": ["bridge.txt"],
        "answerable": True,
        "kind": "follow_up",
        "conversation": "bridge",
        "turn": 2,
    },
]


def write_set(folder: Path, questions: list[dict[str, Any]]) -> tuple[Path, Path]:
    """The tiny corpus and ``questions`` as files under ``folder``: (corpus, questions.jsonl)."""
    corpus = folder / "corpus"
    corpus.mkdir()
    for name, text in TINY_CORPUS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    path = folder / "questions.jsonl"
    path.write_text("\n".join(json.dumps(q) for q in questions) + "\n", encoding="utf-8")
    return corpus, path
