"""The ONNX export of MiniLM: made on first use, then questions skip transformers entirely.

Kept only if retrieval agrees with the sentence-transformers model: the top-5 chunks for
the bundled questions must overlap by at least 0.98.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.questions import default_questions_path, load_questions
from rag import Assistant
from store.chroma_store import ChunkStore
from store.embedder import SentenceTransformerEmbedder, bundled_model_path
from store.onnx_embedder import FastEmbedder, export_path

pytestmark = pytest.mark.slow

QUESTION = "Which road is used to supply food to Aleppo?"


def test_the_export_is_made_once_and_then_answers_questions(tmp_path: Path) -> None:
    first = FastEmbedder(cache=tmp_path)
    reference = first.embed([QUESTION])[0]  # no export yet: sentence-transformers
    assert not first.uses_onnx
    assert export_path(bundled_model_path(), tmp_path).is_file()

    later = FastEmbedder(cache=tmp_path)  # as the next process would
    vector = later.embed([QUESTION])[0]

    assert later.uses_onnx
    assert later._full._model is None  # transformers never loaded for a question
    assert vector == pytest.approx(reference, abs=1e-5)
    batch = later.embed([f"Sentence number {n} of a batch." for n in range(20)])
    assert len(batch) == 20 and later._full._model is not None


def test_a_broken_export_falls_back_to_sentence_transformers(tmp_path: Path) -> None:
    target = export_path(bundled_model_path(), tmp_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"not an onnx model")

    embedder = FastEmbedder(cache=tmp_path)

    assert len(embedder.embed([QUESTION])[0]) == 384
    assert not embedder.uses_onnx


def test_retrieval_agrees_with_the_original_model(
    real_assistant: Assistant, tmp_path: Path
) -> None:
    original = SentenceTransformerEmbedder()
    onnx = FastEmbedder(cache=tmp_path)
    onnx.embed(["warm up"])  # writes the export
    store = ChunkStore.open(Path(real_assistant.settings.store), embed_model=original.name)
    questions = [q.question for q in load_questions(default_questions_path())]
    overlaps = []
    for question in questions:
        a = {c.chunk_id for c, _ in store.nearest(original.embed([question])[0], 5)}
        b = {c.chunk_id for c, _ in store.nearest(onnx.embed([question])[0], 5)}
        overlaps.append(len(a & b) / 5)
    assert onnx.uses_onnx
    assert sum(overlaps) / len(overlaps) >= 0.98
