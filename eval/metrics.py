"""Scoring one answer against its gold question, and summarising a run."""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from eval.questions import Fact, Question


def normalize(text: str) -> str:
    """Lower case, plain quotes and dashes, single spaces: how facts are matched."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[‘’`´]", "'", text)
    text = re.sub(r"[“”]", '"', text)
    text = re.sub(r"[‐‑‒–—]", "-", text)
    return " ".join(text.split())


# Fact recall reads only the first words of an answer: quoting whole passages must not pass
# for answering (a plain pipeline's 300-word chunk "holds" most answers).
ANSWER_WORD_LIMIT = 60
# A summary or a comparison is read whole: what it holds anywhere counts.
WHOLE_ANSWER_KINDS = frozenset({"summary", "comparison"})


def holds_fact(fact: Fact, text: str) -> bool:
    """``text`` holds ``fact`` (any one of its aliases)."""
    aliases = [fact] if isinstance(fact, str) else fact
    haystack = normalize(text)
    return any(normalize(alias) in haystack for alias in aliases)


def fact_found(fact: Fact, answer: str, limit: int | None = ANSWER_WORD_LIMIT) -> bool:
    """``fact`` is in the first ``limit`` words of ``answer`` (all of it for ``None``)."""
    return holds_fact(fact, " ".join(answer.split()[:limit]))


@dataclass
class Outcome:
    """How one question went."""

    id: str
    question: str
    kind: str
    answerable: bool
    text: str
    abstained: bool
    latency_ms: float
    facts_found: int
    facts_total: int
    source_ranking: list[str]
    gold_sources: list[str]
    citations: list[dict[str, object]]
    citations_exact: int
    conversation: str | None = None
    turn: int = 1
    notes: list[str] = field(default_factory=list)
    sentences: list[dict[str, object]] = field(default_factory=list)
    notice: str | None = None
    exact_match: float = 0.0
    token_f1: float = 0.0

    @property
    def correct(self) -> bool:
        """Answerable: all facts and no abstention. Unanswerable: an abstention."""
        if not self.answerable:
            return self.abstained
        return not self.abstained and self.facts_found == self.facts_total

    @property
    def sources_cited(self) -> float:
        """Share of the gold sources that the answer cites (a comparison cites both)."""
        gold = {PurePath(s).name for s in self.gold_sources}
        cited = {PurePath(str(c["source"])).name for c in self.citations}
        return len(gold & cited) / len(gold) if gold else 0.0

    @property
    def gold_rank(self) -> int | None:
        gold = {PurePath(s).name for s in self.gold_sources}
        for rank, source in enumerate(self.source_ranking, start=1):
            if PurePath(source).name in gold:
                return rank
        return None


def score_outcome(
    question: Question,
    *,
    text: str,
    abstained: bool,
    latency_ms: float,
    source_ranking: list[str],
    citations: list[dict[str, object]],
    citations_exact: int,
    sentences: list[dict[str, object]] | None = None,
    notice: str | None = None,
) -> Outcome:
    limit = None if question.kind in WHOLE_ANSWER_KINDS else ANSWER_WORD_LIMIT
    found = sum(fact_found(f, text, limit) for f in question.answers)
    outcome = Outcome(
        id=question.id,
        question=question.question,
        kind=question.kind,
        answerable=question.answerable,
        text=text,
        abstained=abstained,
        latency_ms=latency_ms,
        facts_found=found,
        facts_total=len(question.answers),
        source_ranking=source_ranking,
        gold_sources=question.sources,
        citations=citations,
        citations_exact=citations_exact,
        conversation=question.conversation,
        turn=question.turn,
        sentences=sentences or [],
        notice=notice,
    )
    if question.answerable and not abstained:
        prediction = short_answer(outcome)
        golds = gold_strings(question.answers)
        outcome.exact_match = max(exact_match(prediction, g) for g in golds)
        outcome.token_f1 = max(token_f1(prediction, g) for g in golds)
    outcome.notes = explain(outcome, question)
    return outcome


def squad_normalize(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces."""
    text = normalize(text)
    text = "".join(ch for ch in text if ch not in string.punctuation)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    return float(squad_normalize(prediction) == squad_normalize(gold))


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD token F1: harmonic mean of token precision and recall (multiset overlap)."""
    predicted, wanted = squad_normalize(prediction).split(), squad_normalize(gold).split()
    common = sum((Counter(predicted) & Counter(wanted)).values())
    if not predicted or not wanted or not common:
        return float(predicted == wanted)
    precision, recall = common / len(predicted), common / len(wanted)
    return 2 * precision * recall / (precision + recall)


def gold_strings(answers: Sequence[Fact]) -> list[str]:
    """Reference answers: a single fact's aliases, or the facts joined (first alias each)."""
    if len(answers) == 1:
        only = answers[0]
        return [only] if isinstance(only, str) else list(only)
    return [" ".join(a if isinstance(a, str) else a[0] for a in answers)]


def short_answer(outcome: Outcome) -> str:
    """What EM/F1 compare: the answer's first sentence (its short answer when it has one)."""
    if outcome.sentences:
        return str(outcome.sentences[0].get("text", "")).strip('"“” ')
    return outcome.text


def ndcg_at_k(ranking: Sequence[str], gold: Sequence[str], k: int = 5) -> float:
    """Binary-relevance nDCG@k of a ranked list of source files against the gold files."""
    wanted = {PurePath(g).name for g in gold}
    if not wanted:
        return 0.0
    names = [PurePath(r).name for r in ranking[:k]]
    dcg = sum(1 / math.log2(i + 2) for i, name in enumerate(names) if name in wanted)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(wanted), k)))
    return dcg / ideal


def crag_score(outcomes: Sequence[Outcome]) -> float | None:
    """CRAG-style outcome score: correct +1, abstained 0, wrong -1, averaged."""
    if not outcomes:
        return None
    points = [1 if o.correct else 0 if o.abstained else -1 for o in outcomes]
    return round(sum(points) / len(points), 4)


def explain(outcome: Outcome, question: Question) -> list[str]:
    """Why a question failed, in words a reader of the report can act on."""
    notes = []
    if outcome.answerable and outcome.abstained:
        notes.append("abstained on an answerable question")
    if not outcome.answerable and not outcome.abstained:
        notes.append("answered a question the documents cannot answer")
    if outcome.answerable and not outcome.abstained:
        missing = [f for f in question.answers if not fact_found(f, outcome.text)]
        notes.extend(f"missing fact: {m if isinstance(m, str) else ' | '.join(m)}" for m in missing)
    if outcome.citations_exact < len(outcome.citations):
        notes.append("a citation's quote does not match its file span")
    unsupported = [s for s in outcome.sentences if not s.get("supported")]
    if unsupported:
        notes.append(f"{len(unsupported)} sentence(s) not backed by their citations")
    return notes


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (as numpy's default) of a non-empty sequence."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def citation_quality(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    """Sentence support and ALCE-style citation recall and precision (Gao et al., 2023).

    Recall: share of answer sentences that their citations back (a sentence without a
    citation counts as unbacked). Precision: share of (sentence, citation) pairs where the
    citation backs the sentence, alone or as a needed part of the cited set.
    """
    sentences = [s for o in outcomes if not o.abstained for s in o.sentences]
    pairs = sum(len(_ints(s.get("citations"))) for s in sentences)
    relevant = sum(len(_ints(s.get("supporting"))) for s in sentences)
    supported = sum(bool(s.get("supported")) for s in sentences)
    backed = sum(bool(s.get("supported")) and bool(_ints(s.get("citations"))) for s in sentences)
    return {
        "sentence_support_rate": _share(supported, len(sentences)),
        "citation_recall": _share(backed, len(sentences)),
        "citation_precision": _share(relevant, pairs),
    }


def _ints(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def summarize(outcomes: Sequence[Outcome]) -> dict[str, float | int | None]:
    """The headline figures of a run."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    ranks = [o.gold_rank for o in answerable]
    citations = sum(len(o.citations) for o in outcomes)
    latencies = [o.latency_ms for o in outcomes]
    words = [len(o.text.split()) for o in outcomes if not o.abstained]
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "fact_recall": _share(sum(o.correct for o in answerable), len(answerable)),
        "source_hit_at_1": _share(sum(r == 1 for r in ranks), len(ranks)),
        "source_recall": _mean([o.sources_cited for o in answerable]),
        "source_hit_at_3": _share(sum(r is not None and r <= 3 for r in ranks), len(ranks)),
        "mrr": round(sum(1 / r for r in ranks if r) / len(ranks), 4) if ranks else None,
        "ndcg_at_5": _mean([ndcg_at_k(o.source_ranking, o.gold_sources) for o in answerable]),
        "exact_match": _mean([o.exact_match for o in answerable]),
        "token_f1": _mean([o.token_f1 for o in answerable]),
        "crag_score": crag_score(outcomes),
        "abstention_recall": _share(sum(o.abstained for o in unanswerable), len(unanswerable)),
        "false_abstention_rate": _share(sum(o.abstained for o in answerable), len(answerable)),
        "citation_exactness": _share(sum(o.citations_exact for o in outcomes), citations),
        "citations": citations,
        "accuracy": _share(sum(o.correct for o in outcomes), len(outcomes)),
        "median_answer_words": percentile(words, 50) if words else None,
        "latency_p50_ms": round(percentile(latencies, 50), 1),
        "latency_p95_ms": round(percentile(latencies, 95), 1),
        **citation_quality(outcomes),
        "fallbacks": sum(o.notice is not None for o in outcomes),
    }
