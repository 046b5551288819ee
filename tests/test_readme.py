"""The README, checked: its code blocks run and print what their comments say, its commands
parse, and its tables and stated defaults match the code."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import time
import tomllib
from pathlib import Path

import pytest

from rag import Settings, supported_suffixes
from rag.assistant import MAX_QUESTION_CHARS
from tests.llm_servers import unused_port
from ui.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CITEQA = Path(sys.executable).with_name("citeqa")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def checked(code: str) -> str:
    """``code`` with each top-level ``print(X)  # expected`` turned into a check of X."""
    lines = []
    for line in code.splitlines():
        match = re.fullmatch(r"print\((.*)\)\s+#\s+(.*)", line)
        lines.append(f"_expect({match[1]}, {match[2]!r})" if match else line)
    return "\n".join(lines)


# Run before the README's Python: compares a printed value with the comment beside it. A
# comment with "..." holds the pieces the value shows, in order (the rest is elided).
EXPECT = textwrap.dedent(
    """
    import ast

    def _expect(value, comment):
        try:
            wanted = ast.literal_eval(comment)
        except (ValueError, SyntaxError):
            raise AssertionError(f"not a literal: {comment}")
        if isinstance(wanted, str) and "..." in wanted:
            pieces = [p.strip(" ,") for p in wanted.split("...")]
            text, at = str(value), 0
            for piece in pieces:
                found = text.find(piece, at)
                assert found >= 0, f"{piece!r} not in {text!r}"
                at = found + len(piece)
            assert text.startswith(pieces[0]), text
        else:
            assert value == wanted, f"{value!r} != {wanted!r}"
        print("checked:", comment)
    """
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a copy of the bundled corpus, as a fresh clone has it."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    return folder


def run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.slow
def test_the_python_examples_run_and_print_what_they_say(workdir: Path) -> None:
    examples = [b for b in blocks("python") if "gradio_client" not in b]
    assert len(examples) == 2
    program = EXPECT + "\n".join(checked(b) for b in examples)
    done = run([sys.executable, "-c", program], workdir)
    assert done.returncode == 0, done.stderr[-3000:]
    expected = sum(
        bool(re.fullmatch(r"print\(.*\)\s+#.*", line)) for b in examples for line in b.splitlines()
    )
    assert done.stdout.count("checked:") == expected >= 5


@pytest.mark.slow
@pytest.mark.e2e
def test_the_http_api_example_runs_against_the_page(workdir: Path) -> None:
    (example,) = [b for b in blocks("python") if "gradio_client" in b]
    store = workdir / "api-store"
    assert run([str(CITEQA), "ingest", "corpus", "--store", str(store)], workdir).returncode == 0
    port = unused_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    page = subprocess.Popen(
        [str(CITEQA), "ui", "--store", str(store), "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        assert page.stdout is not None
        for line in page.stdout:
            if "citeqa is ready" in line or time.monotonic() > deadline:
                break
        code = example.replace("http://127.0.0.1:7860/", f"http://127.0.0.1:{port}/")
        done = run([sys.executable, "-c", code], workdir)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Castello Road" in done.stdout
    finally:
        page.terminate()
        page.wait(timeout=30)


def shell_commands(block: str) -> list[list[str]]:
    """The commands of a shell block, without comments and leading VAR=value settings."""
    commands = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            words = words[1:]
        if words:
            commands.append(words)
    return commands


def test_every_citeqa_command_in_the_readme_parses() -> None:
    commands = [c for b in blocks("sh") for c in shell_commands(b) if c[0] == "citeqa"]
    assert len(commands) >= 8
    parser = build_parser()
    for command in commands:
        parser.parse_args([os.path.expanduser(w) for w in command[1:]])


def test_every_benchmark_named_exists() -> None:
    modules = [c[2] for b in blocks("sh") for c in shell_commands(b) if c[:2] == ["python", "-m"]]
    assert len(modules) >= 5
    for module in modules:
        assert importlib.util.find_spec(module) is not None, module


def test_the_two_commands_exist_in_the_makefile() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (two,) = [b for b in blocks("sh") if "make run" in b]
    assert [c[:2] for c in shell_commands(two)] == [["make", "run"], ["make", "test"]]
    assert re.search(r"^run:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)
    for variable in ("PORT", "STORE"):  # `make run PORT=8000`, `make run STORE=mystore`
        assert f"make run {variable}=" in " ".join(README.split())
        assert re.search(rf"^{variable} \?=", makefile, re.MULTILINE)
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("make test")


@pytest.mark.slow
@pytest.mark.e2e
def test_the_tour_and_own_folder_commands_run(workdir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "minutes.md").write_text(
        "# Minutes\n\nWe decided to cut the travel budget by ten percent in May.\n",
        encoding="utf-8",
    )
    for block in blocks("sh"):
        for command in shell_commands(block):
            if command[0] != "citeqa" or command[1] not in {"ingest", "ask"}:
                continue
            if "--llm" in command:
                continue  # needs a model server: tests/ui/test_cli_llm.py runs these
            words = [w.replace("~", str(tmp_path)) for w in command]
            done = run([str(CITEQA), *words[1:]], workdir)
            assert done.returncode == 0, (command, done.stderr[-2000:])
            if "--json" in words:
                assert json.loads(done.stdout)["citations"]


def test_the_settings_example_is_valid() -> None:
    (example,) = [b for b in blocks("toml") if "citeqa.toml" in b]
    uncommented = re.sub(r"^# (\w+ = )", r"\1", example, flags=re.MULTILINE)
    values = tomllib.loads(uncommented)
    assert set(values) <= set(Settings.model_fields)
    Settings(**values)


def test_the_defaults_the_readme_states_are_the_settings_defaults() -> None:
    stated = re.findall(r"`(\w+)` \(default:? ([\d.]+)", README)
    assert len(stated) >= 3
    for name, value in stated:
        default = Settings.model_fields[name].get_default(call_default_factory=True)
        assert float(default) == float(value), name


def test_the_supported_types_are_the_readers() -> None:
    after = README.split("Supported types:", 1)[1].strip().splitlines()
    table = "\n".join(line for line in after[: next(i for i, x in enumerate(after) if not x)])
    listed = {
        s
        for cell in re.findall(r"^\| [^|]+ \| ([^|]+) \|", table, re.M)
        for s in re.findall(r"`(\.\w+)`", cell)
    }
    assert listed == set(supported_suffixes())


def test_the_question_limit_is_the_code_limit() -> None:
    assert f"Questions are limited to {MAX_QUESTION_CHARS:,} characters" in " ".join(README.split())


def test_the_rhine_figures_are_the_gated_baseline() -> None:
    row = next(line for line in README.splitlines() if 'Rhine", held-out half' in line)
    figures = [float(x) for x in re.findall(r"\| (0\.\d+) ", row + " ")]
    baseline = json.loads((ROOT / "eval" / "baseline_rhine_heldout.json").read_text())["summary"]
    keys = ["fact_recall", "source_hit_at_1", "abstention_recall", "false_abstention_rate"]
    assert figures == [round(baseline[k], 3) for k in keys]


def test_the_linked_documents_exist() -> None:
    for link in re.findall(r"\]\(((?:docs|rag|eval)/[^)#]+)\)", README):
        assert (ROOT / link).exists(), link
