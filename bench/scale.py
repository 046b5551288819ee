"""How citeqa opens and answers as the store grows: synthetic stores of 10k and 100k chunks.

    python -m bench.scale [--sizes 10000 100000] [--questions 40]

Each store holds generated sentences ("Depot 4411 in Varn shipped 312 crates of salt to
Oskel."), 100 to a file, with random unit vectors under the real model's name, so building
it costs Chroma's writes, not the encoder (a 100k store takes a few minutes). For each size
it prints: the time to open the store and answer a first question in a fresh process, the
warm ``ask`` p50 and p95 (the real model embeds each question), and the process's memory.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lang import Span
from store.chroma_store import ChunkStore, Replacement
from store.embedder import SentenceTransformerEmbedder
from store.types import Chunk, DocumentMeta, SourceDocument

PER_FILE = 100
_PLACES = ["Varn", "Oskel", "Brask", "Tellin", "Morrow", "Quill", "Dunmere", "Ashby"]
_GOODS = ["salt", "grain", "timber", "copper", "wool", "coal", "flour", "glass", "rope"]


def _sentence(rng: random.Random, n: int) -> tuple[str, list[str]]:
    depot, count = n % 5000, rng.randint(10, 999)
    origin, goal, goods = rng.choice(_PLACES), rng.choice(_PLACES), rng.choice(_GOODS)
    text = f"Depot {depot} in {origin} shipped {count} crates of {goods} to {goal}."
    lemmas = ["depot", str(depot), origin.lower(), "ship", str(count), "crate", goods, goal.lower()]
    return text, lemmas


def build(location: Path, size: int, model_name: str, seed: int = 7) -> None:
    """A store of ``size`` generated chunks at ``location``."""
    rng = random.Random(seed)
    store = ChunkStore.open(location, embed_model=model_name)
    batch: list[Replacement] = []
    for f in range(size // PER_FILE):
        texts: list[str] = []
        chunks: list[Chunk] = []
        start = 0
        for n in range(PER_FILE):
            text, lemmas = _sentence(rng, f * PER_FILE + n)
            end = start + len(text)
            terms = tuple(Span(start, end, lemma) for lemma in lemmas)
            source = f"depots_{f}.txt"
            chunks.append(Chunk(f"f{f}:{n}", source, start, end, start, end, text, n, terms=terms))
            texts.append(text)
            start = end + 1
        body = " ".join(texts)
        doc = SourceDocument(
            f"depots_{f}.txt", f"/synthetic/depots_{f}.txt", body, body, f"{f:064x}",
            DocumentMeta(f"Depot ledger {f}"),
        )  # fmt: skip
        vectors = [_unit(rng) for _ in chunks]
        batch.append(Replacement(doc, "/synthetic", chunks, vectors))
        if len(batch) == 10:
            store.replace_documents(batch)
            batch = []
    store.replace_documents(batch)


def _unit(rng: random.Random, dim: int = 384) -> list[float]:
    vector = [rng.gauss(0.0, 1.0) for _ in range(dim)]
    norm = sum(x * x for x in vector) ** 0.5
    return [x / norm for x in vector]


def measure(location: Path, questions: int) -> dict[str, float]:
    """Run in a fresh process: open, first answer, warm answers, memory."""
    from rag import Assistant

    started = time.perf_counter()
    assistant = Assistant.open(store=location, create=False)
    opened = time.perf_counter() - started
    assistant.ask("How many crates of salt did depot 12 ship?")
    first = time.perf_counter() - started
    rng = random.Random(3)
    times = []
    for _ in range(questions):
        question = (
            f"How many crates of {rng.choice(_GOODS)} did depot {rng.randint(0, 4999)} "
            f"in {rng.choice(_PLACES)} ship?"
        )
        t = time.perf_counter()
        assistant.ask(question)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "open_s": opened,
        "first_answer_s": first,
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
        "rss_mb": _rss_mb(),
    }


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):  # the peak resident set
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.questions)))
        return
    model_name = SentenceTransformerEmbedder().name
    print(f"{'chunks':>8}{'build':>9}{'open':>8}{'1st answer':>12}{'p50':>9}{'p95':>9}{'RSS':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            location = Path(tmp) / f"store{size}"
            started = time.perf_counter()
            build(location, size, model_name)
            built = time.perf_counter() - started
            child = subprocess.run(
                [sys.executable, "-m", "bench.scale", "--measure", str(location),
                 "--questions", str(args.questions)],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            m = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"{size:>8}{built:>8.0f}s{m['open_s']:>7.1f}s{m['first_answer_s']:>11.1f}s"
                f"{m['p50_ms']:>7.0f}ms{m['p95_ms']:>7.0f}ms{m['rss_mb']:>7.0f}MB"
            )
    print("\n(open: Assistant.open in a fresh process, imports included; 1st answer: from the")
    print(" start of open to the first answer, model load included)")


if __name__ == "__main__":
    main()
