"""``Assistant``: the public Python API that the CLI, the UI and the eval harness all use."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag.compound import merge_answers, split_compound
from rag.conversation import Turn, follow_up_context
from rag.evidence import EvidenceWeights, Query, build_query
from rag.extractive import AnswerOptions, ExtractiveAnswerer
from rag.retrieval import HybridRetriever, RetrievalOptions
from rag.settings import Settings, load_settings
from rag.types import Answer
from store.chroma_store import ChunkStore, StoredDocument
from store.embedder import Embedder, SentenceTransformerEmbedder
from store.errors import QuestionError
from store.ingest import ChunkingOptions, IngestReport, ProgressCallback, ingest_paths

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000


class Assistant:
    """Ask questions of an ingested document collection and get cited answers."""

    def __init__(self, settings: Settings, store: ChunkStore, embedder: Embedder) -> None:
        self.settings = settings
        self._store = store
        self._embedder = embedder
        self._retriever = HybridRetriever(
            store,
            embedder,
            RetrievalOptions(
                candidates=settings.candidates, hybrid=settings.hybrid, rrf_k=settings.rrf_k
            ),
        )
        self._answerer = ExtractiveAnswerer(
            self._retriever.idf,
            AnswerOptions(
                max_sentences=settings.max_answer_sentences,
                abstain_threshold=settings.abstain_threshold,
                weights=EvidenceWeights(
                    similarity=settings.similarity_weight,
                    coverage=settings.coverage_weight,
                    window_coverage=settings.window_weight,
                    untyped_penalty=settings.untyped_penalty,
                    headline_penalty=settings.headline_penalty,
                    missing_anchor_penalty=settings.missing_anchor_penalty,
                ),
            ),
        )
        self._texts: dict[str, str] = {}

    @classmethod
    def open(
        cls,
        store: str | Path | None = None,
        *,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        create: bool = True,
        **overrides: Any,
    ) -> Assistant:
        """Open the store at ``store`` (creating it unless ``create=False``).

        Args:
            store: folder of the embedded Chroma store; default from settings (``.citeqa``).
            settings: a ready ``Settings``; otherwise read from citeqa.toml / CITEQA_*.
            embedder: the embedding model; default the bundled all-MiniLM-L6-v2.
            create: when False, a missing store raises ``StoreError`` instead.
            **overrides: individual settings, e.g. ``top_k=8``.
        """
        if settings is None:
            settings = load_settings(store=store, **overrides)
        elif store is not None or overrides:
            settings = settings.model_copy(
                update={"store": Path(store or settings.store), **overrides}
            )
        embedder = embedder or SentenceTransformerEmbedder(settings.embed_model_path)
        chunk_store = ChunkStore.open(
            Path(settings.store),
            embed_model=embedder.name,
            url=settings.chroma_url,
            collection=settings.collection,
            create=create,
        )
        return cls(settings, chunk_store, embedder)

    def ingest(
        self, paths: list[str | Path], progress: ProgressCallback | None = None
    ) -> IngestReport:
        """Add, update or remove files so the store matches ``paths`` (files or folders)."""
        report = ingest_paths(
            list(paths),
            self._store,
            self._embedder,
            options=ChunkingOptions(
                max_tokens=self.settings.max_chunk_tokens, window=self.settings.window
            ),
            progress=progress,
        )
        if report.changed:
            self._retriever.refresh()
            self._texts.clear()
        return report

    def ask(self, question: str) -> Answer:
        """Answer ``question`` from the documents, with citations, or abstain."""
        return self._answer(_check_question(question))

    def _answer(self, message: str, context: str = "") -> Answer:
        parts = split_compound(message)
        answers = [
            # Each part keeps the other parts as context: "Who is he, and when did that
            # visit take place?" needs the first half to know which visit.
            self._answer_one(
                build_query(part, f"{context} {message}".strip() if len(parts) > 1 else context)
            )
            for part in parts
        ]
        return answers[0] if len(answers) == 1 else merge_answers(message, answers)

    def _answer_one(self, query: Query) -> Answer:
        passages = self._retriever.retrieve(query.message, self.settings.top_k, query.context)
        return self._answerer.answer(query, passages, self.document_text)

    def chat(self, message: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer ``message`` as the next turn of a conversation.

        ``history`` holds earlier turns as ``(question, answer)`` pairs or OpenAI-style
        messages; a follow-up is rewritten into a standalone question before retrieval.
        """
        message = _check_question(message)
        context = follow_up_context(message, history)
        answer = self._answer(message, context)
        if context:
            answer.standalone_question = f"{message} (context: {context})"
        return answer

    def documents(self) -> list[StoredDocument]:
        """Every ingested file, sorted by source path."""
        return sorted(self._store.documents().values(), key=lambda d: d.source)

    def document_text(self, source: str) -> str:
        """The raw text of an ingested file (what citation offsets index into)."""
        if source not in self._texts:
            self._texts[source] = self._store.document_text(source)
        return self._texts[source]


def _check_question(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty; ask something about the documents")
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}"
        )
    return question
