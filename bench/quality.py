"""citeqa against the plain llama-index pipeline, side by side, in one run.

    python -m bench.quality [--split test|train|all] [--questions FILE] [--corpus DIR]

Both answer the same questions with the same embedding model; both are scored by the eval
harness's own metrics. Prints one row per metric with both figures and which is better.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.baseline import baseline_answer, build_baseline
from bench.common import question_set, question_set_parser
from eval.harness import ask_all
from eval.metrics import Outcome, score_outcome, summarize
from eval.questions import Question
from rag import Assistant
from store.embedder import SentenceTransformerEmbedder

ROWS = [
    ("fact_recall", True),
    ("source_hit_at_1", True),
    ("mrr", True),
    ("abstention_recall", True),
    ("false_abstention_rate", False),
    ("median_answer_words", False),
]


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


def main() -> None:
    args = question_set_parser(__doc__.splitlines()[0], "test").parse_args()
    questions = question_set(args)
    embedder = SentenceTransformerEmbedder()
    plain = summarize(run_baseline(args.corpus, questions, embedder))
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant.open(Path(tmp) / "store", embedder=embedder)
        assistant.ingest([args.corpus])
        ours = summarize(ask_all(assistant, questions))
    print(f"{len(questions)} questions ({args.split} split)\n")
    print(f"{'metric':<24}{'llama-index plain':>20}{'citeqa':>10}  better")
    for name, higher in ROWS:
        a, b = plain[name], ours[name]
        if a is None or b is None:
            verdict = "-"
        elif a == b:
            verdict = "tie"
        else:
            verdict = "citeqa" if (b > a) == higher else "plain"
        print(f"{name:<24}{_fmt(a):>20}{_fmt(b):>10}  {verdict}")


def _fmt(value: float | int | None) -> str:
    return "-" if value is None else f"{value:.3f}" if value <= 1 else f"{value:.1f}"


if __name__ == "__main__":
    main()
