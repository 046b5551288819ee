"""citeqa against the plain llama-index pipeline, side by side, in one run, on several sets.

    python -m bench.quality [--set bundled-test|blind|blind2|rhine-heldout ...]

Both answer the same questions with the same embedding model; both are scored by the eval
harness's own metrics (fact recall reads the first 60 words of an answer). The plain
pipeline answers with its top chunk and never abstains. Without ``--set`` every set runs:
the bundled test half, the two blind sets, and the held-out half of SQuAD 2.0 "Rhine"
(text no part of citeqa was fitted or tuned on).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.baseline import baseline_answer, build_baseline
from eval.harness import ask_all, default_corpus_path, select
from eval.metrics import Outcome, score_outcome, summarize
from eval.questions import Question, load_questions
from rag import Assistant
from store.embedder import SentenceTransformerEmbedder

EVAL = Path(__file__).resolve().parent.parent / "eval"
RHINE = EVAL / "external" / "squad2_rhine"
ROWS = [
    ("fact_recall", True),
    ("source_hit_at_1", True),
    ("mrr", True),
    ("abstention_recall", True),
    ("false_abstention_rate", False),
    ("median_answer_words", False),
]


@dataclass(frozen=True)
class QuestionSet:
    corpus: Path
    questions: Path
    split: str = "all"


SETS = {
    "bundled-test": QuestionSet(default_corpus_path(), EVAL / "questions.jsonl", "test"),
    "blind": QuestionSet(default_corpus_path(), EVAL / "blind_questions.jsonl"),
    "blind2": QuestionSet(default_corpus_path(), EVAL / "blind2_questions.jsonl"),
    "rhine-heldout": QuestionSet(RHINE / "corpus", RHINE / "heldout_questions.jsonl"),
}


def run_baseline(
    corpus: Path, questions: list[Question], embedder: SentenceTransformerEmbedder
) -> list[Outcome]:
    retriever = build_baseline(corpus, embedder)
    outcomes = []
    for q in questions:
        started = time.perf_counter()
        text, sources = baseline_answer(retriever, q.question)
        latency = (time.perf_counter() - started) * 1000
        outcomes.append(
            score_outcome(
                q,
                text=text,
                abstained=False,
                latency_ms=latency,
                source_ranking=sources,
                citations=[],
                citations_exact=0,
            )
        )
    return outcomes


def compare_on(name: str, chosen: QuestionSet, embedder: SentenceTransformerEmbedder) -> None:
    questions = select(load_questions(chosen.questions), chosen.split)  # type: ignore[arg-type]
    plain = summarize(run_baseline(chosen.corpus, questions, embedder))
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant.open(Path(tmp) / "store", embedder=embedder)
        assistant.ingest([chosen.corpus])
        ours = summarize(ask_all(assistant, questions))
    print(f"\n{name}: {len(questions)} questions\n")
    print(f"{'metric':<24}{'llama-index plain':>20}{'citeqa':>10}  better")
    for metric, higher in ROWS:
        a, b = plain[metric], ours[metric]
        if a is None or b is None:
            verdict = "-"
        elif a == b:
            verdict = "tie"
        else:
            verdict = "citeqa" if (b > a) == higher else "plain"
        print(f"{metric:<24}{_fmt(a):>20}{_fmt(b):>10}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", choices=sorted(SETS), dest="sets")
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    for name in args.sets or list(SETS):
        compare_on(name, SETS[name], embedder)


def _fmt(value: float | int | None) -> str:
    return "-" if value is None else f"{value:.3f}" if value <= 1 else f"{value:.1f}"


if __name__ == "__main__":
    main()
