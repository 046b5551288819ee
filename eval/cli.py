"""``citeqa eval``: arguments and the command itself."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from eval.check import check_questions
from eval.harness import default_corpus_path, run_eval, write_results
from eval.questions import default_questions_path
from eval.table import render
from rag import EvalError


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=None, help="folder (default: bundled)")
    parser.add_argument("--questions", type=Path, default=None, help="JSONL question file")
    parser.add_argument("--out", type=Path, default=Path("eval-out"), help="results folder")
    parser.add_argument("--split", choices=["train", "test", "all"], default="all")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting for this run, e.g. --set top_k=8",
    )
    parser.add_argument(
        "--llm",
        choices=["extractive", "openai", "ollama", "llamacpp"],
        help="answer backend for this run (see also --set llm_url=...)",
    )
    parser.add_argument(
        "--check-questions",
        type=Path,
        metavar="FILE",
        help="only validate a question file against the corpus, one line per problem",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(run=run_eval_command)


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise EvalError(f"--set expects KEY=VALUE, got '{pair}'")
        overrides[key.strip()] = value.strip()
    return overrides


def run_check_command(args: argparse.Namespace) -> int:
    count, problems = check_questions(args.check_questions, args.corpus or default_corpus_path())
    for problem in problems:
        print(problem)
    print(f"{count} questions, {len(problems)} problem(s)")
    return 1 if problems else 0


def run_eval_command(args: argparse.Namespace) -> int:
    if args.check_questions:
        return run_check_command(args)
    from tqdm import tqdm

    bar = None if args.no_progress else tqdm(unit="q", file=sys.stderr, leave=False)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.update(1)

    try:
        run = run_eval(
            args.corpus or default_corpus_path(),
            args.questions or default_questions_path(),
            split=args.split,
            overrides=parse_overrides(args.set) | ({"llm": args.llm} if args.llm else {}),
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    path = write_results(run, args.out)
    print(render(run))
    print(f"\nresults: {path}")
    return 0
