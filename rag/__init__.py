"""rag: retrieval, answering and citations. ``Assistant`` is the public API."""

from rag.assistant import Assistant
from rag.settings import Settings, load_settings
from rag.types import ABSTAIN_TEXT, Answer, Citation, Passage
from store.chroma_store import StoredDocument
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

__all__ = [
    "ABSTAIN_TEXT",
    "Answer",
    "Assistant",
    "BackendError",
    "Citation",
    "CiteqaError",
    "EvalError",
    "IngestError",
    "IngestFailure",
    "IngestReport",
    "Passage",
    "QuestionError",
    "Settings",
    "SettingsError",
    "StoreError",
    "StoredDocument",
    "load_settings",
]
