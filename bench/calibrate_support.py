"""Fit the citation-support thresholds on the train half of the labelled support pairs.

    python -m bench.calibrate_support [--pairs tests/data/support_pairs.jsonl]

Each pair is a claim, one or two sentences copied from a corpus file, and a hand label: does
the text back the claim? For every (similarity, coverage) threshold pair on the grid the real
``SupportChecker`` judges every train pair; the thresholds with the best train accuracy win,
and among ties the widest plateau along the similarity axis, with the threshold mid-plateau
(as in ``bench.calibrate``). Train and test figures, a per-kind breakdown on test and the
test pairs judged wrongly are printed; copy the thresholds into ``rag/settings.py`` defaults
(``support_similarity``, ``support_coverage``) as a reviewed change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lang import Analysis, Analyzer, Request, load_analyzer
from rag.verify import SupportChecker, SupportOptions
from store.embedder import SentenceTransformerEmbedder

SIMILARITIES = [round(0.30 + 0.01 * i, 2) for i in range(61)]
COVERAGES = [round(0.30 + 0.05 * i, 2) for i in range(11)]
SUPPORTED_KINDS = ("verbatim", "paraphrase", "subset", "number_format")
UNSUPPORTED_KINDS = (
    "wrong_number",
    "wrong_date",
    "wrong_name",
    "added_fact",
    "unrelated",
    "negation",
    "topic_drift",
)

Split = Literal["train", "test"]


@dataclass(frozen=True)
class SupportPair:
    id: str
    claim: str
    source: str
    evidence: str
    supported: bool
    kind: str


def default_pairs_path() -> Path:
    return Path(__file__).resolve().parent.parent / "tests" / "data" / "support_pairs.jsonl"


def load_pairs(path: Path) -> list[SupportPair]:
    """One pair per JSON line; blank lines are skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [SupportPair(**json.loads(line)) for line in lines if line.strip()]


def split_of(pair_id: str) -> Split:
    """Deterministic half of the set, by the same hash rule as the eval questions."""
    return "train" if hashlib.sha256(pair_id.encode()).digest()[0] % 2 == 0 else "test"


class CachedAnalyzer:
    """Wraps an analyzer so each distinct text is analysed once (the grid judges each pair
    hundreds of times)."""

    def __init__(self, inner: Analyzer) -> None:
        self._inner = inner
        self.language = inner.language
        self.name = inner.name
        self.figure_labels = inner.figure_labels
        self._analyses: dict[str, Analysis] = {}

    def analyze(self, texts: Sequence[str]) -> list[Analysis]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._analyses))
        self._analyses.update(zip(missing, self._inner.analyze(missing), strict=True))
        return [self._analyses[t] for t in texts]

    def weight(self, lemma: str) -> float:
        return self._inner.weight(lemma)

    def request(self, message: Analysis) -> Request:
        return self._inner.request(message)


class CachedEmbedding:
    """Wraps an embed function so each distinct text is embedded once."""

    def __init__(self, embed: SentenceTransformerEmbedder, analyzer: Analyzer) -> None:
        self._embed = embed
        self._vectors: dict[str, list[float]] = {}
        self.analyzer = CachedAnalyzer(analyzer)  # what the checker parses, also once per text

    def warm(self, texts: Iterable[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        self._vectors.update(zip(missing, self._embed.embed(missing), strict=True))

    def __call__(self, texts: list[str]) -> list[list[float]]:
        self.warm(texts)
        return [self._vectors[t] for t in texts]


def judge_all(
    embed: CachedEmbedding, options: SupportOptions, pairs: list[SupportPair]
) -> list[bool]:
    """The checker's verdict (supported or not) on each pair."""
    checker = SupportChecker(embed, embed.analyzer, options)
    return [checker.judge(p.claim, [p.evidence])[0].supported for p in pairs]


def scores(pairs: list[SupportPair], verdicts: list[bool]) -> dict[str, float]:
    """Accuracy, and precision / recall of the unsupported class; supported recall."""
    caught = sum(not p.supported and not v for p, v in zip(pairs, verdicts, strict=True))
    flagged = sum(not v for v in verdicts)
    unsupported = sum(not p.supported for p in pairs)
    kept = sum(p.supported and v for p, v in zip(pairs, verdicts, strict=True))
    supported = len(pairs) - unsupported
    right = sum(p.supported == v for p, v in zip(pairs, verdicts, strict=True))
    return {
        "accuracy": right / len(pairs) if pairs else 0.0,
        "unsupported_precision": caught / flagged if flagged else 1.0,
        "unsupported_recall": caught / unsupported if unsupported else 1.0,
        "supported_recall": kept / supported if supported else 1.0,
    }


def choose(accuracy: dict[tuple[float, float], float]) -> tuple[float, float, int]:
    """Best-accuracy (similarity, coverage), mid-plateau; and the plateau's width in steps.

    Per coverage, the widest run of similarity thresholds at the best accuracy; the coverage
    with the widest run wins (ties: the middle one), the similarity sits mid-run.
    """
    best = max(accuracy.values())
    runs: list[tuple[int, float, list[float]]] = []
    for cov in COVERAGES:
        widest: list[float] = []
        run: list[float] = []
        for sim in SIMILARITIES:
            run = [*run, sim] if accuracy[sim, cov] == best else []
            if len(run) > len(widest):
                widest = run
        if widest:
            runs.append((len(widest), cov, widest))
    width = max(r[0] for r in runs)
    ties = [r for r in runs if r[0] == width]
    _, cov, sims = ties[len(ties) // 2]
    return sims[len(sims) // 2], cov, width


def by_kind(pairs: list[SupportPair], verdicts: list[bool]) -> dict[str, tuple[int, int]]:
    """Per kind: (pairs, judged rightly)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p, v in zip(pairs, verdicts, strict=True):
        counts[p.kind][0] += 1
        counts[p.kind][1] += p.supported == v
    return {kind: (n, right) for kind, (n, right) in counts.items()}


def print_report(
    pairs: list[SupportPair],
    train: list[SupportPair],
    test: list[SupportPair],
    embed: CachedEmbedding,
    chosen: SupportOptions,
) -> None:
    header = f"{'':28}{'accuracy':>9}{'unsup_recall':>14}{'sup_recall':>12}{'unsup_prec':>12}"
    print(header)
    default = SupportOptions()
    default_label = f"default {default.similarity_threshold}/{default.coverage_threshold}"
    for label, options in [("chosen", chosen), (default_label, default)]:
        for name, half in [("train", train), ("test", test)]:
            s = scores(half, judge_all(embed, options, half))
            print(
                f"{label + ' ' + name:28}{s['accuracy']:9.3f}{s['unsupported_recall']:14.3f}"
                f"{s['supported_recall']:12.3f}{s['unsupported_precision']:12.3f}"
            )
    test_verdicts = judge_all(embed, chosen, test)
    all_kinds = by_kind(pairs, judge_all(embed, chosen, pairs))
    test_kinds = by_kind(test, test_verdicts)
    print(f"\nby kind (chosen thresholds)   {'test right/n':>14}{'all right/n':>14}")
    for kind in (*SUPPORTED_KINDS, *UNSUPPORTED_KINDS):
        n, right = test_kinds.get(kind, (0, 0))
        n_all, right_all = all_kinds.get(kind, (0, 0))
        label = f"{kind} ({'supported' if kind in SUPPORTED_KINDS else 'unsupported'})"
        print(f"  {label:28}{f'{right}/{n}':>14}{f'{right_all}/{n_all}':>14}")
    checker = SupportChecker(embed, embed.analyzer, chosen)
    print("\ntest pairs judged wrongly:")
    for p, v in zip(test, test_verdicts, strict=True):
        if p.supported != v:
            verdict = checker.judge(p.claim, [p.evidence])[0]
            why = verdict.reason or f"judged supported (support {verdict.support:.2f})"
            print(f"  {p.id} {p.kind:14} {why}: {p.claim}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=default_pairs_path())
    args = parser.parse_args()
    pairs = load_pairs(args.pairs)
    train = [p for p in pairs if split_of(p.id) == "train"]
    test = [p for p in pairs if split_of(p.id) == "test"]
    embedder = SentenceTransformerEmbedder()
    analyzer = load_analyzer()
    embed = CachedEmbedding(embedder, analyzer)
    embed.warm(text for p in pairs for text in (p.claim, p.evidence))
    accuracy = {
        (sim, cov): scores(train, judge_all(embed, SupportOptions(sim, cov), train))["accuracy"]
        for sim in SIMILARITIES
        for cov in COVERAGES
    }
    sim, cov, width = choose(accuracy)
    chosen = SupportOptions(sim, cov)
    # The grid ran on cached vectors; the checker as the product runs it embeds claim and
    # evidence together, so make sure that gives the same verdicts at the chosen thresholds.
    direct = SupportChecker(embedder.embed, analyzer, chosen)
    cached = judge_all(embed, chosen, pairs)
    differ = [
        p.id
        for p, verdict in zip(pairs, cached, strict=True)
        if direct.judge(p.claim, [p.evidence])[0].supported != verdict
    ]
    if differ:
        raise SystemExit(f"cached and direct verdicts differ on {', '.join(differ)}")
    print(f"{len(pairs)} pairs: {len(train)} train, {len(test)} test")
    print(
        f"chosen: support_similarity={sim} support_coverage={cov} "
        f"(train accuracy {accuracy[sim, cov]:.3f}, plateau {width} similarity steps)\n"
    )
    print_report(pairs, train, test, embed, chosen)


if __name__ == "__main__":
    main()
