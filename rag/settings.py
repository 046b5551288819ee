"""One settings object, read from citeqa.toml and CITEQA_* environment variables."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from store.errors import SettingsError


class Settings(BaseSettings):
    """Everything a user can tune. Precedence: arguments > CITEQA_* variables > citeqa.toml."""

    model_config = SettingsConfigDict(
        env_prefix="CITEQA_", toml_file="citeqa.toml", extra="forbid", validate_assignment=True
    )

    store: Path = Field(Path(".citeqa"), description="Folder of the embedded Chroma store.")
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (e.g. http://127.0.0.1:8000); overrides store."
    )
    collection: str = Field(
        "citeqa",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,40}[A-Za-z0-9]$",
        description="The document collection: separate sets of documents in one store "
        "(3 to 42 letters, digits, '.', '_' or '-'; starts and ends with a letter or digit).",
    )
    embed_model_path: Path | None = Field(
        None, description="Folder of a sentence-transformers model; default: the bundled MiniLM."
    )
    onnx: bool = Field(
        True,
        description="Embed questions with an ONNX export of the model (made on first use): a "
        "cold start without transformers. Off: sentence-transformers for everything.",
    )
    model_cache: Path | None = Field(
        None, description="Folder for the ONNX export; default: $XDG_CACHE_HOME/citeqa."
    )
    max_file_mb: float = Field(
        50.0, gt=0, description="Files larger than this are refused at ingest and upload (MB)."
    )
    concurrency: int = Field(
        default_factory=lambda: max(1, os.cpu_count() or 1),
        ge=1,
        le=64,
        description="Questions the page answers at once (default: the cores).",
    )
    queue_size: int = Field(
        16,
        ge=1,
        le=1000,
        description="Questions the page keeps waiting; past that it answers 'busy, try again'.",
    )
    login_attempts: int = Field(
        5, ge=1, le=1000, description="Failed logins per client address per minute (--auth)."
    )
    answer_seconds: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="Most seconds one question may take. Checked between steps: past it, no "
        "new step starts; a generated answer falls back to the extractive one.",
    )
    max_chunk_tokens: int = Field(200, ge=16, le=256, description="Token limit per chunk.")
    window: int = Field(1, ge=0, le=5, description="Sentences of context on each side.")
    candidates: int = Field(30, ge=1, le=500, description="Hits taken from each retriever.")
    top_k: int = Field(10, ge=1, le=50, description="Passages handed to the answerer.")
    hybrid: bool = Field(True, description="Fuse BM25 keyword search with dense search.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    max_answer_sentences: int = Field(2, ge=1, le=5, description="Sentences cited per answer.")
    language: str = Field("en", description="Language of the documents (its analyzer).")
    reader_model: Path | None = Field(
        None,
        description="Fitted reader weights (JSON from bench.fit_reader); default: the bundled "
        "rag/models/reader.json.",
    )
    rescore: bool = Field(
        True,
        description="Read the best sentences again with the cross-encoder (more accurate; off "
        "answers in about half the time).",
    )
    cross_encoder: Path | None = Field(
        None,
        description="Folder of the cross-encoder a rescoring reader uses; default: the bundled "
        "rag/models/cross-encoder.",
    )
    abstain_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Least probability of the best sentence, else 'the documents do not say'; "
        "default: the threshold fitted with the reader.",
    )

    llm: Literal["extractive", "openai", "ollama", "llamacpp"] = Field(
        "extractive", description="Answer backend: extractive (no model) or a generative one."
    )
    llm_url: str | None = Field(
        None, description="Base URL of the openai-compatible or ollama server."
    )
    llm_model: str | None = Field(None, description="Model name sent to the server.")
    llm_api_key: str | None = Field(None, description="API key for a hosted OpenAI-compatible API.")
    llm_gguf: Path | None = Field(None, description="GGUF file for the llamacpp backend.")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds to wait for the backend.")
    llm_max_tokens: int = Field(384, ge=16, le=4096, description="Longest answer generated.")
    unsupported: Literal["mark", "drop"] = Field(
        "mark", description="What to do with generated sentences their citations do not back."
    )
    support_similarity: float = Field(
        0.60,
        ge=0.0,
        le=1.0,
        description="Least embedding similarity between a sentence and the text it cites.",
    )
    support_coverage: float = Field(
        0.7, ge=0.0, le=1.0, description="Least share of a sentence's words found in its source."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(**overrides: Any) -> Settings:
    """Settings with ``overrides`` on top; invalid values raise one-line ``SettingsError``."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"citeqa.toml is not valid TOML: {error}") from error
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "settings"
        raise SettingsError(f"invalid setting '{field}': {first['msg']}") from error
