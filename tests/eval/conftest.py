"""Fixtures for the eval tests: the tiny set written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.eval.tiny_set import CONVERSATION_QUESTIONS, TINY_QUESTIONS, write_set


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    """Two short news files and three questions (two answerable, one not)."""
    return write_set(tmp_path, TINY_QUESTIONS)


@pytest.fixture
def tiny_conversation(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny set plus a two-turn conversation interleaved with another question."""
    return write_set(tmp_path, TINY_QUESTIONS + CONVERSATION_QUESTIONS)
