"""Shared fixtures: the bundled corpus, and assistants over real or fake embedders."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from rag import Assistant, load_settings
from store.embedder import HashingEmbedder

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def make_fake_assistant(tmp_path: Path) -> Callable[..., Assistant]:
    """An assistant on a real Chroma store in tmp_path, with the fast hashing embedder."""

    def make(**overrides: object) -> Assistant:
        settings = load_settings(store=tmp_path / "store", **overrides)
        return Assistant.open(settings=settings, embedder=HashingEmbedder())

    return make


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The real embedding model and a real Chroma store holding the bundled corpus."""
    store = tmp_path_factory.mktemp("real") / "store"
    assistant = Assistant.open(store=store)
    report = assistant.ingest([CORPUS])
    assert len(report.added) == 5, report.summary()
    return assistant
