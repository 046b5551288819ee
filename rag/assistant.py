"""``Assistant``: the public Python API that the CLI, the UI and the eval harness all use."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lang import Analyzer, Request, load_analyzer
from rag.backends import BackendConfig, LLMBackend, build_backend
from rag.comparison import compare
from rag.compound import merge_answers, split_compound
from rag.conversation import Turn, follow_up_context, is_follow_up, user_turns
from rag.cross_encoder import DEFAULT_CROSS_ENCODER, CrossEncoderScorer, PairScorer
from rag.deadline import Clock, Deadline
from rag.extractive import AnswerOptions, ExtractiveAnswerer
from rag.generative import GenerativeAnswerer, GenerativeOptions
from rag.library import Library, copy_uploads
from rag.named import find_documents
from rag.prompt import condense_prompt
from rag.question import Query, build_query
from rag.reader import Reader, Reading
from rag.retrieval import RetrievalOptions
from rag.settings import Settings, load_settings
from rag.summary import Digest, SummaryOptions, summarise, title_of
from rag.types import Answer
from rag.verify import SupportChecker, SupportOptions
from store.chats import ChatLog
from store.chroma_store import CheckReport, ChunkStore, StoredDocument
from store.embedder import Embedder, SentenceTransformerEmbedder
from store.errors import BackendError, BudgetError, QuestionError, SettingsError, StoreError
from store.ingest import ChunkingOptions, IngestReport, ProgressCallback, ingest_paths
from store.onnx_embedder import FastEmbedder

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000


class Assistant:
    """Ask questions of an ingested document collection and get cited answers."""

    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        embedder: Embedder,
        backend: LLMBackend | None = None,
        *,
        analyzer: Analyzer | None = None,
        reader: Reader | None = None,
        scorer: PairScorer | None = None,
        library: Library | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.settings = settings
        self._clock = clock  # times the per-question budget
        self._store = store
        self._embedder = embedder
        self._analyzer = analyzer or load_analyzer(settings.language)
        self._reader = reader or Reader.load(settings.reader_model)
        if not settings.rescore:
            self._reader = self._reader.without_rescoring()
        # The cross-encoder loads on its first question, and only if the reader rescores.
        self._scorer = scorer or (
            CrossEncoderScorer(settings.cross_encoder or DEFAULT_CROSS_ENCODER)
            if self._reader.rescore
            else None
        )
        self._library = library or Library()
        options = RetrievalOptions(
            candidates=settings.candidates, hybrid=settings.hybrid, rrf_k=settings.rrf_k
        )
        self._retriever = self._library.retriever(options, store, embedder)
        threshold = settings.abstain_threshold
        self._answerer = ExtractiveAnswerer(
            AnswerOptions(
                threshold=self._reader.threshold if threshold is None else threshold,
                short_threshold=self._reader.short_threshold,
                figure_labels=self._analyzer.figure_labels,
                max_sentences=settings.max_answer_sentences,
                top_k=settings.top_k,
            )
        )
        self._backend = backend
        self._generative = (
            GenerativeAnswerer(
                backend,
                SupportChecker(
                    embedder.embed,
                    self._analyzer,
                    SupportOptions(settings.support_similarity, settings.support_coverage),
                ),
                self._answerer,
                GenerativeOptions(unsupported=settings.unsupported),
            )
            if backend is not None
            else None
        )
        self._texts = self._library.texts

    @property
    def backend_label(self) -> str:
        """Which answerer is in use, for status lines."""
        return self._backend.label if self._backend else "extractive answerer"

    def collections(self) -> list[str]:
        """The names of the document collections in this store."""
        return self._store.collections()

    def collection(self, name: str) -> Assistant:
        """The collection ``name`` of the same store (created empty if new), sharing this
        assistant's models; the store's saved chats are shared too."""
        if name == self.settings.collection:
            return self
        try:
            settings = Settings.model_validate(self.settings.model_dump() | {"collection": name})
        except ValidationError as error:
            raise SettingsError(f"invalid setting: {_first_error(error)}") from error
        return Assistant.open(
            settings=settings,
            embedder=self._embedder,
            analyzer=self._analyzer,
            reader=self._reader,
            llm=self._backend,
        )

    @property
    def chats(self) -> ChatLog:
        """Conversations saved with the store (the page's list of past chats)."""
        return self._store.chats

    def probe_backend(self) -> str:
        """Ask the generative backend for a word, to test the connection; one line saying
        who answered and how fast. ``BackendError`` (one line) when it does not answer."""
        if self._backend is None:
            return "The extractive answerer needs no model and no connection."
        started = time.monotonic()
        self._backend.complete("Reply with the word OK.")
        return f"Connected: {self._backend.label} answered in {time.monotonic() - started:.1f} s."

    @classmethod
    def open(
        cls,
        store: str | Path | None = None,
        *,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        analyzer: Analyzer | None = None,
        reader: Reader | None = None,
        llm: str | LLMBackend | None = None,
        create: bool = True,
        **overrides: Any,
    ) -> Assistant:
        """Open the store at ``store`` (creating it unless ``create=False``).

        Args:
            store: folder of the embedded Chroma store; default from settings (``.citeqa``).
            settings: a ready ``Settings``; otherwise read from citeqa.toml / CITEQA_*.
            embedder: the embedding model; default the bundled all-MiniLM-L6-v2.
            analyzer: the language analyzer; default the one for ``settings.language``.
            reader: the fitted reader; default the one ``settings.reader_model`` names.
            llm: a backend name (extractive, openai, ollama, llamacpp) or a ready backend.
            create: when False, a missing store raises ``StoreError`` instead.
            **overrides: individual settings, e.g. ``top_k=8``.
        """
        if isinstance(llm, str):
            overrides["llm"] = llm
        if settings is None:
            settings = load_settings(store=store, **overrides)
        elif store is not None or overrides:
            settings = settings.model_copy(
                update={"store": Path(store or settings.store), **overrides}
            )
        embedder = embedder or _embedder(settings)
        chunk_store = ChunkStore.open(
            Path(settings.store),
            embed_model=embedder.name,
            url=settings.chroma_url,
            collection=settings.collection,
            create=create,
        )
        backend = llm if llm is not None and not isinstance(llm, str) else _backend(settings)
        return cls(settings, chunk_store, embedder, backend, analyzer=analyzer, reader=reader)

    def configure(self, **overrides: Any) -> Assistant:
        """An assistant over the same store with some settings changed, e.g. ``top_k=5``.

        The store, the embedding model, the keyword index and the text cache are shared, so
        this is cheap, and a file ingested through either is seen by both. Settings that
        decide what is stored (``store``, ``chroma_url``, ``collection``, chunking, the
        model) cannot change here: open another store for those.
        """
        fixed = sorted(set(overrides) & _STORE_SETTINGS)
        if fixed:
            raise SettingsError(
                f"{', '.join(fixed)} decide what is stored and cannot change on an open store; "
                "use Assistant.open for another store"
            )
        try:
            settings = Settings.model_validate(self.settings.model_dump() | overrides)
        except ValidationError as error:
            raise SettingsError(f"invalid setting: {_first_error(error)}") from error
        same_llm = BackendConfig.from_settings(settings) == BackendConfig.from_settings(
            self.settings
        )
        backend = self._backend if same_llm else _backend(settings)
        same_reader = (settings.reader_model, settings.cross_encoder, settings.rescore) == (
            self.settings.reader_model,
            self.settings.cross_encoder,
            self.settings.rescore,
        )
        return Assistant(
            settings,
            self._store,
            self._embedder,
            backend,
            analyzer=self._analyzer,
            reader=self._reader if same_reader else None,
            scorer=self._scorer if same_reader else None,
            library=self._library,
            clock=self._clock,
        )

    def warm(self) -> None:
        """Load the embedding model and the language pipeline now, not on the first question
        (the chat page calls this before it prints its address)."""
        self._embedder.embed(["warm up"])
        self._analyzer.analyze(["Warm up."])

    def ingest(
        self,
        paths: list[str | Path],
        progress: ProgressCallback | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> IngestReport:
        """Add, update or remove files so the store matches ``paths`` (files or folders).

        While another process writes to the store this waits, and says so through
        ``on_wait`` (logged by default).
        """
        self._sync()
        report = ingest_paths(
            list(paths),
            self._store,
            self._embedder,
            self._analyzer,
            options=ChunkingOptions(
                max_tokens=self.settings.max_chunk_tokens,
                window=self.settings.window,
                max_bytes=int(self.settings.max_file_mb * 1_000_000),
            ),
            progress=progress,
            on_wait=on_wait,
        )
        if report.changed:
            self._library.changed()
        return report

    def add_files(
        self, files: Sequence[str | Path], progress: ProgressCallback | None = None
    ) -> IngestReport:
        """Copy ``files`` (e.g. browser uploads) into the store's uploads folder and ingest them.

        The copies, not the originals, are what the store indexes, so a temporary upload
        folder can vanish afterwards. A file with the name of an earlier upload replaces it.
        """
        copies = copy_uploads(files, self.uploads_folder)
        return self.ingest(list(copies), progress) if copies else IngestReport()

    @property
    def uploads_folder(self) -> Path:
        """Where ``add_files`` keeps its copies: ``uploads`` inside the store folder."""
        return Path(self.settings.store).resolve() / "uploads"

    def remove(self, source: str) -> bool:
        """Forget an ingested file (its own copy too, if it was uploaded); False if unknown.

        An uploaded copy that failed to ingest (so the store never held it) is deleted too.
        """
        document = self._find(source)
        if document is None:
            copy = Path(source).resolve()
            if copy.parent == self.uploads_folder and copy.is_file():
                copy.unlink()
                return True
            return False
        self._store.remove_document(document.path)
        path = Path(document.path)
        if path.parent == self.uploads_folder:
            path.unlink(missing_ok=True)
        self._library.changed()
        return True

    def ask(self, question: str) -> Answer:
        """Answer ``question`` from the documents, with citations, or abstain."""
        return self.chat(question)

    def chat(self, message: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer ``message`` as the next turn of a conversation.

        ``history`` holds earlier turns as ``(question, answer)`` pairs or OpenAI-style
        messages; a follow-up is resolved against them before retrieval.
        """
        final: Answer | None = None
        for item in self.stream(message, history):
            if isinstance(item, Answer):
                final = item
        if final is None:  # stream() always ends with an Answer
            raise QuestionError(f"no answer was produced for: {message}")
        return final

    def stream(self, message: str, history: Sequence[Turn] = ()) -> Iterator[str | Answer]:
        """Text deltas as the answer is written, then the final, verified ``Answer``.

        Raises ``BudgetError`` when the question spends its ``answer_seconds`` before it has
        an answer (see ``rag.deadline`` for what is cut short and how).
        """
        message = check_question(message)
        deadline = Deadline(self.settings.answer_seconds, self._clock)
        self._sync()
        standalone, context = self._resolve(message, history)
        deadline.check("reading the question")
        analysis = self._analyzer.analyze([standalone])[0]
        request = self._analyzer.request(analysis)
        parts = split_compound(analysis) if request.kind == "question" else [standalone]
        overview = (
            None if request.kind == "question" else self._overview(standalone, request, deadline)
        )
        if len(parts) > 1:
            # Each part keeps the whole question as context: "Who is he, and when did that
            # visit take place?" needs the first half to know which visit.
            answer = self._answer_parts(standalone, parts, f"{context} {standalone}", deadline)
        elif self._generative is not None:
            query = build_query(self._analyzer, standalone, context, analysis)
            for item in self._written(self._generative, query, overview, deadline):
                yield (
                    self._label(item, message, standalone, context)
                    if isinstance(item, Answer)
                    else item
                )
            return
        else:
            answer = overview or self._answer_one(
                build_query(self._analyzer, standalone, context, analysis), deadline
            )
        yield answer.text
        yield self._label(answer, message, standalone, context)

    def _written(
        self,
        generative: GenerativeAnswerer,
        query: Query,
        overview: Answer | None,
        deadline: Deadline,
    ) -> Iterator[str | Answer]:
        """The model's answer to ``query``; for a summary or comparison (``overview``), the
        model rewrites what the extractive one cites."""
        if overview is None:
            readings = self._read(query, deadline)
            return generative.stream(query, readings, self.document_text, deadline)
        return generative.write(query, overview, overview.passages, self.document_text, deadline)

    def _overview(self, message: str, request: Request, deadline: Deadline) -> Answer:
        """A summary of the document ``request`` names, or a comparison of the two."""
        found = find_documents(request, self.documents(), self._retriever, self._analyzer)
        deadline.check("reading the documents")
        # What a document is about, by its heading. (Biasing untitled ones towards the user's
        # description of them was tried: 0.4 and 0.5 fact recall against 0.5 and 0.5 without,
        # on the two Rhine request sets; it was left out.)
        focus = [title_of(d) for d in found]
        vectors = iter(self._embedder.embed([f for f in focus if f]) if any(focus) else [])
        digests = [
            Digest.of(d, self._store.document_chunks(d), next(vectors) if f else None)
            for d, f in zip(found, focus, strict=True)
        ]
        if request.kind == "summary":
            return summarise(message, digests[0], self.document_text, SummaryOptions())
        return compare(
            message, digests[0], digests[1], self.document_text, self._analyzer.figure_labels
        )

    def _answer_parts(
        self, question: str, parts: list[str], context: str, deadline: Deadline
    ) -> Answer:
        """The parts of a compound question answered in turn and merged; when the budget runs
        out after the first, the parts answered so far, with a notice."""
        answers: list[Answer] = []
        for part in parts:
            try:
                query = build_query(self._analyzer, part, context.strip())
                answers.append(self._answer_one(query, deadline))
            except BudgetError:
                if not answers:
                    raise
                break
        merged = merge_answers(question, answers)
        if len(answers) < len(parts):
            merged.notice = (
                f"only {len(answers)} of the question's {len(parts)} parts were answered "
                f"within its {deadline.seconds:g} s budget (answer_seconds)"
            )
        return merged

    def _resolve(self, message: str, history: Sequence[Turn]) -> tuple[str, str]:
        """(question to answer, context words) for a possibly elliptical follow-up."""
        previous = user_turns(history)
        if not previous:
            return message, ""
        analyses = self._analyzer.analyze([message, *previous[-2:]])
        if not is_follow_up(analyses[0]):
            return message, ""
        if self._backend is not None:
            try:
                rewritten = self._backend.complete(condense_prompt(message, previous))
                rewritten = (
                    " ".join(rewritten.strip().splitlines()[0].split()) if rewritten.strip() else ""
                )
                if rewritten:
                    return rewritten, ""
            except BackendError as error:
                logger.warning("condensing the follow-up failed: %s", error)
        return message, follow_up_context(analyses[0], analyses[1:])

    @staticmethod
    def _label(answer: Answer, message: str, standalone: str, context: str) -> Answer:
        answer.question = message
        if standalone != message:
            answer.standalone_question = standalone
        elif context:
            answer.standalone_question = f"{message} (context: {context})"
        return answer

    def read(self, query: Query) -> list[Reading]:
        """Every candidate passage for ``query``, read by the fitted reader, best first.

        What ``bench.fit_reader`` fits on and what the answerers answer from: each reading
        holds the passage, the probability that it answers, its likeliest short answer and
        the features behind them.
        """
        return self._read(query, Deadline(self.settings.answer_seconds, self._clock))

    def _read(self, query: Query, deadline: Deadline) -> list[Reading]:
        passages = self._retriever.retrieve(query)
        deadline.check("reading the passages found")
        return self._reader.read(query, passages, self.document_lemmas, self._scorer)

    def _answer_one(self, query: Query, deadline: Deadline) -> Answer:
        readings = self._read(query, deadline)
        deadline.check("choosing the answer")
        return self._answerer.answer(query.message, readings, self.document_text)

    def query(self, question: str, context: str = "") -> Query:
        """``question`` analysed, ready for ``read``."""
        return build_query(self._analyzer, check_question(question), context)

    def _sync(self) -> None:
        """See what other processes wrote since the last look (one small read)."""
        if self._store.sync():
            self._library.changed()

    def check(self, repair: bool = False) -> CheckReport:
        """Look for chunks a killed write left behind and keyword index drift; with
        ``repair``, fix them (a file missing chunks is ingested again by the next ingest)."""
        report = self._store.repair() if repair else self._store.check()
        if repair and not report.healthy:
            self._library.changed()
        return report

    def documents(self) -> list[StoredDocument]:
        """Every ingested file, sorted by source path."""
        self._sync()
        return sorted(self._store.documents().values(), key=lambda d: d.source)

    def document(self, source: str) -> StoredDocument:
        """The stored record of an ingested file; ``StoreError`` for anything else."""
        document = self._find(source)
        if document is None:
            raise StoreError(f"{source} is not an ingested document")
        return document

    def _find(self, source: str) -> StoredDocument | None:
        """An ingested file named exactly as ingested (source) or by its absolute path."""
        return next(
            (d for d in self._store.documents().values() if source in (d.source, d.path)), None
        )

    def document_text(self, source: str) -> str:
        """The text kept for an ingested file: what citation offsets index into."""
        self._sync()
        if source not in self._texts:
            self._texts[source] = self._store.document_text(source)
        return self._texts[source]

    def document_lemmas(self, source: str) -> frozenset[str]:
        """The content lemmas of an ingested file (what it names anywhere)."""
        lemmas = self._library.lemmas
        if source not in lemmas:
            lemmas[source] = self._store.document_lemmas(source)
        return lemmas[source]


def _embedder(settings: Settings) -> Embedder:
    if settings.onnx:
        return FastEmbedder(settings.embed_model_path, settings.model_cache)
    return SentenceTransformerEmbedder(settings.embed_model_path)


def _backend(settings: Settings) -> LLMBackend | None:
    return build_backend(BackendConfig.from_settings(settings))


def check_question(question: str) -> str:
    """``question`` with its whitespace tidied; ``QuestionError`` (one line) if it cannot be
    asked: empty, not valid text, or over ``MAX_QUESTION_CHARS``."""
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty; ask something about the documents")
    bad = next((i for i, ch in enumerate(question) if 0xD800 <= ord(ch) <= 0xDFFF), None)
    if bad is not None:  # a lone surrogate: bytes that were not UTF-8 (argv, JSON "\ud800")
        raise QuestionError(
            f"the question is not valid text (an undecodable character at position {bad}); "
            "type it again as UTF-8"
        )
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}"
        )
    return question


# Settings that decide what the store holds, so ``configure`` may not change them.
_STORE_SETTINGS = frozenset(
    {
        "store",
        "chroma_url",
        "collection",
        "embed_model_path",
        "onnx",
        "model_cache",
        "max_chunk_tokens",
        "window",
        "language",
    }
)


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(x) for x in first["loc"]) or "settings"
    return f"{field}: {first['msg']}"
