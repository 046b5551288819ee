"""rag: retrieval, answering and citations. ``Assistant`` is the public API."""

from rag.assistant import Assistant
from rag.backends import BackendConfig, LLMClient, build_llm
from rag.settings import Settings, load_settings
from rag.types import ABSTAIN_TEXT, Answer, Citation, Passage
from store.chroma_store import StoredDocument
from store.embedder import Embedder, SentenceTransformerEmbedder
from store.errors import (
    BackendError,
    CiteqaError,
    EvalError,
    IngestError,
    QuestionError,
    SettingsError,
    StoreError,
)
from store.ingest import IngestFailure, IngestReport
from store.readers import page_at, supported_suffixes

__all__ = [
    "ABSTAIN_TEXT",
    "Answer",
    "Assistant",
    "BackendConfig",
    "BackendError",
    "Citation",
    "CiteqaError",
    "Embedder",
    "EvalError",
    "IngestError",
    "IngestFailure",
    "IngestReport",
    "LLMClient",
    "Passage",
    "QuestionError",
    "SentenceTransformerEmbedder",
    "Settings",
    "SettingsError",
    "StoreError",
    "StoredDocument",
    "build_llm",
    "load_settings",
    "page_at",
    "supported_suffixes",
]
