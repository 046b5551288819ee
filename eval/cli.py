"""``citeqa eval``: arguments and the command itself."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from eval.asking import Progress
from eval.check import check_questions
from eval.compare import Comparison, compare, load_results, regressions, render_comparison
from eval.harness import default_corpus_path, run_eval, write_results
from eval.judge import JUDGE_KINDS, Judge, build_judge
from eval.questions import default_questions_path
from eval.report import render_report
from eval.squad import write_eval_set
from eval.sweep import parse_axes, run_sweep, write_sweep_json
from eval.sweep_report import render_sweep_html, render_sweep_table
from eval.table import render
from rag import EvalError

DEFAULT_BASELINE = Path(__file__).resolve().parent / "baseline.json"


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=None, help="folder (default: bundled)")
    parser.add_argument("--questions", type=Path, default=None, help="JSONL question file")
    parser.add_argument(
        "--squad",
        type=Path,
        metavar="FILE",
        help="a SQuAD-format JSON file instead of --corpus/--questions: each paragraph becomes "
        "a file and each question joins the set (written to OUT/squad/)",
    )
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
        nargs="?",
        const=DEFAULT_BASELINE,
        type=Path,
        metavar="FILE",
        help=f"also write the results to FILE (default {DEFAULT_BASELINE.name}); a deliberate, "
        "reviewed change",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="ask N questions at once (default 1); a conversation's turns stay in order on "
        "one worker and the results are the same as with 1. Latency is timed per call, so "
        "with N > 1 it includes waiting for the other jobs (CPU, the shared embedding model) "
        "and is not comparable with a --jobs 1 run. The judge also makes N calls at once",
    )
    parser.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="score every combination of these values (repeat for more settings, e.g. "
        "--sweep top_k=3,5,8 --sweep hybrid=on,off); ingests once per chunking setting "
        "(max_chunk_tokens, window) and writes sweep.json and sweep.html to --out. "
        "Not with --compare, --write-baseline, --fail-under or --max-drop",
    )
    judge = parser.add_argument_group(
        "LLM judge",
        "advisory scores from llama-index's FaithfulnessEvaluator (0-1) and "
        "CorrectnessEvaluator (1-5 against the gold facts), reported beside the deterministic "
        "figures and never gated. Abstentions are not judged; a judge failure is 'unscorable', "
        "never a zero.",
    )
    judge.add_argument(
        "--judge", choices=JUDGE_KINDS, help="backend of the judge model (default: no judge)"
    )
    judge.add_argument("--judge-url", help="judge server URL (default: the llm_url setting)")
    judge.add_argument("--judge-model", help="judge model name (default: the llm_model setting)")
    judge.add_argument(
        "--judge-timeout", type=float, help="seconds per judge call (default: llm_timeout)"
    )
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


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    return parse_overrides(args.set) | ({"llm": args.llm} if args.llm else {})


def _judge(args: argparse.Namespace) -> Judge | None:
    if not args.judge:
        return None
    return build_judge(
        args.judge,
        url=args.judge_url,
        model=args.judge_model,
        timeout=args.judge_timeout,
        overrides=_overrides(args),
        concurrency=args.jobs,
    )


class _Bars:
    """tqdm bars on stderr, one per pass (questions, the judge, each sweep combination)."""

    def __init__(self, hidden: bool) -> None:
        self._hidden = hidden
        self._open: list[Any] = []

    def __call__(self, description: str = "") -> Progress | None:
        """A progress callback whose bar appears with its first step."""
        if self._hidden:
            return None
        bar: Any = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                from tqdm import tqdm

                bar = tqdm(
                    total=total, unit="q", desc=description or None, file=sys.stderr, leave=False
                )
                self._open.append(bar)
            bar.update(1)
            if done == total:
                bar.close()

        return progress

    def close(self) -> None:
        for bar in self._open:
            bar.close()


def _squad(args: argparse.Namespace) -> None:
    """Turn --squad FILE into --corpus and --questions (written under --out)."""
    if args.corpus or args.questions:
        raise EvalError("--squad replaces --corpus and --questions; give one or the other")
    args.corpus, args.questions = write_eval_set(args.squad, args.out / "squad")


def run_eval_command(args: argparse.Namespace) -> int:
    if args.squad:
        _squad(args)
    if args.check_questions:
        return run_check_command(args)
    if args.sweep:
        return run_sweep_command(args)
    judge = _judge(args)
    bars = _Bars(args.no_progress)
    try:
        run = run_eval(
            args.corpus or default_corpus_path(),
            args.questions or default_questions_path(),
            split=args.split,
            overrides=_overrides(args),
            progress=bars(),
            jobs=args.jobs,
            judge=judge,
            judge_progress=bars("judge") if judge else None,
        )
    finally:
        bars.close()
    path = write_results(run, args.out)
    print(render(run))
    print(f"\nresults: {path}")
    if args.write_baseline:
        args.write_baseline.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        print(f"baseline written: {args.write_baseline}")
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


SWEEP_CONFLICTS = {
    "compare": "--compare",
    "write_baseline": "--write-baseline",
    "fail_under": "--fail-under",
    "max_drop": "--max-drop",
}


def run_sweep_command(args: argparse.Namespace) -> int:
    """Score every combination of the --sweep values; write sweep.json and sweep.html."""
    given = [flag for name, flag in SWEEP_CONFLICTS.items() if getattr(args, name)]
    if given:
        raise EvalError(
            f"--sweep cannot be combined with {given[0]}: a sweep compares settings with each "
            "other; gate or baseline the chosen settings in a run without --sweep"
        )
    base = _overrides(args)
    axes = parse_axes(args.sweep, base)
    bars = _Bars(args.no_progress)
    started = time.perf_counter()
    try:
        result = run_sweep(
            args.corpus or default_corpus_path(),
            args.questions or default_questions_path(),
            axes,
            split=args.split,
            base=base,
            jobs=args.jobs,
            judge=_judge(args),
            progress_for=bars,
        )
    finally:
        bars.close()
    path = write_sweep_json(result, args.out)
    page = args.out / "sweep.html"
    page.write_text(render_sweep_html(result), encoding="utf-8")
    print(render_sweep_table(result))
    print(f"\nsweep: {path}\nchart: {page}\n({time.perf_counter() - started:.0f} s)")
    return 0
