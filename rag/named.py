"""Which documents a summary or comparison request names ("the SANA report").

Two signals, each scaled so that the best document scores 1, are added:

- the text: the description is searched like a question (dense and keyword search fused),
  and a document scores the sum of its best few passages' fused scores, so the file that
  most of the description's words and meaning point to wins, whatever its length;
- the metadata read at ingest (title, outlet, date): the description's content words found
  in it, each weighted by how few documents' metadata hold it (inverse document frequency),
  so "the July 29 TASS report" picks the TASS report dated July 29 over other TASS reports.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from lang import Analysis, Analyzer, Request
from rag.question import build_query
from rag.retrieval import HybridRetriever
from store.chroma_store import StoredDocument
from store.errors import QuestionError

_BEST_PASSAGES = 3  # passages per document that count towards its score
_WORD = re.compile(r"\w+")


def find_documents(
    request: Request,
    documents: list[StoredDocument],
    retriever: HybridRetriever,
    analyzer: Analyzer,
) -> list[StoredDocument]:
    """The documents ``request`` is about: one for a summary, two for a comparison.

    Raises:
        QuestionError: the store holds too few documents, or the request does not say which
            of many it means.
    """
    wanted = 2 if request.kind == "comparison" else 1
    if not documents:
        raise QuestionError("the store holds no documents; ingest some first")
    if len(documents) < wanted:
        raise QuestionError("a comparison needs two documents, and the store holds one")
    if len(documents) == wanted and len(request.subjects) < wanted:
        return documents
    if not request.subjects:
        what = "two documents to compare" if wanted == 2 else "which document to summarise"
        raise QuestionError(
            f"say {what}, e.g. by its title or what it is about; "
            f"the store holds {len(documents)} documents"
        )
    by_source = {d.source: d for d in documents}
    chosen: list[StoredDocument] = []
    for subject in request.subjects[:wanted]:  # each description: its best document left
        ranked = _ranked(subject, documents, retriever, analyzer)
        best = next((s for s in ranked if by_source[s] not in chosen), None)
        if best is not None:
            chosen.append(by_source[best])
    if len(chosen) < wanted:  # one description for both ("the two reports on X")
        ranked = _ranked(" ".join(request.subjects), documents, retriever, analyzer)
        chosen += [by_source[s] for s in ranked if by_source[s] not in chosen][
            : wanted - len(chosen)
        ]
    return chosen


def _ranked(
    subject: str,
    documents: list[StoredDocument],
    retriever: HybridRetriever,
    analyzer: Analyzer,
) -> list[str]:
    """Sources best matching ``subject``, best first."""
    analysis = analyzer.analyze([subject])[0]
    passages: dict[str, list[float]] = defaultdict(list)
    for found in retriever.retrieve(build_query(analyzer, subject, analysis=analysis)):
        passages[found.chunk.source].append(found.fused_score)
    text = _scaled({s: sum(sorted(v, reverse=True)[:_BEST_PASSAGES]) for s, v in passages.items()})
    meta = _scaled(_metadata_scores(analysis, documents))
    total = {d.source: text.get(d.source, 0.0) + meta.get(d.source, 0.0) for d in documents}
    return sorted(total, key=lambda s: (-total[s], s))


def _metadata_scores(subject: Analysis, documents: list[StoredDocument]) -> dict[str, float]:
    words = {
        d.source: {
            w.lower()
            for field in (d.meta.title, d.meta.outlet, d.meta.date)
            for w in _WORD.findall(field or "")
        }
        for d in documents
    }
    asked = {t.text.lower() for t in subject.tokens if t.content}
    frequency = {w: sum(w in held for held in words.values()) for w in asked}
    weight = {w: math.log(len(documents) / f) for w, f in frequency.items() if f}
    return {source: sum(weight.get(w, 0.0) for w in held) for source, held in words.items()}


def _scaled(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values(), default=0.0)
    return {s: v / top for s, v in scores.items()} if top > 0 else {}
