"""Labelled questions for fitting the reader: SQuAD 2.0 articles and the bundled train half.

A SQuAD paragraph becomes one document; the bundled set's documents are the corpus files.
Each question keeps where its answer lies (character offsets for SQuAD, the gold facts for
the bundled set), so a sentence can be labelled by whether it holds the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eval.harness import default_corpus_path, select
from eval.questions import default_questions_path, load_questions
from eval.squad import read_squad

EXTERNAL = Path(__file__).resolve().parent.parent / "eval" / "external"
SQUAD_TRAIN = EXTERNAL / "squad2-train-sample.json"


@dataclass(frozen=True)
class Labelled:
    """A question about one document, and where in that document its answer is."""

    id: str
    question: str
    document: str  # file name (bundled) or "<article>_<n>.txt" (SQuAD)
    answerable: bool
    spans: tuple[tuple[int, int], ...] = ()  # answer offsets in the document text
    facts: tuple[tuple[str, ...], ...] = ()  # gold aliases, when offsets are not known
    answers: tuple[str, ...] = ()  # answer texts


def squad_documents(path: Path) -> tuple[dict[str, str], list[Labelled]]:
    """Paragraph texts by document name, and every question of a SQuAD-format file."""
    texts, questions = read_squad(path)
    return texts, [
        Labelled(
            id=q.id,
            question=q.question,
            document=q.paragraph,
            answerable=bool(q.answers),
            spans=tuple((s, s + len(a)) for s, a in zip(q.starts, q.answers, strict=True)),
            answers=q.answers,
        )
        for q in questions
    ]


DEV_QUESTIONS = default_questions_path().parent / "dev_questions.jsonl"


def bundled_train() -> tuple[dict[str, str], list[Labelled]]:
    """The bundled corpus, and the train half of its question set with the development
    questions (``eval/dev_questions.jsonl``, written for tuning): single-turn questions with
    one source file each."""
    corpus = default_corpus_path()
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(corpus.iterdir())}
    questions = []
    tuning = select(load_questions(default_questions_path()), "train")
    for q in tuning + load_questions(DEV_QUESTIONS):
        if q.conversation or len(q.sources) != 1:
            continue  # follow-ups lean on earlier turns; the pairs are single questions
        facts = tuple(tuple([f] if isinstance(f, str) else f) for f in q.answers)
        questions.append(Labelled(q.id, q.question, q.sources[0], q.answerable, facts=facts))
    return texts, questions


def holds_answer(item: Labelled, start: int, end: int, text: str) -> bool:
    """The sentence at ``[start, end)`` of the document ``text`` holds the answer."""
    if not item.answerable:
        return False
    if item.spans:
        return any(start <= a < end for a, _ in item.spans)
    sentence = text[start:end].lower()
    return any(alias.lower() in sentence for fact in item.facts for alias in fact)
