"""Generative LLM backends behind one small seam: ``complete`` and ``stream``.

The real ones wrap llama-index's clients (OpenAI-compatible servers, Ollama, a local GGUF
through llama-cpp-python); ``ScriptedBackend`` is the deterministic fake for unit tests.
``build_llm`` hands out the configured llama-index client itself, for llama-index components
that take ``llm=`` (the eval's judge).
Every failure surfaces as one ``BackendError`` line naming the backend, URL and model.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from store.errors import BackendError

if TYPE_CHECKING:
    from rag.settings import Settings

BACKENDS = ("extractive", "openai", "ollama", "llamacpp")


class LLMBackend(Protocol):
    """A text-in, text-out language model."""

    @property
    def label(self) -> str:
        """Where answers come from, e.g. 'openai http://127.0.0.1:8000/v1 (model smollm2)'."""
        ...

    def complete(self, prompt: str) -> str: ...

    def stream(self, prompt: str) -> Iterator[str]:
        """Text deltas as the model produces them."""
        ...


@dataclass(frozen=True)
class BackendConfig:
    kind: str
    url: str | None = None
    model: str | None = None
    api_key: str | None = None
    gguf: Path | None = None
    timeout: float = 60.0
    max_tokens: int = 384

    @classmethod
    def from_settings(cls, settings: Settings) -> BackendConfig:
        """The backend the ``llm*`` settings describe (the one place that reads them)."""
        return cls(
            kind=settings.llm,
            url=settings.llm_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            gguf=settings.llm_gguf,
            # One wait on the server never outlasts the whole question's budget.
            timeout=min(settings.llm_timeout, settings.answer_seconds),
            max_tokens=settings.llm_max_tokens,
        )


def _error_types() -> tuple[type[BaseException], ...]:
    """Exceptions the clients raise for network, HTTP and protocol failures."""
    import httpx

    types: list[type[BaseException]] = [
        httpx.HTTPError,
        ConnectionError,
        TimeoutError,
        json.JSONDecodeError,
        ValueError,
        KeyError,
        IndexError,
        AttributeError,
        TypeError,
        RuntimeError,
    ]
    for module, name in (("openai", "OpenAIError"), ("ollama", "ResponseError")):
        with contextlib.suppress(ImportError, AttributeError):  # an optional client is absent
            types.append(getattr(__import__(module), name))
    return tuple(types)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text[:200]}"


class LlamaIndexBackend:
    """Any llama-index LLM, with its failures turned into ``BackendError``."""

    def __init__(self, llm: Any, label: str) -> None:
        self._llm = llm
        self._label = label
        self._errors = _error_types()

    @property
    def label(self) -> str:
        return self._label

    def complete(self, prompt: str) -> str:
        try:
            text = self._llm.complete(prompt).text
        except self._errors as error:
            raise BackendError(f"{self._label} failed: {_one_line(error)}") from error
        if not isinstance(text, str):
            raise BackendError(f"{self._label} returned no text")
        return text

    def stream(self, prompt: str) -> Iterator[str]:
        try:
            for chunk in self._llm.stream_complete(prompt):
                if chunk.delta:
                    yield str(chunk.delta)
        except self._errors as error:
            raise BackendError(f"{self._label} failed: {_one_line(error)}") from error


def _require(module: str, extra: str) -> None:
    try:
        __import__(module)
    except ImportError as error:
        raise BackendError(
            f"the {extra} backend needs an optional package: pip install 'citeqa[{extra}]'"
        ) from error


class LLMClient(NamedTuple):
    """A llama-index LLM client and the label that names its backend, URL and model."""

    llm: Any  # a llama_index.core.llms.LLM; the type stays out of our signatures
    label: str


def build_backend(config: BackendConfig) -> LLMBackend | None:
    """The backend named by ``config.kind``; ``None`` for the extractive answerer."""
    if config.kind == "extractive":
        return None
    return LlamaIndexBackend(*build_llm(config))


def build_llm(config: BackendConfig) -> LLMClient:
    """The llama-index LLM client for ``config.kind``, for components that take ``llm=``.

    llama-index's evaluators, for instance, need the client itself, not our seam. It is
    configured exactly as ``build_backend`` configures it (temperature 0, no retries, the
    timeout and token limit of ``config``), so nothing falls back to llama-index's global
    ``Settings``.

    Raises:
        BackendError: for 'extractive' (it has no LLM), an unknown kind, a missing GGUF
            file or a missing optional package.
    """
    if config.kind == "openai":
        return _openai(config)
    if config.kind == "ollama":
        return _ollama(config)
    if config.kind == "llamacpp":
        return _llamacpp(config)
    if config.kind == "extractive":
        raise BackendError("the extractive answerer has no LLM; name openai, ollama or llamacpp")
    raise BackendError(f"unknown llm backend '{config.kind}'; use one of {', '.join(BACKENDS)}")


def _openai(config: BackendConfig) -> LLMClient:
    _require("llama_index.llms.openai_like", "openai")
    from llama_index.llms.openai_like import OpenAILike

    url = (config.url or "http://127.0.0.1:8000/v1").rstrip("/")
    if not url.endswith("/v1"):
        url += "/v1"
    model = config.model or "default"
    llm = OpenAILike(
        model=model,
        api_base=url,
        # OpenAI-compatible local servers ignore the key, but the client refuses an empty one.
        api_key=config.api_key or os.environ.get("OPENAI_API_KEY") or "not-needed",
        is_chat_model=True,
        context_window=4096,
        max_tokens=config.max_tokens,
        temperature=0.0,
        timeout=config.timeout,
        max_retries=0,
    )
    return LLMClient(llm, f"openai backend at {url} (model {model})")


def _ollama(config: BackendConfig) -> LLMClient:
    _require("llama_index.llms.ollama", "ollama")
    from llama_index.llms.ollama import Ollama

    url = (config.url or "http://127.0.0.1:11434").rstrip("/")
    model = config.model or "llama3.2"
    llm = Ollama(
        model=model,
        base_url=url,
        request_timeout=config.timeout,
        # A known context window keeps the client from calling /api/show first.
        context_window=4096,
        temperature=0.0,
        additional_kwargs={"num_predict": config.max_tokens, "seed": 0},
    )
    return LLMClient(llm, f"ollama backend at {url} (model {model})")


def _chatml(prompt: str) -> str:
    return f"<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n"


def _llamacpp(config: BackendConfig) -> LLMClient:
    if config.gguf is None or not Path(config.gguf).is_file():
        raise BackendError(f"llamacpp backend: no GGUF file at {config.gguf} (set CITEQA_LLM_GGUF)")
    _require("llama_cpp", "llamacpp")
    from llama_index.llms.llama_cpp import LlamaCPP

    # model_path is always given, so LlamaCPP never reaches for its default download URL.
    llm = LlamaCPP(
        model_path=str(config.gguf),
        temperature=0.0,
        max_new_tokens=config.max_tokens,
        context_window=4096,
        completion_to_prompt=_chatml,
        generate_kwargs={"stop": ["<|im_end|>"], "seed": 0},
        model_kwargs={"n_threads": 2},
        verbose=False,
    )
    return LLMClient(llm, f"llamacpp backend ({Path(config.gguf).name})")


class ScriptedBackend:
    """A fake backend that replies from a script: for unit tests, never for users."""

    def __init__(self, reply: str | Callable[[str], str], *, chunk: int = 8) -> None:
        self._reply = reply
        self._chunk = chunk
        self.prompts: list[str] = []

    @property
    def label(self) -> str:
        return "scripted backend"

    def complete(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self._reply(prompt) if callable(self._reply) else self._reply

    def stream(self, prompt: str) -> Iterator[str]:
        text = self.complete(prompt)
        for i in range(0, len(text), self._chunk):
            yield text[i : i + self._chunk]
