"""``citeqa eval``: arguments and the command itself."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from eval.check import check_questions
from eval.compare import Comparison, compare, load_results, regressions, render_comparison
from eval.harness import default_corpus_path, run_eval, write_results
from eval.questions import default_questions_path
from eval.report import render_report
from eval.table import render
from rag import EvalError

DEFAULT_BASELINE = Path(__file__).resolve().parent / "baseline.json"


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
    parser.add_argument(
        "--compare", type=Path, metavar="OLD", help="an earlier results.json to compare with"
    )
    parser.add_argument(
        "--fail-under",
        action="append",
        default=[],
        metavar="METRIC=FLOOR",
        help="exit 1 if METRIC is under FLOOR, e.g. --fail-under fact_recall=0.8",
    )
    parser.add_argument(
        "--max-drop",
        type=float,
        help="with --compare: exit 1 if any quality metric is worse by more than this",
    )
    parser.add_argument(
        "--write-baseline",
        action="store_true",
        help=f"also write the results to {DEFAULT_BASELINE} (a deliberate, reviewed change)",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(run=run_eval_command)


def parse_overrides(pairs: list[str], flag: str = "--set") -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise EvalError(f"{flag} expects KEY=VALUE, got '{pair}'")
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
    if args.write_baseline:
        DEFAULT_BASELINE.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        print(f"baseline written: {DEFAULT_BASELINE}")
    results = run.to_dict()
    comparison = compare(load_results(args.compare), results) if args.compare else None
    compared = render_comparison(comparison) if comparison is not None else None
    report = args.out / "report.html"
    report.write_text(render_report(results, compared), encoding="utf-8")
    print(f"report: {report}")
    if compared is not None:
        print(f"\ncompared with {args.compare}:\n{compared}")
    return _gate(args, results, comparison)


def _gate(args: argparse.Namespace, results: dict[str, Any], comparison: Comparison | None) -> int:
    try:
        floors = {k: float(v) for k, v in parse_overrides(args.fail_under, "--fail-under").items()}
    except ValueError as error:
        raise EvalError(f"--fail-under expects METRIC=NUMBER ({error})") from error
    problems = regressions(comparison, results["summary"], floors, args.max_drop)
    for problem in problems:
        print(f"REGRESSION: {problem}")
    return 1 if problems else 0
