"""Fit the reader (span and sentence models, abstention threshold) on labelled QA data.

    python -m bench.fit_reader [--out rag/models/reader.json] [--seed 13]

What it fits on, and what decides what:

- **Fit data:** the SQuAD 2.0 training sample (10 Wikipedia articles, 4,719 questions;
  each paragraph ingested as one file), the train half of the bundled question set and the
  bundled development questions (single-turn questions with one source). Every question is
  retrieved through the real pipeline (``Assistant.read``); each candidate sentence is
  labelled by whether it holds the answer.
- **Choices:** the abstention threshold and the short-answer threshold are chosen on the
  fit half of squad2-rhine (``eval/external/squad2_rhine/fit_questions.jsonl``) together
  with the bundled train half. Neither model is fitted on them.
- **Held-out:** the held-out half of squad2-rhine is only read at the end and printed.

The span model is a logistic regression over sparse features (the span's type crossed with
the question's shape, ...); the sentence model one over the dense features of
``rag.features``, standardised. Both are written as plain weights.
"""

from __future__ import annotations

import argparse
import math
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bench.reader_data import (
    EXTERNAL,
    SQUAD_TRAIN,
    Labelled,
    bundled_train,
    holds_answer,
    squad_documents,
)
from eval.metrics import squad_normalize, token_f1
from eval.questions import load_questions
from rag import Assistant
from rag.cross_encoder import CrossEncoderScorer, PairScorer
from rag.features import SENTENCE_FEATURES, span_candidates, span_features
from rag.question import Query
from rag.reader import CROSS_ENCODER, DEFAULT_MODEL, READER, LinearModel, Reader
from rag.types import Passage
from store.embedder import SentenceTransformerEmbedder

RHINE = EXTERNAL / "squad2_rhine"
MAX_FALSE_ABSTENTIONS = 0.08  # the most answerable questions the threshold may give up
RESCORE_TOP = 2  # how many of the best sentences the cross-encoder reads again
BUNDLED_WEIGHT = 1.0
BLANK = Reader(LinearModel({}), LinearModel({}), threshold=0.0, short_threshold=1.0)


@dataclass
class Asked:
    """One labelled question with its query, candidates and their labels."""

    item: Labelled
    query: Query
    passages: list[Passage]
    labels: list[bool]
    lemmas: dict[str, frozenset[str]]  # content lemmas of each candidate's file
    document: str  # the text of the file that holds the answer ("" when none does)

    def lemmas_of(self, source: str) -> frozenset[str]:
        return self.lemmas[source]

    def said(self, start: int, end: int) -> str:
        return " ".join(self.document[start:end].split())


def rhine_questions(path: Path) -> tuple[dict[str, str], list[Labelled]]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted((RHINE / "corpus").iterdir())}
    questions = []
    for q in load_questions(path):
        facts = tuple(tuple([f] if isinstance(f, str) else f) for f in q.answers)
        document = q.sources[0] if q.sources else ""
        questions.append(Labelled(q.id, q.question, document, q.answerable, facts=facts))
    return texts, questions


def ask_all(
    texts: dict[str, str], questions: list[Labelled], embedder: SentenceTransformerEmbedder
) -> list[Asked]:
    """Ingest ``texts`` as files into a fresh store and retrieve every question."""
    asked = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        assistant = Assistant.open(Path(tmp) / "store", embedder=embedder, reader=BLANK)
        report = assistant.ingest([folder])
        print(f"  ingested: {report.summary()}")
        for item in questions:
            query = assistant.query(item.question)
            passages = [r.passage for r in assistant.read(query)]
            labels = [
                Path(p.chunk.source).name == item.document
                and holds_answer(item, p.chunk.start, p.chunk.end, texts[item.document])
                for p in passages
            ]
            lemmas = {p.chunk.source: assistant.document_lemmas(p.chunk.source) for p in passages}
            document = texts.get(item.document, "")
            asked.append(Asked(item, query, passages, labels, lemmas, document))
    return asked


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def span_rows(asked: Sequence[Asked]) -> tuple[list[dict[str, float]], list[int]]:
    """Candidate spans of the sentences that hold an answer, labelled by matching it."""
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    for a in asked:
        for passage, holds in zip(a.passages, a.labels, strict=True):
            if not holds:
                continue
            chunk = passage.chunk
            candidates = span_candidates(a.query, chunk)
            gold = [s for s in a.item.spans if chunk.start <= s[0] < chunk.end]
            for span in candidates:
                if gold:
                    match = any(_overlap((span.start, span.end), g) >= 0.5 for g in gold)
                else:  # the bundled set gives aliases, not offsets
                    said = squad_normalize(a.said(span.start, span.end))
                    match = any(
                        squad_normalize(alias) == said for fact in a.item.facts for alias in fact
                    )
                rows.append(span_features(a.query, chunk, span))
                labels.append(int(match))
    return rows, labels


def fit_spans(rows: list[dict[str, float]], labels: list[int], seed: int) -> LinearModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    model = LogisticRegression(C=0.5, max_iter=2000, random_state=seed).fit(matrix, labels)
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) > 1e-4
    }
    return LinearModel(weights, round(float(model.intercept_[0]), 5))


def sentence_rows(
    asked: Sequence[Asked], reader: Reader, names: Sequence[str], scorer: PairScorer | None = None
) -> tuple[list[list[float]], list[int]]:
    """The features ``names`` of each candidate the reader returns, and its label.

    With a rescoring reader only its rescored best few are rows: those are what the
    rescoring model is fitted on and applied to.
    """
    rows, labels = [], []
    for a in asked:
        readings = reader.read(a.query, a.passages, a.lemmas_of, scorer)
        for reading in readings[: reader.rescore_top] if reader.rescore else readings:
            rows.append([reading.features[f] for f in names])
            labels.append(int(a.labels[a.passages.index(reading.passage)]))
    return rows, labels


def fit_dense(
    rows: list[list[float]],
    labels: list[int],
    names: Sequence[str],
    seed: int,
    weights: list[float] | None = None,
) -> LinearModel:
    """A logistic regression over standardised dense features (rows weighted if given)."""
    from sklearn.linear_model import LogisticRegression

    columns = list(zip(*rows, strict=True))
    means = [sum(c) / len(c) for c in columns]
    scales = [
        math.sqrt(sum((x - m) ** 2 for x in c) / len(c)) or 1.0
        for c, m in zip(columns, means, strict=True)
    ]
    scaled = [[(x - m) / s for x, m, s in zip(r, means, scales, strict=True)] for r in rows]
    model = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
    model.fit(scaled, labels, sample_weight=weights)
    return LinearModel(
        weights={f: round(float(w), 5) for f, w in zip(names, model.coef_[0], strict=True)},
        bias=round(float(model.intercept_[0]), 5),
        means={f: round(m, 5) for f, m in zip(names, means, strict=True)},
        scales={f: round(s, 5) for f, s in zip(names, scales, strict=True)},
    )


class CachedScorer:
    """The cross-encoder's scores, kept in a pickle by (question, sentence) across runs."""

    def __init__(self, inner: PairScorer, path: Path | None) -> None:
        self._inner = inner
        self._path = path
        self._scores: dict[tuple[str, str], float] = {}
        if path is not None and path.is_file():
            with path.open("rb") as handle:
                self._scores = pickle.load(handle)

    def score(self, question: str, sentences: list[str]) -> list[float]:
        missing = [s for s in dict.fromkeys(sentences) if (question, s) not in self._scores]
        for sentence, value in zip(missing, self._inner.score(question, missing), strict=True):
            self._scores[question, sentence] = value
        return [self._scores[question, s] for s in sentences]

    def save(self) -> None:
        if self._path is not None:
            with self._path.open("wb") as handle:
                pickle.dump(self._scores, handle)


@dataclass(frozen=True)
class Outcome:
    answerable: bool
    best: float  # the best sentence's probability
    right: bool  # the best sentence holds the answer
    short_probability: float
    short_f1: float  # token F1 of its short answer against the gold answers
    sentence_f1: float  # token F1 of the whole sentence (what leads when no span does)


def outcomes(
    asked: Sequence[Asked], reader: Reader, scorer: PairScorer | None = None
) -> list[Outcome]:
    found = []
    for a in asked:
        readings = reader.read(a.query, a.passages, a.lemmas_of, scorer)
        if not readings:
            found.append(Outcome(a.item.answerable, 0.0, False, 0.0, 0.0, 0.0))
            continue
        top = readings[0]
        right = a.labels[a.passages.index(top.passage)]
        golds = list(a.item.answers) + [x for fact in a.item.facts for x in fact]
        short = a.said(top.span.start, top.span.end) if top.span and right else ""
        sentence = a.said(top.passage.chunk.start, top.passage.chunk.end) if right else ""
        found.append(
            Outcome(
                a.item.answerable,
                top.probability,
                right,
                top.span_probability,
                max((token_f1(short, g) for g in golds), default=0.0) if right else 0.0,
                max((token_f1(sentence, g) for g in golds), default=0.0) if right else 0.0,
            )
        )
    return found


def figures(found: Sequence[Outcome], threshold: float) -> dict[str, float]:
    answerable = [o for o in found if o.answerable]
    unanswerable = [o for o in found if not o.answerable]
    return {
        "right_at_1": sum(o.right for o in answerable) / max(1, len(answerable)),
        "answered_right": sum(o.right and o.best >= threshold for o in answerable)
        / max(1, len(answerable)),
        "false_abstentions": sum(o.best < threshold for o in answerable) / max(1, len(answerable)),
        "abstention_recall": sum(o.best < threshold for o in unanswerable)
        / max(1, len(unanswerable)),
    }


def tradeoff(found: Sequence[Outcome]) -> str:
    """Abstention recall at a few caps on false abstentions: what the threshold trades."""
    answerable = sorted(o.best for o in found if o.answerable)
    unanswerable = [o.best for o in found if not o.answerable]
    parts = []
    for cap in (0.02, 0.04, 0.08, 0.12, 0.2):
        cut = answerable[int(cap * len(answerable))] - 1e-6 if answerable else 0.5
        recall = sum(b < cut for b in unanswerable) / max(1, len(unanswerable))
        parts.append(f"{cap:.0%}: {recall:.3f}")
    return "abstention recall at a false-abstention cap of " + ", ".join(parts)


def choose_threshold(found: Sequence[Outcome]) -> float:
    """The highest cut that gives up at most ``MAX_FALSE_ABSTENTIONS`` of the answerable."""
    answerable = sorted(o.best for o in found if o.answerable)
    allowed = int(MAX_FALSE_ABSTENTIONS * len(answerable))
    return round(answerable[allowed] - 1e-6, 4) if answerable else 0.5


def choose_short_threshold(found: Sequence[Outcome]) -> float:
    """The span probability above which leading with the short answer pays (token F1)."""
    right = [o for o in found if o.answerable and o.right]
    best, chosen = -1.0, 1.0
    for step in range(0, 21):
        cut = step / 20
        # Below the cut the answer leads with the whole sentence.
        score = sum(o.short_f1 if o.short_probability >= cut else o.sentence_f1 for o in right)
        if score > best:
            best, chosen = score, cut
    return chosen


def retrieved(cache: Path | None) -> dict[str, list[Asked]]:
    """Every labelled question retrieved, by set; kept in ``cache`` (a pickle) if given.

    Retrieval is the slow part (ingesting and asking 5,000 questions); the cache lets the
    models be refitted in seconds while the pipeline before the reader stays the same. A set
    missing from the cache is retrieved and added to it.
    """
    sets: dict[str, list[Asked]] = {}
    if cache is not None and cache.is_file():
        with cache.open("rb") as handle:
            sets = pickle.load(handle)
    sources = {
        "fit": lambda: squad_documents(SQUAD_TRAIN),
        "bundled": bundled_train,
        "rhine_fit": lambda: rhine_questions(RHINE / "fit_questions.jsonl"),
        "heldout": lambda: rhine_questions(RHINE / "heldout_questions.jsonl"),
    }
    missing = [name for name in sources if name not in sets]
    if missing:
        embedder = SentenceTransformerEmbedder()
        for name in missing:
            print(f"retrieving: {name}")
            sets[name] = ask_all(*sources[name](), embedder)
        if cache is not None:
            with cache.open("wb") as handle:
                pickle.dump(sets, handle)
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep the retrieved questions in this file (and the cross-encoder scores beside "
        "it, as FILE.scores.pkl: delete that one after retraining the cross-encoder)",
    )
    parser.add_argument(
        "--cross-encoder",
        type=Path,
        metavar="DIR",
        help="also fit a rescoring model that reads the best sentences again with this "
        "cross-encoder (bench.train_cross_encoder writes one to rag/models/cross-encoder)",
    )
    parser.add_argument(
        "--bundled-weight",
        type=float,
        default=BUNDLED_WEIGHT,
        help=f"how much a bundled question counts against a SQuAD one (default {BUNDLED_WEIGHT})",
    )
    parser.add_argument(
        "--rescore-top",
        type=int,
        default=RESCORE_TOP,
        help=f"how many of the best sentences the cross-encoder reads (default {RESCORE_TOP})",
    )
    parser.add_argument(
        "--no-heldout",
        action="store_true",
        help="do not print the held-out figures (while trying features: look at them once)",
    )
    args = parser.parse_args()
    sets = retrieved(args.cache)
    fit, bundled, rhine_fit, heldout = (
        sets["fit"],
        sets["bundled"],
        sets["rhine_fit"],
        sets["heldout"],
    )
    span_model = fit_spans(*span_rows(fit + bundled), args.seed)
    with_spans = Reader(span_model, LinearModel({}), 0.0, 1.0)
    squad_rows, squad_labels = sentence_rows(fit, with_spans, SENTENCE_FEATURES)
    news_rows, news_labels = sentence_rows(bundled, with_spans, SENTENCE_FEATURES)
    # The bundled questions are few (90 against 4,719) but the only ones on news reports
    # with many similar sentences: each counts as BUNDLED_WEIGHT SQuAD questions.
    sentence_model = fit_dense(
        squad_rows + news_rows,
        squad_labels + news_labels,
        SENTENCE_FEATURES,
        args.seed,
        [1.0] * len(squad_rows) + [args.bundled_weight] * len(news_rows),
    )
    reader = Reader(span_model, sentence_model, 0.0, 1.0)
    first_threshold = choose_threshold(outcomes(rhine_fit + bundled, reader))
    scorer = None
    if args.cross_encoder:
        cache = args.cache.with_suffix(".scores.pkl") if args.cache else None
        scorer = CachedScorer(CrossEncoderScorer(args.cross_encoder), cache)
        # Stacked on data the cross-encoder was not trained on (its scores on its own
        # training questions are too good to weigh against the first reading's).
        names = (READER, CROSS_ENCODER)
        first = replace(reader, rescore=LinearModel({}), rescore_top=args.rescore_top)
        rows = sentence_rows(rhine_fit + bundled, first, names, scorer)
        reader = replace(first, rescore=fit_dense(*rows, names, args.seed))
    choice = outcomes(rhine_fit + bundled, reader, scorer)
    threshold = choose_threshold(choice)
    short_threshold = choose_short_threshold(choice)
    scores = {
        "fit": figures(outcomes(fit + bundled, reader, scorer), threshold),
        "choice (rhine fit half + bundled train)": figures(choice, threshold),
    }
    if not args.no_heldout:
        scores["held-out (rhine held-out half)"] = figures(
            outcomes(heldout, reader, scorer), threshold
        )
    if isinstance(scorer, CachedScorer):
        scorer.save()
    about = {
        "fitted_on": "SQuAD 2.0 training sample (eval/external/squad2-train-sample.json), the "
        "bundled train half (eval/questions.jsonl) and eval/dev_questions.jsonl",
        "chosen_on": "squad2-rhine fit half, the bundled train half and eval/dev_questions.jsonl",
        "seed": args.seed,
        "cross_encoder": args.cross_encoder.name if args.cross_encoder else None,
        "max_false_abstentions": MAX_FALSE_ABSTENTIONS,
        "sentence_level_scores": {
            k: {m: round(v, 4) for m, v in s.items()} for k, s in scores.items()
        },
    }
    final = replace(
        reader,
        threshold=threshold,
        short_threshold=short_threshold,
        about=about,
        first_threshold=first_threshold if reader.rescore else None,
    )
    final.save(args.out)
    print(
        f"\nthreshold {threshold} (first reading alone: {first_threshold}), "
        f"short-answer threshold {short_threshold}"
    )
    for label, model in (("sentence", reader.sentences), ("rescoring", reader.rescore)):
        if model is not None:
            print(f"{label} weights:", {k: round(v, 3) for k, v in model.weights.items()})
    for name, values in scores.items():
        print(f"{name}: " + ", ".join(f"{k} {v:.3f}" for k, v in values.items()))
    print(f"choice set, {tradeoff(choice)}")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
