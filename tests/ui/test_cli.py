"""The ``citeqa`` command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from rag import Assistant, SettingsError
from tests.store.test_faults import plant_old_version
from ui.cli import build_parser, format_answer, parse_auth

CITEQA = Path(sys.executable).with_name("citeqa")
QUESTION = "Which road is used to supply food to Aleppo?"


def citeqa(*args: str | Path, cwd: Path, script: bool = False) -> subprocess.CompletedProcess[str]:
    """Run citeqa (the console script, or ``python -m ui.cli``) in ``cwd``, offline."""
    command = [str(CITEQA)] if script else [sys.executable, "-m", "ui.cli"]
    env = os.environ | {"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    env = {k: v for k, v in env.items() if not k.startswith("CITEQA_")}
    return subprocess.run(
        [*command, *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def file_text(source: str, cwd: Path) -> str:
    return (cwd / source).read_bytes().decode("utf-8-sig")


def assert_one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("citeqa: error:")
    return lines[0]


# --- user errors: none of these loads the embedding model -----------------------------------------


@pytest.fixture
def empty_store(tmp_path: Path) -> Path:
    """A store that exists and holds nothing (opening one does not load the model)."""
    store = tmp_path / "empty"
    Assistant.open(store)
    return store


def test_console_script_is_installed(tmp_path: Path) -> None:
    result = citeqa("--help", cwd=tmp_path, script=True)
    assert result.returncode == 0
    for command in ("ingest", "ask", "ui", "eval"):
        assert command in result.stdout


def test_ask_with_a_missing_store(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = citeqa("ask", QUESTION, "--store", missing, cwd=tmp_path, script=True)
    line = assert_one_error_line(result)
    assert str(missing) in line
    assert "citeqa ingest" in line  # says what to do
    assert result.stdout == ""
    assert not missing.exists()


@pytest.mark.parametrize("question", ["", "   "])
def test_ask_an_empty_question(tmp_path: Path, empty_store: Path, question: str) -> None:
    result = citeqa("ask", question, "--store", empty_store, cwd=tmp_path)
    line = assert_one_error_line(result)
    assert "empty" in line


def test_ask_a_too_long_question(tmp_path: Path, empty_store: Path) -> None:
    result = citeqa("ask", "why " * 600, "--store", empty_store, cwd=tmp_path)
    assert "2000" in assert_one_error_line(result)


def test_ask_a_question_that_is_not_utf8(tmp_path: Path, empty_store: Path) -> None:
    command = [sys.executable.encode(), b"-m", b"ui.cli", b"ask", b"caf\xe9 road?"]
    result = subprocess.run(
        [*command, b"--store", str(empty_store).encode()],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("CITEQA_")}
        | {"HF_HUB_OFFLINE": "1"},
        capture_output=True,
        timeout=300,
    )
    decoded = subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )
    assert "not valid text" in assert_one_error_line(decoded)


def test_ingest_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = citeqa("ingest", missing, "--store", tmp_path / "store", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    naming = [line for line in result.stderr.splitlines() if str(missing) in line]
    assert len(naming) == 1
    assert "no such file" in naming[0]
    assert "1 failed" in result.stdout
    assert not (tmp_path / "store").exists()  # no empty store left for 'ask' to find


def test_ask_on_an_empty_store_says_to_ingest(tmp_path: Path, empty_store: Path) -> None:
    result = citeqa("ask", "Which road?", "--store", empty_store, cwd=tmp_path)
    line = assert_one_error_line(result)
    assert "holds no documents" in line and "citeqa ingest" in line


@pytest.mark.slow
def test_a_busy_port_is_one_line_naming_the_option(tmp_path: Path, empty_store: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = citeqa("ui", "--store", empty_store, "--port", port, cwd=tmp_path)
    line = assert_one_error_line(result)
    assert f"port {port} is in use" in line and "--port" in line


def test_invalid_setting_in_the_environment(tmp_path: Path, empty_store: Path) -> None:
    env_run = subprocess.run(
        [sys.executable, "-m", "ui.cli", "ask", QUESTION, "--store", str(empty_store)],
        cwd=tmp_path,
        env=os.environ | {"CITEQA_TOP_K": "lots"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "top_k" in assert_one_error_line(env_run)


def test_malformed_citeqa_toml_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "citeqa.toml").write_text("top_k = [\n", encoding="utf-8")
    result = citeqa("ask", QUESTION, "--store", tmp_path / "store", cwd=tmp_path)
    assert "citeqa.toml" in assert_one_error_line(result)


# --- the real thing: ingest the bundled corpus, then ask ------------------------------------------


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> tuple[Path, Path]:
    """A working folder holding a copy of the corpus and a store it was ingested into."""
    work = tmp_path_factory.mktemp("cli")
    corpus = work / "corpus"
    corpus.mkdir()
    for path in sorted(corpus_dir.glob("*.txt")):
        (corpus / path.name).write_bytes(path.read_bytes())
    result = citeqa("ingest", "corpus", "--store", "store", "--no-progress", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "5 added" in result.stdout
    assert result.stdout.count("added  corpus/") == 5
    return work, work / "store"


@pytest.mark.slow
def test_ingest_again_skips_unchanged_files(ingested: tuple[Path, Path]) -> None:
    work, store = ingested
    result = citeqa("ingest", "corpus", "--store", store, "--no-progress", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "0 added, 0 updated, 5 unchanged" in result.stdout
    assert "0 chunks written" in result.stdout


@pytest.mark.slow
def test_check_finds_what_a_killed_write_left_and_repair_removes_it(
    ingested: tuple[Path, Path], tmp_path: Path
) -> None:
    work, store = ingested
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    healthy = citeqa("check", "--store", copy, cwd=work)
    assert healthy.returncode == 0 and "healthy (0 orphan chunks, 0 stale chunks" in healthy.stdout

    plant_old_version(copy)
    found = citeqa("check", "--store", copy, cwd=work)
    assert found.returncode == 1, found.stderr
    assert "stale chunks" in found.stdout and "citeqa check --repair" in found.stdout
    repaired = citeqa("check", "--repair", "--store", copy, cwd=work)
    assert repaired.returncode == 0 and "repaired" in repaired.stdout, repaired.stderr
    assert citeqa("check", "--store", copy, cwd=work).returncode == 0


@pytest.mark.slow
def test_ask_json(ingested: tuple[Path, Path]) -> None:
    work, store = ingested
    result = citeqa("ask", QUESTION, "--store", store, "--json", cwd=work)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"text", "abstained", "citations"} <= data.keys()
    assert data["abstained"] is False
    assert "Castello Road" in data["text"]
    assert data["citations"]
    for citation in data["citations"]:
        assert {"n", "source", "start", "end", "quote", "score"} <= citation.keys()
        assert (
            file_text(citation["source"], work)[citation["start"] : citation["end"]]
            == (citation["quote"])
        )
    first = data["citations"][0]
    assert first["n"] == 1
    assert Path(first["source"]).name == "000_bee090b7675e03d0.txt"
    assert "Castello Road" in first["quote"]


@pytest.mark.slow
def test_ask_plain_text(ingested: tuple[Path, Path]) -> None:
    work, store = ingested
    result = citeqa("ask", QUESTION, "--store", store, cwd=work)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Castello Road" in lines[0]
    assert "[1]" in lines[0]
    marker = next(line for line in lines if line.startswith("[1] "))
    assert "corpus/000_bee090b7675e03d0.txt:" in marker
    span = marker.split()[1].rsplit(":", 1)[1]
    start, end = (int(x) for x in span.split("-"))
    quote = file_text("corpus/000_bee090b7675e03d0.txt", work)[start:end]
    assert f'    "{quote}"' in lines  # wrapped once: this sentence has no marks of its own
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


# --- citeqa ui --auth USER:PASS (parsed in-process; nothing is served) ----------------------------


@pytest.fixture
def no_auth_variable(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("CITEQA_UI_AUTH", raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("value", "pair"),
    [
        ("alice:s3cret", ("alice", "s3cret")),
        ("alice:pass:with:colons", ("alice", "pass:with:colons")),  # only the first colon splits
        ("bob: spaced pass ", ("bob", " spaced pass ")),  # kept exactly as typed
        ("ünï:çødé", ("ünï", "çødé")),
    ],
)
def test_parse_auth(
    no_auth_variable: pytest.MonkeyPatch, value: str, pair: tuple[str, str]
) -> None:
    assert parse_auth(value) == pair


@pytest.mark.parametrize("value", ["", ":", "alice", "alice:", ":s3cret", "::"])
def test_parse_auth_refuses_a_half_login(no_auth_variable: pytest.MonkeyPatch, value: str) -> None:
    with pytest.raises(SettingsError, match="USER:PASS"):
        parse_auth(value)


def test_no_auth_by_default(no_auth_variable: pytest.MonkeyPatch) -> None:
    assert parse_auth(None) is None


def test_auth_from_the_environment(no_auth_variable: pytest.MonkeyPatch) -> None:
    no_auth_variable.setenv("CITEQA_UI_AUTH", "carol:from-env")
    assert parse_auth(None) == ("carol", "from-env")
    assert parse_auth("dave:flag") == ("dave", "flag")  # the flag wins over the variable
    no_auth_variable.setenv("CITEQA_UI_AUTH", "carol")
    with pytest.raises(SettingsError, match="USER:PASS"):
        parse_auth(None)


def test_the_ui_command_takes_auth() -> None:
    args = build_parser().parse_args(["ui", "--auth", "alice:s3cret"])
    assert args.auth == "alice:s3cret"
    assert build_parser().parse_args(["ui"]).auth is None


@pytest.mark.slow
def test_collections_keep_document_sets_apart(ingested: tuple[Path, Path], tmp_path: Path) -> None:
    work, store = ingested
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "minutes.md").write_text(
        "# Minutes\n\nThe board cut the travel budget by ten percent in May.\n", encoding="utf-8"
    )
    added = citeqa("ingest", notes, "--store", copy, "--collection", "notes", cwd=work)
    assert added.returncode == 0 and "1 added" in added.stdout, added.stderr
    listed = citeqa("collections", "--store", copy, cwd=work)
    assert listed.stdout.splitlines() == ["citeqa\t5 documents", "notes\t1 document"]
    budget = "By how much did the board cut the travel budget?"
    answer = citeqa("ask", budget, "--store", copy, "--collection", "notes", "--json", cwd=work)
    sources = {Path(c["source"]).name for c in json.loads(answer.stdout)["citations"]}
    assert sources == {"minutes.md"}
    road = citeqa("ask", QUESTION, "--store", copy, "--collection", "notes", "--json", cwd=work)
    cited = {Path(c["source"]).name for c in json.loads(road.stdout)["citations"]}
    assert not cited & {p.name for p in (work / "corpus").iterdir()}  # the reports are elsewhere
    bad = citeqa("ask", budget, "--store", copy, "--collection", "no way", cwd=work)
    assert bad.returncode == 2 and "collection" in assert_one_error_line(bad)


def test_a_quote_with_marks_of_its_own_is_not_wrapped_in_more() -> None:
    from rag import Answer, Citation

    said = '"Our colleagues noted that it might be positive.'
    cited = Citation(n=1, source="a.txt", start=0, end=len(said), quote=said, score=1.0)
    plain = Citation(n=2, source="a.txt", start=0, end=9, quote="The road.", score=1.0)
    text = format_answer(Answer("q", "x [1][2]", False, citations=[cited, plain]))
    assert f"    {said}" in text.splitlines()
    assert '    "The road."' in text.splitlines()
