"""How the chat page answers under load: ``/ask`` latency at concurrency 1 and 8.

    python -m bench.load [--requests 48] [--concurrency 1 8]

Serves the page on loopback over the bundled corpus (ingested into a temporary store), as
``citeqa ui`` does, and sends the bundled questions through its HTTP API with
``gradio_client``, one client per worker, each worker sending its next question as soon as
the last is answered. For each concurrency it prints p50, p95, answers per second, and the
errors by kind ("busy" is the queue turning a request away). The target of issue 14: at
concurrency 8, p95 at most 3x the p50 at concurrency 1, with 0 errors.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from eval.harness import default_corpus_path, select
from eval.questions import default_questions_path, load_questions
from rag import Assistant
from ui.app import create_app, serve


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(url: str, questions: list[str], requests: int, concurrency: int) -> dict[str, object]:
    """Send ``requests`` questions with ``concurrency`` workers; latencies and errors."""
    from gradio_client import Client

    latencies: list[float] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    todo = iter(range(requests))

    def worker() -> None:
        client = Client(url, verbose=False)
        while True:
            with lock:
                n = next(todo, None)
            if n is None:
                return
            started = time.perf_counter()
            try:
                client.predict(questions[n % len(questions)], api_name="/ask")
            except Exception as error:  # counted by kind: the bench reports, never stops
                with lock:
                    errors["busy" if "queue" in str(error).lower() else type(error).__name__] += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": latencies[max(0, round(0.95 * len(latencies)) - 1)] if latencies else float("nan"),
        "rate": len(latencies) / wall,
        "errors": dict(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=48, help="questions per concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    questions = [q.question for q in select(load_questions(default_questions_path()), "all")]
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant.open(Path(tmp) / "store")
        assistant.ingest([default_corpus_path()])
        assistant.warm()
        port = _free_port()
        app = serve(create_app(assistant), port=port, block=False)
        url = f"http://127.0.0.1:{port}/"
        try:
            run(url, questions, 4, 1)  # warm: the reader, the cross-encoder, the client
            rows = {c: run(url, questions, args.requests, c) for c in args.concurrency}
        finally:
            app.close()
    limit = assistant.settings.concurrency
    print(f"/ask over the bundled corpus, {args.requests} questions per row, limit {limit}\n")
    print(f"{'concurrency':<13}{'p50':>9}{'p95':>9}{'answers/s':>11}  errors")
    for c, row in rows.items():
        p50, p95, rate = float(row["p50"]), float(row["p95"]), float(row["rate"])  # type: ignore[arg-type]
        print(f"{c:<13}{p50:>8.2f}s{p95:>8.2f}s{rate:>11.2f}  {row['errors'] or 0}")
    if 1 in rows and len(rows) > 1:
        base = float(rows[1]["p50"])  # type: ignore[arg-type]
        for c, row in rows.items():
            if c != 1:
                ratio = float(row["p95"]) / base  # type: ignore[arg-type]
                print(f"\np95 at concurrency {c} / p50 at concurrency 1: {ratio:.2f}x")


if __name__ == "__main__":
    main()
