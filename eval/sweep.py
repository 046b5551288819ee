"""``citeqa eval --sweep``: every combination of a few settings, scored in one process.

``--sweep top_k=3,5,8 --sweep hybrid=on,off`` runs the six combinations (on top of any
``--set`` overrides). The chunking settings decide what the store holds, so combinations are
grouped by them: the corpus is ingested once per group into a temporary store, and every
combination of the group opens its own ``Assistant`` over that filled store. The embedding
model is loaded once for the whole sweep.
"""

from __future__ import annotations

import difflib
import itertools
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.asking import Progress
from eval.harness import (
    EvalRun,
    Split,
    assistant_pool,
    check_jobs,
    evaluate,
    ingest_corpus,
    load_set,
    shared_embedder,
)
from eval.judge import Judge
from rag import (
    Assistant,
    Embedder,
    EvalError,
    SentenceTransformerEmbedder,
    Settings,
    SettingsError,
    load_settings,
)

CHUNKING = ("max_chunk_tokens", "window")
# Where the sweep keeps its stores, and the one model it shares: not settings to sweep.
NOT_SWEPT = {
    "store": "each chunking group gets a temporary store",
    "chroma_url": "each chunking group gets a temporary store",
    "collection": "each chunking group gets a temporary store",
    "embed_model_path": "one embedding model is shared by the whole sweep",
}

Combination = dict[str, str]


@dataclass(frozen=True)
class Axis:
    """One ``--sweep KEY=V1,V2`` flag: a setting and the values it takes."""

    name: str
    values: tuple[str, ...]


def parse_axes(specs: Sequence[str], base: dict[str, Any] | None = None) -> list[Axis]:
    """Parse and validate ``--sweep`` flags; each problem is one ``EvalError`` line.

    Args:
        specs: the flags' values, e.g. ``["top_k=3,5,8", "hybrid=on,off"]``.
        base: the run's ``--set`` overrides, which every value is validated on top of.
    """
    base = base or {}
    axes: list[Axis] = []
    for spec in specs:
        name, sep, listed = (part.strip() for part in spec.partition("="))
        if not sep or not name:
            raise EvalError(f"--sweep expects KEY=V1,V2,..., got '{spec}'")
        _check_name(name, base, [a.name for a in axes])
        values = tuple(v.strip() for v in listed.split(","))
        if not listed or not all(values):
            raise EvalError(f"--sweep {name}: empty value in '{spec}'; list values like {name}=3,5")
        repeated = next((v for v in values if values.count(v) > 1), None)
        if repeated is not None:
            raise EvalError(f"--sweep {name}: value '{repeated}' is listed twice")
        for value in values:
            try:
                load_settings(**(base | {name: value}))
            except SettingsError as error:
                raise EvalError(f"--sweep {name}={value}: {error}") from error
        axes.append(Axis(name, values))
    return axes


def _check_name(name: str, base: dict[str, Any], seen: list[str]) -> None:
    if name not in Settings.model_fields:
        close = difflib.get_close_matches(name, list(Settings.model_fields), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise EvalError(f"--sweep {name}: no such setting{hint}")
    if name in NOT_SWEPT:
        raise EvalError(f"--sweep {name}: cannot be swept ({NOT_SWEPT[name]})")
    if name in seen:
        raise EvalError(f"--sweep {name}: given twice; list all its values in one flag")
    if name in base:
        raise EvalError(f"--sweep {name}: also fixed by --set; drop one of them")


def combinations(axes: Sequence[Axis]) -> list[Combination]:
    """The cartesian product of the axes, the last axis varying fastest."""
    names = [a.name for a in axes]
    return [
        dict(zip(names, values, strict=True))
        for values in itertools.product(*(a.values for a in axes))
    ]


def label(combination: Combination) -> str:
    return " ".join(f"{k}={v}" for k, v in combination.items()) or "(settings as configured)"


def group_by_chunking(
    combos: Sequence[Combination], base: dict[str, Any] | None = None
) -> list[list[int]]:
    """Indexes of ``combos`` grouped by the chunking they store, groups in order of first use.

    The effective settings decide, so ``window=1`` and a default window of 1 share a group.
    """
    groups: dict[tuple[Any, ...], list[int]] = {}
    for index, combo in enumerate(combos):
        settings = load_settings(**((base or {}) | combo))
        groups.setdefault(tuple(getattr(settings, name) for name in CHUNKING), []).append(index)
    return list(groups.values())


@dataclass
class SweepPoint:
    """One combination and how its run went."""

    settings: Combination
    run: EvalRun


@dataclass
class SweepResult:
    axes: list[Axis]
    base: dict[str, Any]
    points: list[SweepPoint]
    ingests: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "axes": {a.name: list(a.values) for a in self.axes},
            "base": self.base,
            "ingests": self.ingests,
            "combinations": [
                {
                    "settings": p.settings,
                    "label": label(p.settings),
                    "summary": p.run.summary,
                    "by_kind": p.run.by_kind,
                    "ingest": p.run.ingest,
                    **({"judge": p.run.judge} if p.run.judge else {}),
                }
                for p in self.points
            ],
        }


ProgressFor = Callable[[str], Progress | None]


def run_sweep(
    corpus: Path,
    questions_path: Path,
    axes: Sequence[Axis],
    *,
    split: Split = "all",
    base: dict[str, Any] | None = None,
    embedder: Embedder | None = None,
    jobs: int = 1,
    judge: Judge | None = None,
    progress_for: ProgressFor | None = None,
) -> SweepResult:
    """Score every combination of ``axes``, ingesting once per chunking group.

    Args:
        corpus: folder of documents.
        questions_path: a JSONL question file.
        axes: from ``parse_axes``.
        split: which half of the question set to run.
        base: ``--set`` overrides under every combination.
        embedder: the embedding model for the whole sweep; default the settings' model.
        jobs: questions asked at once within each combination.
        judge: an LLM judge scoring every combination's answers (advisory).
        progress_for: gives the progress callback for a combination, from its label.
    """
    if not corpus.is_dir():
        raise EvalError(f"corpus folder {corpus} does not exist")
    base = base or {}
    questions = load_set(questions_path, split)
    combos = combinations(axes)
    for combo in combos:
        check_jobs(jobs, base | combo)
    model = embedder or SentenceTransformerEmbedder(load_settings(**base).embed_model_path)
    shared = shared_embedder(model, base, jobs)
    runs: dict[int, EvalRun] = {}
    groups = group_by_chunking(combos, base)
    for group in groups:
        with tempfile.TemporaryDirectory(prefix="citeqa-sweep-") as tmp:
            store = Path(tmp) / "store"
            _, report = ingest_corpus(corpus, store, base | combos[group[0]], shared)
            for index in group:
                overrides = base | combos[index]
                first = Assistant.open(store, embedder=shared, **overrides)
                progress = progress_for(label(combos[index])) if progress_for else None
                runs[index] = evaluate(
                    assistant_pool(first, store, overrides, shared, jobs),
                    questions,
                    ingest=report.summary(),
                    progress=progress,
                    judge=judge,
                )
    points = [SweepPoint(combo, runs[i]) for i, combo in enumerate(combos)]
    return SweepResult(list(axes), base, points, ingests=len(groups))


def write_sweep_json(result: SweepResult, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "sweep.json"
    path.write_text(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    return path
