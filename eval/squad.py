"""SQuAD-format data sets as citeqa eval sets: each paragraph a file, questions in the schema.

``citeqa eval --squad FILE`` runs any SQuAD 1.1 / 2.0 JSON file this way, so users can
score the answerer on public sets or their own. A paragraph's file is named after its
article and position (``Rhine_003.txt``); an answerable question's gold facts are its crowd
answers (one fact, the distinct answer texts as aliases) and its source is its paragraph.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag import EvalError


@dataclass(frozen=True)
class SquadQuestion:
    """One question of a SQuAD file, with its paragraph and answers (none: unanswerable)."""

    id: str
    question: str
    paragraph: str  # file name of its paragraph
    answers: tuple[str, ...]
    starts: tuple[int, ...]  # where each answer starts in the paragraph


def paragraph_name(title: str, number: int) -> str:
    safe = "".join(ch if ch.isalnum() else "_" for ch in title) or "article"
    return f"{safe}_{number:03d}.txt"


def read_squad(path: Path) -> tuple[dict[str, str], list[SquadQuestion]]:
    """Paragraph texts by file name, and every question; ``EvalError`` names what is wrong."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        texts: dict[str, str] = {}
        questions: list[SquadQuestion] = []
        for article in data["data"]:
            for number, paragraph in enumerate(article["paragraphs"]):
                name = paragraph_name(str(article.get("title", "")), number)
                texts[name] = str(paragraph["context"])
                for qa in paragraph["qas"]:
                    answers = [] if qa.get("is_impossible") else qa.get("answers", [])
                    questions.append(
                        SquadQuestion(
                            id=str(qa["id"]),
                            question=str(qa["question"]),
                            paragraph=name,
                            answers=tuple(str(a["text"]) for a in answers),
                            starts=tuple(int(a["answer_start"]) for a in answers),
                        )
                    )
    except OSError as error:
        raise EvalError(f"{path}: cannot read SQuAD file ({error.strerror})") from error
    except (ValueError, KeyError, TypeError) as error:
        raise EvalError(
            f"{path}: not a SQuAD-format file ({type(error).__name__}: {error})"
        ) from error
    if not questions:
        raise EvalError(f"{path}: holds no questions")
    return texts, questions


def eval_record(question: SquadQuestion) -> dict[str, Any]:
    """The question in citeqa's eval schema."""
    aliases = list(dict.fromkeys(a.strip() for a in question.answers if a.strip()))
    return {
        "id": question.id,
        "question": question.question,
        "answers": [aliases] if aliases else [],
        "sources": [question.paragraph] if aliases else [],
        "answerable": bool(aliases),
        "kind": "fact" if aliases else "unanswerable",
    }


def write_eval_set(path: Path, out: Path) -> tuple[Path, Path]:
    """Write the SQuAD file at ``path`` as ``out/corpus/*.txt`` and ``out/questions.jsonl``."""
    texts, questions = read_squad(path)
    corpus = out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    questions_path = out / "questions.jsonl"
    questions_path.write_text(
        "".join(json.dumps(eval_record(q), ensure_ascii=False) + "\n" for q in questions),
        encoding="utf-8",
    )
    return corpus, questions_path
