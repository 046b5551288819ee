"""A (question, sentence) cross-encoder: reads both together, so it sees what they share.

The model is the project's own (``bench.train_cross_encoder``: all-MiniLM-L6-v2 fine-tuned
on SQuAD 2.0 sentence pairs, see ``rag/models/cross-encoder/README.md``), stored in fp16 and
loaded on first use, offline, onto the CPU. The reader asks it about its few best
candidates only; its score is one more feature of the rescoring model.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from store.errors import SettingsError

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

DEFAULT_CROSS_ENCODER = Path(__file__).resolve().parent / "models" / "cross-encoder"


class PairScorer(Protocol):
    """The seam: a relevance score (a logit) for each (question, sentence) pair."""

    def score(self, question: str, sentences: list[str]) -> list[float]: ...


class CrossEncoderScorer:
    """sentence-transformers' ``CrossEncoder`` over a local folder."""

    def __init__(self, path: Path = DEFAULT_CROSS_ENCODER, max_length: int = 128) -> None:
        self._path = path
        self._max_length = max_length
        self._model: CrossEncoder | None = None
        self._lock = threading.Lock()

    def _load(self) -> CrossEncoder:
        with self._lock:
            if self._model is None:
                if not (self._path / "config.json").is_file():
                    raise SettingsError(
                        f"no cross-encoder in {self._path}; train one with "
                        "python -m bench.train_cross_encoder"
                    )
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                from sentence_transformers import CrossEncoder

                model = CrossEncoder(
                    str(self._path), max_length=self._max_length, device="cpu", num_labels=1
                )
                model.model.float()  # stored in fp16; the CPU computes in fp32
                self._model = model
        return self._model

    def score(self, question: str, sentences: list[str]) -> list[float]:
        if not sentences:
            return []
        model = self._load()
        from torch.nn import Identity

        with self._lock:  # one call at a time: the tokenizer is not safe to share
            logits = model.predict(
                [(question, s) for s in sentences],
                batch_size=32,
                show_progress_bar=False,
                convert_to_numpy=True,
                activation_fn=Identity(),  # the logit, not a probability: a linear feature
            )
        return [float(x) for x in logits]
