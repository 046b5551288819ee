"""Answers written by a generative backend, every sentence checked against what it cites.

The extractive answerer stays in front: it decides whether the documents hold an answer at
all (so a weak retrieval abstains without asking the model to improvise) and it is the
fallback whenever the backend fails.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from rag.backends import LLMBackend
from rag.deadline import Deadline
from rag.extractive import ExtractiveAnswerer
from rag.prompt import answer_prompt
from rag.question import Query
from rag.reader import Reading
from rag.types import ABSTAIN_TEXT, Answer, Passage, Sentence, TextLookup
from rag.verify import SupportChecker, verify_answer
from store.errors import BackendError

logger = logging.getLogger(__name__)

_ABSTAINS = re.compile(r"^\W*the documents do not say\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class GenerativeOptions:
    unsupported: Literal["mark", "drop"] = "mark"
    prompt_passages: int = 5


def compose(sentences: Sequence[Sentence]) -> str:
    return " ".join(
        s.text + (" " + "".join(f"[{n}]" for n in s.citations) if s.citations else "")
        for s in sentences
    )


class GenerativeAnswerer:
    """Prompt -> backend -> verified, cited answer (or the extractive answer on failure)."""

    def __init__(
        self,
        backend: LLMBackend,
        checker: SupportChecker,
        extractive: ExtractiveAnswerer,
        options: GenerativeOptions | None = None,
    ) -> None:
        self._backend = backend
        self._checker = checker
        self._extractive = extractive
        self._options = options or GenerativeOptions()

    def answer(
        self,
        query: Query,
        readings: list[Reading],
        text_of: TextLookup,
        deadline: Deadline | None = None,
    ) -> Answer:
        final = None
        for item in self.stream(query, readings, text_of, deadline):
            if isinstance(item, Answer):
                final = item
        if final is None:  # stream() always ends with an Answer; this keeps mypy honest
            raise BackendError(f"{self._backend.label} produced no answer")
        return final

    def stream(
        self,
        query: Query,
        readings: list[Reading],
        text_of: TextLookup,
        deadline: Deadline | None = None,
    ) -> Iterator[str | Answer]:
        """Text deltas as the model writes, then the verified ``Answer``.

        A model still writing when ``deadline`` passes is stopped, and the extractive answer
        is shown instead, as for any backend failure.
        """
        gate = self._extractive.answer(query.message, readings, text_of)
        if gate.abstained:
            yield gate.text
            yield gate
            return
        shown = gate.passages[: self._options.prompt_passages]
        yield from self.write(query, gate, shown, text_of, deadline)

    def write(
        self,
        query: Query,
        gate: Answer,
        shown: list[Passage],
        text_of: TextLookup,
        deadline: Deadline | None = None,
    ) -> Iterator[str | Answer]:
        """The model's answer from the passages ``shown``, streamed, then verified; ``gate``
        (an extractive answer from the same passages) is the fallback."""
        prompt = answer_prompt(query.message, shown, text_of)
        parts: list[str] = []
        deltas = self._backend.stream(prompt)
        try:
            for delta in deltas:
                parts.append(delta)
                yield delta
                if deadline is not None and deadline.expired:
                    raise BackendError(
                        f"{self._backend.label} did not finish within the question's "
                        f"{deadline.seconds:g} s budget (answer_seconds)"
                    )
            text = "".join(parts)
            if not text.strip():
                raise BackendError(f"{self._backend.label} returned an empty answer")
        except BackendError as error:
            logger.info("%s", error)
            notice = f"{str(error).rstrip('.')}; showing the extractive answer instead."
            yield f"\n{notice}\n" if parts else ""
            yield replace(gate, notice=notice)
            return
        finally:
            close = getattr(deltas, "close", None)
            if close is not None:  # a generator: stop the model's stream (and its request)
                close()
        yield self.finish(query, shown, text_of, text, gate)

    def finish(
        self,
        query: Query,
        passages: list[Passage],
        text_of: TextLookup,
        text: str,
        gate: Answer,
    ) -> Answer:
        """Verify the model's text and build the answer the user sees."""
        if _ABSTAINS.match(" ".join(text.split())):
            return Answer(
                query.message, ABSTAIN_TEXT, True, passages=passages, evidence=gate.evidence
            )
        sentences, citations = verify_answer(text, passages, text_of, self._checker)
        notice = None
        if self._options.unsupported == "drop":
            kept = [s for s in sentences if s.supported]
            if len(kept) < len(sentences):
                notice = f"{len(sentences) - len(kept)} unsupported sentence(s) left out."
            sentences = kept
        if not sentences:
            return replace(gate, notice=notice or "the model's answer had no checkable sentence.")
        used = sorted({n for s in sentences for n in s.citations})
        renumber = {old: new for new, old in enumerate(used, start=1)}
        sentences = [
            replace(
                s,
                citations=[renumber[n] for n in s.citations],
                supporting=[renumber[n] for n in s.supporting],
            )
            for s in sentences
        ]
        citations = [replace(c, n=renumber[c.n]) for c in citations if c.n in renumber]
        return Answer(
            question=query.message,
            text=compose(sentences),
            abstained=False,
            citations=citations,
            passages=passages,
            evidence=gate.evidence,
            sentences=sentences,
            notice=notice,
        )
