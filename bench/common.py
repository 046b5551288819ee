"""Arguments and loading shared by the benchmark scripts."""

from __future__ import annotations

import argparse
from pathlib import Path

from eval.harness import default_corpus_path, select
from eval.questions import Question, default_questions_path, load_questions


def question_set_parser(description: str, split: str) -> argparse.ArgumentParser:
    """A parser with --questions, --corpus and --split (default ``split``)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--questions", type=Path, default=default_questions_path())
    parser.add_argument("--corpus", type=Path, default=default_corpus_path())
    parser.add_argument("--split", default=split, choices=["train", "test", "all"])
    return parser


def question_set(args: argparse.Namespace) -> list[Question]:
    return select(load_questions(args.questions), args.split)
