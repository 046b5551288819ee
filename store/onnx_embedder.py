"""The bundled MiniLM through ONNX Runtime for questions, so an answer needs no transformers.

Importing sentence-transformers (with transformers) and loading the model take about 3.5 s
of a cold ``citeqa ask``; ONNX Runtime and the ``tokenizers`` library load the same model in
0.3 s and embed a question in 3 ms. The ONNX file is exported from the sentence-transformers
model by this project (``torch.onnx.export``: the encoder, mean pooling and normalisation,
as sentence-transformers computes them) the first time the model runs, into a cache folder,
and used from then on. Its vectors match the original to 1e-6
(``tests/store/test_onnx_embedder.py`` checks them and the retrieval they give).

Ingest batches still run through sentence-transformers: it is loaded for them anyway.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import warnings
from pathlib import Path
from typing import Any

from store.embedder import FEW_TEXTS, SentenceTransformerEmbedder, bundled_model_path

logger = logging.getLogger(__name__)

_MAX_TOKENS = 256  # MiniLM's window, as sentence-transformers truncates


def default_cache() -> Path:
    """``$XDG_CACHE_HOME/citeqa`` (``~/.cache/citeqa``): where exported models are kept."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "citeqa"


def export_path(model_path: Path, cache: Path) -> Path:
    """Where the ONNX export of the model at ``model_path`` is kept (one per weights file)."""
    weights = sorted(model_path.glob("*.safetensors")) + sorted(model_path.glob("*.bin"))
    stamp = f"{model_path.resolve()}|" + "|".join(f"{p.name}:{p.stat().st_size}" for p in weights)
    key = hashlib.sha1(stamp.encode("utf-8")).hexdigest()[:12]
    return cache / f"{model_path.name}-{key}.onnx"


def export(model: Any, out: Path) -> None:
    """Write ``model`` (a loaded SentenceTransformer) as one ONNX graph: ids -> unit vector."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    encoder = model[0].auto_model.eval()
    tokens = model.tokenizer(
        ["a question", "a longer question here"], padding=True, return_tensors="pt"
    )
    inputs = (tokens["input_ids"], tokens["attention_mask"], tokens["token_type_ids"])
    names = ["input_ids", "attention_mask", "token_type_ids"]
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(f".{os.getpid()}.part")
    # The TorchScript exporter, on purpose: the newer one needs onnxscript, which is not here,
    # and this graph (a BERT encoder) has no control flow. Its deprecation warning is noise.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(encoder),
            inputs,
            str(partial),
            input_names=names,
            output_names=["embedding"],
            dynamic_axes={
                **{n: {0: "batch", 1: "tokens"} for n in names},
                "embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
    partial.replace(out)  # whole or not at all: another process may be reading the cache


class _Session:
    """An ONNX Runtime session and the model's own fast tokenizer."""

    def __init__(self, onnx_file: Path, model_path: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # a question's tiny matrices: one thread is fastest
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: list[str]) -> list[list[float]]:
        import numpy

        encodings = self._tokenizer.encode_batch(texts)
        feed = {
            "input_ids": numpy.array([e.ids for e in encodings], dtype=numpy.int64),
            "attention_mask": numpy.array([e.attention_mask for e in encodings], dtype=numpy.int64),
            "token_type_ids": numpy.array([e.type_ids for e in encodings], dtype=numpy.int64),
        }
        vectors = self._session.run(None, feed)[0]
        return [[float(x) for x in row] for row in vectors]


class FastEmbedder:
    """all-MiniLM-L6-v2: questions through ONNX Runtime, batches through sentence-transformers.

    Before the export exists, everything goes through sentence-transformers, which writes
    the export on its first use; a failed export is logged and changes nothing else.
    """

    dim = 384

    def __init__(self, model_path: Path | None = None, cache: Path | None = None) -> None:
        self._model_path = model_path
        self._cache = cache or default_cache()
        self._full = SentenceTransformerEmbedder(model_path)
        self.name = self._full.name
        self._session: _Session | None = None
        self._lock = threading.Lock()
        self._tried = False  # the export was attempted (or is not wanted) in this process
        self._broken = False  # the export exists and cannot be loaded

    @property
    def uses_onnx(self) -> bool:
        return self._session is not None

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        if len(texts) <= FEW_TEXTS:  # a question: ONNX Runtime
            session = self._onnx()
            if session is not None:
                return session.embed(texts)
        vectors = self._full.embed(texts)
        self._export_once()
        return vectors

    def count_tokens(self, text: str) -> int:
        return self._full.count_tokens(text)

    def _path(self) -> Path:
        return self._model_path or bundled_model_path()

    def _onnx(self) -> _Session | None:
        with self._lock:
            if self._session is None and not self._broken:
                target = export_path(self._path(), self._cache)
                if target.is_file():
                    try:
                        self._session = _Session(target, self._path())
                    except Exception as error:  # a broken cache file: fall back, say why
                        logger.warning("cannot use the ONNX model %s: %s", target, error)
                        self._broken = self._tried = True
            return self._session

    def _export_once(self) -> None:
        with self._lock:
            if self._tried:
                return
            self._tried = True
            target = export_path(self._path(), self._cache)
            if target.is_file():
                return
            try:
                export(self._full.model(), target)
            except Exception as error:  # optional speed-up: never fail an ingest for it
                logger.warning("could not export the ONNX model to %s: %s", target, error)
