"""``citeqa ask --llm ...`` as a real subprocess against a scripted server on loopback.

Each subprocess loads the real embedding model (several seconds), so there are only three:
one ingest and two questions.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.llm_servers import ScriptedServer, serve, unused_port, written

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

REPORT = (
    "Corridors open in Aleppo\n\n"
    "MOSCOW, July 29 (TASS). Russian officials said that four humanitarian corridors would "
    "open in Aleppo. The corridors are meant for civilians who want to leave the city.\n"
)
QUESTION = "How many humanitarian corridors would open in Aleppo?"
SUPPORTED = "Four humanitarian corridors would open in Aleppo"
INVENTED = "The corridors opened on September 14 with 5,000 tanks"


def citeqa(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ui.cli`` in ``cwd``, offline, with no CITEQA_* settings leaking in."""
    env = os.environ | {"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    env = {k: v for k, v in env.items() if not k.startswith("CITEQA_")}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store (in its own working folder) holding one short report."""
    work = tmp_path_factory.mktemp("cli-llm")
    (work / "corridors.txt").write_text(REPORT, encoding="utf-8")
    result = citeqa("ingest", "corridors.txt", "--store", "store", "--no-progress", cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "store"


@pytest.fixture
def openai_server() -> Iterator[ScriptedServer]:
    with serve("openai", written((SUPPORTED, "four humanitarian"), (INVENTED, "four"))) as server:
        yield server


def test_ask_streams_the_answer_and_flags_the_invented_sentence(
    store: Path, openai_server: ScriptedServer
) -> None:
    result = citeqa(
        "ask",
        QUESTION,
        "--store",
        store,
        "--llm",
        "openai",
        "--llm-url",
        openai_server.url,
        "--llm-model",
        "m",
        cwd=store.parent,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    (request,) = openai_server.requests
    assert request.stream and request.body["model"] == "m"
    scripted = written((SUPPORTED, "four humanitarian"), (INVENTED, "four"))(request.prompt)
    lines = result.stdout.splitlines()
    assert lines[0] == scripted  # the streamed text comes first, as the model wrote it
    flagged = [line for line in lines if "UNSUPPORTED:" in line]
    assert len(flagged) == 1
    assert f"'{INVENTED}.'" in flagged[0]
    assert "is not in the cited passage" in flagged[0]
    assert not any(line.strip().startswith("note:") for line in lines)
    assert any(line.startswith("[1] ") and "corridors.txt:" in line for line in lines)


def test_ask_with_a_refused_server_falls_back_with_a_note(store: Path) -> None:
    url = f"http://127.0.0.1:{unused_port()}/v1"
    result = citeqa(
        "ask",
        QUESTION,
        "--store",
        store,
        "--llm",
        "openai",
        "--llm-url",
        url,
        "--llm-model",
        "m",
        cwd=store.parent,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    notes = [line for line in result.stdout.splitlines() if line.strip().startswith("note:")]
    assert len(notes) == 1
    assert url in notes[0] and "model m" in notes[0] and "extractive" in notes[0]
    assert "[1]" in result.stdout  # the extractive answer, with its citation
    assert "UNSUPPORTED:" not in result.stdout
