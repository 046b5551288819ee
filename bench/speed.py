"""How fast citeqa ingests and answers, as ratios to llama-index and to the raw model.

    python -m bench.speed [--corpus DIR | --short-files] [--repeat N]

``--short-files`` ingests 1,388 short files instead: each paragraph of the SQuAD 2.0
training sample, cut in two at the sentence nearest its middle (about 2-4 sentences each).

Measured in one run on one machine, so the ratios compare like with like:
- ingest: citeqa's full ingestion (clean, chunk, embed, write Chroma on disk) vs the plain
  llama-index VectorStoreIndex build vs the raw model encoding citeqa's own chunks;
- query: citeqa's ``ask`` as shipped (the question embedded through the ONNX export, hybrid
  retrieval, the reader, the answer; also without the cross-encoder's second reading when
  the reader has one), vs the plain llama-index top-3 retrieval vs the raw model (through
  sentence-transformers) encoding the question.
Timings are printed, never asserted: they belong here, not in unit tests.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.baseline import build_baseline
from eval.harness import default_corpus_path, select
from eval.questions import default_questions_path, load_questions
from eval.squad import read_squad
from lang import load_analyzer
from rag import Assistant
from rag.reader import Reader
from store.chunker import chunk_document
from store.embedder import FEW_TEXTS, SentenceTransformerEmbedder
from store.ingest import load_document
from store.loader import find_files
from store.onnx_embedder import FastEmbedder

SQUAD_SAMPLE = Path(__file__).resolve().parents[1] / "eval/external/squad2-train-sample.json"


def _seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _median_ms(action: Callable[[str], object], questions: list[str]) -> float:
    times = []
    for question in questions:
        started = time.perf_counter()
        action(question)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def chunk_texts(corpus: Path, embedder: SentenceTransformerEmbedder) -> list[str]:
    """The texts citeqa embeds for ``corpus``, made by the store's own stages."""
    found, _ = find_files([corpus])
    analyzer = load_analyzer()
    return [
        c.text
        for f in found
        for c in chunk_document(load_document(f), analyzer, count_tokens=embedder.count_tokens)
    ]


def short_files(folder: Path) -> Path:
    """Write the SQuAD training sample's paragraphs as short files (two per paragraph)."""
    texts, _ = read_squad(SQUAD_SAMPLE)
    folder.mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(texts.values()):
        ends = [i + 2 for i in range(len(text) - 2) if text[i] == "." and text[i + 1] == " "]
        cut = min(ends, key=lambda i: abs(i - len(text) // 2)) if ends else len(text)
        for part, piece in enumerate((text[:cut], text[cut:])):
            if piece.strip():
                (folder / f"p{n:04d}_{part}.txt").write_text(piece.strip() + "\n", encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus_path())
    parser.add_argument(
        "--short-files", action="store_true", help="ingest 1,388 short files (see above)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="ingest runs (best is kept)")
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()  # the raw model, and plain llama-index's
    embedder.embed(["warm up"])
    ours = FastEmbedder()  # citeqa's default: questions through the ONNX export
    ours.embed(["warm up"] * (FEW_TEXTS + 1))  # loads the model, writes the export if missing
    ours.embed(["warm up"])
    questions = [q.question for q in select(load_questions(default_questions_path()), "all")]

    with tempfile.TemporaryDirectory() as tmp:
        if args.short_files:
            args.corpus = short_files(Path(tmp) / "short")
        ingest_times = []
        for run in range(args.repeat):
            assistant = Assistant.open(Path(tmp) / f"store{run}", embedder=ours)
            started = time.perf_counter()
            assistant.ingest([args.corpus])
            ingest_times.append(time.perf_counter() - started)
        chunks = chunk_texts(args.corpus, embedder)
        assistant.ask("warm up")
        ours_ingest = min(ingest_times)
        raw_ingest = min(_seconds(lambda: embedder.embed(chunks)) for _ in range(args.repeat))
        plain_ingest = min(
            _seconds(lambda: build_baseline(args.corpus, embedder)) for _ in range(args.repeat)
        )
        retriever = build_baseline(args.corpus, embedder)
        ours_query = _median_ms(assistant.ask, questions)
        rows = [("query", ours_query)]
        if Reader.load(assistant.settings.reader_model).rescore is not None:
            faster = assistant.configure(rescore=False)
            faster.ask("warm up")
            rows.append(("query*", _median_ms(faster.ask, questions)))
        plain_query = _median_ms(retriever.retrieve, questions)
        raw_query = _median_ms(lambda q: embedder.embed([q]), questions)

    print(f"corpus {args.corpus} ({len(chunks)} chunks), {len(questions)} questions\n")
    print(f"{'':<8}{'citeqa':>12}{'llama-index':>14}{'raw model':>12}{'vs llama':>10}{'vs raw':>9}")
    print(
        f"{'ingest':<8}{ours_ingest:>11.2f}s{plain_ingest:>13.2f}s{raw_ingest:>11.2f}s"
        f"{ours_ingest / plain_ingest:>9.2f}x{ours_ingest / raw_ingest:>8.2f}x"
    )
    for label, ms in rows:
        print(
            f"{label:<8}{ms:>10.1f}ms{plain_query:>12.1f}ms{raw_query:>10.1f}ms"
            f"{ms / plain_query:>9.2f}x{ms / raw_query:>8.2f}x"
        )
    if len(rows) > 1:
        print("query*: rescore = false (the first reading alone, no cross-encoder)")
    print("\n(ratios are citeqa's time over the other's: below 1 means citeqa is faster)")


if __name__ == "__main__":
    main()
