"""The reader: which retrieved sentence answers, which span of it is the short answer, and
whether the documents answer at all.

Two logistic regressions, fitted by ``python -m bench.fit_reader`` on labelled public QA data
(SQuAD 2.0) and the bundled train half, ship as ``rag/models/reader.json``:

- the span model scores each entity or noun phrase of a sentence as the answer, from its
  type crossed with the question's shape ("how many" x CARDINAL) and where it stands;
- the sentence model scores each sentence as holding the answer, from similarity, coverage
  of the question's words, missing names, the best span and the like
  (``rag.features``).

When the file also holds a rescoring model, the few best sentences are read again with a
cross-encoder (``rag.cross_encoder``): a third logistic regression over the first reading's
logit and the cross-encoder's gives their final probability.

The answer is abstained from when no sentence's probability reaches the fitted threshold.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lang import Span
from rag.cross_encoder import PairScorer
from rag.features import distinctive_terms, sentence_features, span_candidates, span_features
from rag.question import Query
from rag.types import Passage
from store.errors import SettingsError

DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "reader.json"
# The rescoring model's two features: the first reading's logit and the cross-encoder's.
READER = "reader"
CROSS_ENCODER = "cross_encoder"
LemmaLookup = Callable[[str], frozenset[str]]
"""The content lemmas of an ingested file, by source."""


@dataclass(frozen=True)
class LinearModel:
    """A fitted logistic regression: ``sigmoid(bias + sum(w * (x - mean) / scale))``.

    Kept as plain weights rather than a pickled scikit-learn estimator: the file is small,
    readable JSON that loads in any version, and scoring is one dot product.
    """

    weights: dict[str, float]
    bias: float = 0.0
    means: dict[str, float] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)

    def probability(self, features: Mapping[str, float]) -> float:
        logit = self.bias
        for name, value in features.items():
            weight = self.weights.get(name)
            if weight:
                logit += weight * (value - self.means.get(name, 0.0)) / self.scales.get(name, 1.0)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "weights": self.weights,
            "bias": self.bias,
            "means": self.means,
            "scales": self.scales,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearModel:
        return cls(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            bias=float(data.get("bias", 0.0)),
            means={str(k): float(v) for k, v in data.get("means", {}).items()},
            scales={str(k): float(v) for k, v in data.get("scales", {}).items()},
        )


def _logit(probability: float) -> float:
    clipped = min(max(probability, 1e-9), 1 - 1e-9)
    return math.log(clipped / (1 - clipped))


@dataclass(frozen=True)
class Reading:
    """A retrieved sentence as the reader sees it."""

    passage: Passage
    probability: float  # that the sentence holds the answer
    span: Span | None  # its likeliest short answer, if any
    span_probability: float
    features: dict[str, float]


@dataclass(frozen=True)
class Reader:
    """The fitted span and sentence models, and the cut under which the answer abstains."""

    spans: LinearModel
    sentences: LinearModel
    threshold: float
    short_threshold: float  # least span probability for a short answer to lead the answer
    about: dict[str, Any] = field(default_factory=dict)  # what it was fitted on, and scores
    rescore: LinearModel | None = None  # over READER and CROSS_ENCODER, for the best few
    rescore_top: int = 0  # how many of the best sentences the cross-encoder reads
    first_threshold: float | None = None  # the cut for the first reading alone (no rescoring)

    def without_rescoring(self) -> Reader:
        """The first reading alone, with its own threshold (faster: no cross-encoder)."""
        if self.rescore is None:
            return self
        threshold = self.threshold if self.first_threshold is None else self.first_threshold
        return replace(self, rescore=None, rescore_top=0, threshold=threshold)

    @classmethod
    def load(cls, path: Path | None = None) -> Reader:
        path = path or DEFAULT_MODEL
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                spans=LinearModel.from_dict(data["spans"]),
                sentences=LinearModel.from_dict(data["sentences"]),
                threshold=float(data["threshold"]),
                short_threshold=float(data["short_threshold"]),
                about=dict(data.get("about", {})),
                rescore=LinearModel.from_dict(data["rescore"]) if data.get("rescore") else None,
                rescore_top=int(data.get("rescore_top", 0)),
                first_threshold=data.get("first_threshold"),
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise SettingsError(
                f"reader model {path} cannot be read ({error}); "
                "refit it with python -m bench.fit_reader"
            ) from error

    def save(self, path: Path) -> None:
        data = {
            "threshold": self.threshold,
            "short_threshold": self.short_threshold,
            "spans": self.spans.to_dict(),
            "sentences": self.sentences.to_dict(),
            "about": self.about,
            "rescore": self.rescore.to_dict() if self.rescore else None,
            "rescore_top": self.rescore_top,
            "first_threshold": self.first_threshold,
        }
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    def read(
        self,
        query: Query,
        passages: list[Passage],
        lemmas: LemmaLookup,
        scorer: PairScorer | None = None,
    ) -> list[Reading]:
        """Every passage read against ``query``, the likeliest answer first.

        Ties keep retrieval order. With a rescoring model, ``scorer`` (the cross-encoder)
        reads the ``rescore_top`` best again; the rest stay below them.
        """
        distinctive = distinctive_terms(query, passages)
        readings = [self._read_one(query, p, lemmas, distinctive) for p in passages]
        readings.sort(key=lambda r: r.probability, reverse=True)
        if self.rescore is None:
            return readings
        if scorer is None:
            raise SettingsError("this reader rescores with a cross-encoder, and none was given")
        return self._rescored(query, readings, scorer, self.rescore)

    def _rescored(
        self, query: Query, readings: list[Reading], scorer: PairScorer, model: LinearModel
    ) -> list[Reading]:
        top, rest = readings[: self.rescore_top], readings[self.rescore_top :]
        question = f"{query.message} {query.context}".strip()
        logits = scorer.score(question, [r.passage.chunk.text for r in top])
        rescored = []
        for reading, logit in zip(top, logits, strict=True):
            features = reading.features | {
                READER: _logit(reading.probability),
                CROSS_ENCODER: logit,
            }
            rescored.append(
                replace(reading, probability=model.probability(features), features=features)
            )
        rescored.sort(key=lambda r: r.probability, reverse=True)
        floor = rescored[-1].probability if rescored else 0.0
        return rescored + [replace(r, probability=min(r.probability, floor)) for r in rest]

    def _read_one(
        self,
        query: Query,
        passage: Passage,
        lemmas: LemmaLookup,
        distinctive: dict[str, float],
    ) -> Reading:
        chunk = passage.chunk
        scored = [
            (self.spans.probability(span_features(query, chunk, span)), span)
            for span in span_candidates(query, chunk)
        ]
        best_probability, best = max(scored, key=lambda s: s[0], default=(0.0, None))
        features = sentence_features(
            query, passage, lemmas(chunk.source), best_probability, len(scored), distinctive
        )
        return Reading(
            passage, self.sentences.probability(features), best, best_probability, features
        )
