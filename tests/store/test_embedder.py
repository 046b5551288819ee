"""The real embedding model: a question on one thread, a batch on all, the same vectors."""

from __future__ import annotations

import pytest

from store.embedder import SentenceTransformerEmbedder

pytestmark = pytest.mark.slow


def test_thread_count_is_restored_and_vectors_do_not_depend_on_it() -> None:
    import torch

    embedder = SentenceTransformerEmbedder()
    before = torch.get_num_threads()
    texts = [f"The convoy reached the port on day {n}." for n in range(12)]

    one = embedder.embed(texts[:1])  # a question: one thread
    many = embedder.embed(texts)  # a batch: every thread

    assert torch.get_num_threads() == before
    assert len(many) == 12 and len(many[0]) == 384
    assert one[0] == pytest.approx(many[0], abs=1e-5)
