"""The ``citeqa`` command line: ingest, ask, ui, eval. A thin face over ``rag.Assistant``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rag import (
    Answer,
    Assistant,
    CiteqaError,
    IngestReport,
    Settings,
    SettingsError,
    StoreError,
    load_settings,
)
from rag.assistant import check_question
from rag.backends import BACKENDS
from rag.extractive import quote

EXIT_USER_ERROR = 2


def _add_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, help="store folder (default: .citeqa or settings)")
    parser.add_argument(
        "--collection",
        metavar="NAME",
        help="a separate set of documents in the store (default: citeqa or settings)",
    )


def add_llm_arguments(parser: argparse.ArgumentParser) -> None:
    """--llm and friends; unset flags leave citeqa.toml / CITEQA_* in charge."""
    parser.add_argument("--llm", choices=BACKENDS, help="answer backend (default: extractive)")
    parser.add_argument("--llm-url", help="server URL for the openai or ollama backend")
    parser.add_argument("--llm-model", help="model name on that server")
    parser.add_argument("--llm-gguf", type=Path, help="GGUF file for the llamacpp backend")


def llm_overrides(args: argparse.Namespace) -> dict[str, Any]:
    values = {
        "llm": getattr(args, "llm", None),
        "llm_url": getattr(args, "llm_url", None),
        "llm_model": getattr(args, "llm_model", None),
        "llm_gguf": getattr(args, "llm_gguf", None),
    }
    return {k: v for k, v in values.items() if v is not None}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citeqa", description="Answers from your documents, with exact citations."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add or update files and folders in the store")
    ingest.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, folders (PDF, Word, HTML, Markdown, text)"
    )
    _add_store(ingest)
    ingest.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    ingest.set_defaults(run=run_ingest)

    check = commands.add_parser(
        "check", help="look for chunks a killed ingest left behind; --repair removes them"
    )
    _add_store(check)
    check.add_argument("--repair", action="store_true", help="fix what is found")
    check.set_defaults(run=run_check)

    ask = commands.add_parser("ask", help="ask a question of the ingested documents")
    ask.add_argument("question", help="the question, in quotes")
    _add_store(ask)
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    add_llm_arguments(ask)
    ask.set_defaults(run=run_ask)

    ui = commands.add_parser("ui", help="serve the chat page")
    _add_store(ui)
    ui.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    ui.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    ui.add_argument("--ingest", nargs="*", metavar="PATH", help="ingest these paths first")
    ui.add_argument(
        "--auth",
        metavar="USER:PASS",
        help="require this login (Gradio's login page); also read from CITEQA_UI_AUTH",
    )
    add_llm_arguments(ui)
    ui.set_defaults(run=run_ui)

    from eval.cli import add_eval_arguments

    collections = commands.add_parser(
        "collections", help="list the document collections in the store"
    )
    collections.add_argument(
        "--store", type=Path, help="store folder (default: .citeqa or settings)"
    )
    collections.set_defaults(run=run_collections)

    evaluate = commands.add_parser("eval", help="score answers against a question set")
    add_eval_arguments(evaluate)
    return parser


def run_ingest(args: argparse.Namespace) -> int:
    settings = load_settings(store=args.store, collection=args.collection)
    new = not Path(settings.store).exists()
    assistant = Assistant.open(settings=settings)
    bar = None if args.no_progress else _progress_bar()
    try:
        report = assistant.ingest(args.paths, progress=bar, on_wait=_say)
    finally:
        if bar is not None:
            bar.close()
    print_report(report)
    if not (report.added or report.updated or report.unchanged):
        if new:  # nothing went in: leave no empty store behind for 'ask' to find
            shutil.rmtree(settings.store, ignore_errors=True)
        return 1 if report.failed else 0
    return 0


def run_collections(args: argparse.Namespace) -> int:
    """One line per collection: its name and how many documents it holds."""
    assistant = Assistant.open(args.store, create=False)
    for name in assistant.collections():
        count = len(assistant.collection(name).documents())
        print(f"{name}\t{count} document{'s' if count != 1 else ''}")
    return 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_check(args: argparse.Namespace) -> int:
    """Exit 0 when the store is healthy (or was repaired), 1 when problems remain."""
    assistant = Assistant.open(args.store, create=False, collection=args.collection)
    report = assistant.check(repair=args.repair)
    if report.healthy:
        print(f"{assistant.settings.store}: healthy ({report.summary()})")
        return 0
    if args.repair:
        print(f"{assistant.settings.store}: repaired {report.summary()}")
        return 0
    where = assistant.settings.store
    print(f"{where}: {report.summary()}; run 'citeqa check --repair --store {where}'")
    return 1


class _progress_bar:
    """A tqdm bar on stderr that appears once there is more than one file (or a large one);
    tqdm shows files/s and the time left."""

    def __init__(self) -> None:
        self._bar: object | None = None

    def __call__(self, done: float, total: int, path: str) -> None:
        from tqdm import tqdm

        # One file shows a bar too once it reports progress inside itself (a large file).
        if self._bar is None and (total > 1 or done != int(done)):
            self._bar = tqdm(total=total, unit="file", file=sys.stderr, leave=False)
        if self._bar is not None:
            bar: Any = self._bar
            bar.set_postfix_str(Path(path).name, refresh=False)
            bar.update(done - bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()  # type: ignore[attr-defined]


def print_report(report: IngestReport) -> None:
    for label, paths in (
        ("added", report.added),
        ("updated", report.updated),
        ("removed", report.removed),
    ):
        for path in paths:
            print(f"{label:>9}  {path}")
    for failure in report.failed:
        print(f"{'failed':>9}  {failure.path}: {failure.reason}", file=sys.stderr)
    print(report.summary())


def run_ask(args: argparse.Namespace) -> int:
    assistant = Assistant.open(
        args.store, create=False, collection=args.collection, **llm_overrides(args)
    )
    check_question(args.question)
    if not assistant.documents():
        where, name = assistant.settings.store, assistant.settings.collection
        if name == Settings.model_fields["collection"].default:
            raise StoreError(
                f"the store {where} holds no documents; run 'citeqa ingest PATH --store {where}'"
            )
        raise StoreError(
            f"the collection {name} of store {where} holds no documents; run 'citeqa ingest "
            f"PATH --store {where} --collection {name}' (collections: citeqa collections)"
        )
    if args.json:
        print(json.dumps(assistant.ask(args.question).to_dict(), ensure_ascii=False, indent=2))
        return 0
    answer = None
    generative = assistant.settings.llm != "extractive"
    streamed = False
    for item in assistant.stream(args.question):
        if isinstance(item, Answer):
            answer = item
        elif generative and item:  # tokens as they arrive; the verified answer follows
            print(item, end="", flush=True)
            streamed = True
    if streamed:
        print("\n")
    if answer is not None:
        print(format_answer(answer))
    return 0


def format_answer(answer: Answer) -> str:
    """The answer, unsupported sentences flagged, then each citation with its report."""
    lines = [answer.text]
    unsupported = [s for s in answer.sentences if not s.supported]
    for sentence in unsupported:
        lines.append(f"  UNSUPPORTED: {sentence.text!r} ({sentence.reason})")
    if answer.notice:
        lines.append(f"  note: {answer.notice}")
    if answer.citations:
        lines.append("")
    for c in answer.citations:
        report = " · ".join(x for x in (c.title, c.outlet, c.date) if x)
        page = f" (p. {c.page})" if c.page is not None else ""
        lines.append(f"[{c.n}] {c.source}:{c.start}-{c.end}{page}")
        if report:
            lines.append(f"    {report}")
        lines.append(f"    {quote(c.quote)}")  # in quotation marks, not doubled ones
    return "\n".join(lines)


def run_ui(args: argparse.Namespace) -> int:
    from ui.app import launch

    _check_port(args.host, args.port)  # before minutes of ingest and model loading
    assistant = Assistant.open(args.store, collection=args.collection, **llm_overrides(args))
    if args.ingest:
        print_report(assistant.ingest(args.ingest, progress=_progress_bar()))
    print("Loading the models ...", file=sys.stderr, flush=True)
    assistant.warm()
    try:
        launch(assistant, host=args.host, port=args.port, auth=parse_auth(args.auth))
    except OSError as error:
        if "empty port" not in str(error) and "address already in use" not in str(error):
            raise
        raise SettingsError(
            f"port {args.port} is in use; choose another with --port (PORT=... for make run)"
        ) from error
    return 0


def _check_port(host: str, port: int) -> None:
    import errno
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise SettingsError(f"cannot serve on {host}:{port}: {error.strerror}") from error
            raise SettingsError(
                f"port {port} is in use; choose another with --port (PORT=... for make run)"
            ) from error


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``USER:PASS`` (from --auth or CITEQA_UI_AUTH) as Gradio's auth pair."""
    value = value if value is not None else os.environ.get("CITEQA_UI_AUTH")
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise SettingsError("--auth expects USER:PASS with both parts non-empty")
    return user, password


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.INFO if args.verbose else logging.WARNING
    handler = logging.StreamHandler()
    # The level sits on the handler too: some libraries force their loggers to DEBUG.
    handler.setLevel(level)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", handlers=[handler]
    )
    _quiet_libraries(args.verbose)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CiteqaError as error:
        print(f"citeqa: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("citeqa: interrupted", file=sys.stderr)
        return 130


def _quiet_libraries(verbose: bool) -> None:
    """Keep third-party progress bars and chatter off the user's terminal."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    if not verbose:
        for name in ("chromadb", "httpx", "llama_index", "sentence_transformers"):
            logging.getLogger(name).setLevel(logging.ERROR)


if __name__ == "__main__":
    sys.exit(main())
