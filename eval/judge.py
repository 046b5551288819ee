"""Optional LLM-judge scores through llama-index's evaluators: reported, never a gate.

Two judgements per answered question, each by one of llama-index's own evaluators:

- ``faithfulness`` (``FaithfulnessEvaluator``): is the answer supported by the passages the
  answerer was shown? 1.0 for YES, 0.0 for NO.
- ``correctness`` (``CorrectnessEvaluator``): how well does the answer match the gold facts,
  from 1 (worst) to 5 (best)?

A judge failure (unreachable, timed out, a body that is not JSON, a reply with no verdict or
no score) is recorded as unscorable with its reason, never as a zero, and the run goes on.
Abstentions are not judged: there is no claim to check, and whether abstaining was right is
what the deterministic abstention figures already measure.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from eval.questions import Question
from rag import Answer, BackendConfig, EvalError, build_llm, load_settings

JUDGE_METRICS = ("faithfulness", "correctness")
JUDGE_KINDS = ("openai", "ollama", "llamacpp")
JUDGE_CONTEXTS = 5  # passages judged against: as many as the generative answerer is shown
NO_ANSWER_REFERENCE = (
    "None: the documents cannot answer this question, so the right reply is "
    "'The documents do not say.'"
)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Verdict:
    """One judgement: a score, or why there is none."""

    score: float | None
    unscorable: str | None = None
    feedback: str | None = None


@dataclass(frozen=True)
class JudgeCase:
    """What the judge reads for one answered question."""

    query: str
    response: str
    contexts: list[str]
    reference: str


def judge_case(question: Question, answer: Answer, text_of: Callable[[str], str]) -> JudgeCase:
    """The case for an answer: the passages' context windows and the gold facts as reference."""
    contexts = []
    for passage in answer.passages[:JUDGE_CONTEXTS]:
        chunk = passage.chunk
        contexts.append(
            " ".join(text_of(chunk.source)[chunk.window_start : chunk.window_end].split())
        )
    reference = (
        "; ".join(" / ".join([f] if isinstance(f, str) else f) for f in question.answers)
        if question.answerable
        else NO_ANSWER_REFERENCE
    )
    return JudgeCase(
        query=answer.standalone_question or question.question,
        response=answer.text,
        contexts=contexts,
        reference=reference,
    )


def parse_correctness(reply: str) -> tuple[float | None, str | None]:
    """(score, reasoning) from a CorrectnessEvaluator reply: the score alone on its first line.

    llama-index's own parser raises on a reply of one line and accepts any number; this one
    returns no score for anything but a number from 1 to 5, so a garbled reply is unscorable.
    """
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return None, "the judge's reply was empty"
    match = re.fullmatch(r"(?:score\s*[:=]?\s*)?(\d+(?:\.\d+)?)(?:\s*/\s*5)?", lines[0], re.I)
    if match is None or not 1.0 <= float(match.group(1)) <= 5.0:
        return None, reply.strip()
    return float(match.group(1)), "\n".join(lines[1:])


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Judge:
    """Scores answers with llama-index's faithfulness and correctness evaluators."""

    def __init__(self, llm: Any, label: str, concurrency: int = 1) -> None:
        """Wrap a llama-index LLM (passed explicitly: never llama-index's global Settings)."""
        from llama_index.core.evaluation import CorrectnessEvaluator, FaithfulnessEvaluator

        self.label = label
        self._concurrency = max(1, concurrency)
        self._faithfulness = FaithfulnessEvaluator(llm=llm)
        self._correctness = CorrectnessEvaluator(llm=llm, parser_function=parse_correctness)

    def judge_all(
        self, cases: Sequence[JudgeCase | None], progress: Progress | None = None
    ) -> list[dict[str, Verdict] | None]:
        """A verdict per metric for each case (``None`` where there is no case), in order.

        One event loop for the whole set: llama-index's clients keep their async HTTP client
        between calls, and that client cannot outlive the loop it was first used on.
        """
        return asyncio.run(self._all(cases, progress))

    async def _all(
        self, cases: Sequence[JudgeCase | None], progress: Progress | None
    ) -> list[dict[str, Verdict] | None]:
        gate = asyncio.Semaphore(self._concurrency)
        total = sum(case is not None for case in cases)
        done = 0

        async def one(case: JudgeCase | None) -> dict[str, Verdict] | None:
            nonlocal done
            if case is None:
                return None
            async with gate:
                verdicts = {
                    "faithfulness": await self._judge(self._faithful, case),
                    "correctness": await self._judge(self._correct, case),
                }
            done += 1
            if progress:
                progress(done, total)
            return verdicts

        return list(await asyncio.gather(*(one(case) for case in cases)))

    @staticmethod
    async def _judge(
        evaluate: Callable[[JudgeCase], Awaitable[Verdict]], case: JudgeCase
    ) -> Verdict:
        try:
            return await evaluate(case)
        except Exception as error:
            # The judge is advisory: whatever breaks in it (network, protocol, a parser deep
            # inside llama-index) must leave a reason behind, never end a finished run.
            text = _one_line(str(error)) or "no message"
            return Verdict(None, unscorable=f"judge failed: {type(error).__name__}: {text}")

    async def _faithful(self, case: JudgeCase) -> Verdict:
        if not case.contexts:
            return Verdict(None, unscorable="no passages to judge the answer against")
        result = await self._faithfulness.aevaluate(
            query=case.query, response=case.response, contexts=case.contexts
        )
        reply = str(result.feedback or "")
        # The evaluator reads any reply without "yes" as NO; a reply with neither word is
        # no verdict at all, and scoring it 0.0 would count the judge's failure as the answer's.
        if not re.search(r"\b(yes|no)\b", reply, re.I):
            return Verdict(None, unscorable=f"no YES/NO in the judge's reply: {_one_line(reply)!r}")
        return Verdict(float(result.score or 0.0), feedback=_one_line(reply))

    async def _correct(self, case: JudgeCase) -> Verdict:
        result = await self._correctness.aevaluate(
            query=case.query, response=case.response, reference=case.reference
        )
        if result.score is None:
            reply = _one_line(str(result.feedback or ""))
            return Verdict(None, unscorable=f"no 1-5 score in the judge's reply: {reply!r}")
        return Verdict(float(result.score), feedback=_one_line(str(result.feedback or "")))


def build_judge(
    kind: str,
    *,
    url: str | None = None,
    model: str | None = None,
    timeout: float | None = None,
    overrides: dict[str, Any] | None = None,
    concurrency: int = 1,
) -> Judge:
    """A judge on backend ``kind``; unset url/model/timeout come from the run's settings.

    So ``--llm openai --set llm_url=URL --judge openai`` judges with the answering server,
    and ``--judge-url``/``--judge-model`` point the judge elsewhere.
    """
    if kind not in JUDGE_KINDS:
        raise EvalError(f"--judge must be one of {', '.join(JUDGE_KINDS)}, not '{kind}'")
    settings = load_settings(**(overrides or {}))
    run = BackendConfig.from_settings(settings)
    client = build_llm(
        replace(
            run,
            kind=kind,
            url=url or run.url,
            model=model or run.model,
            timeout=timeout or run.timeout,
        )
    )
    return Judge(client.llm, f"judge: {client.label}", concurrency)


def summarize_verdicts(verdicts: Sequence[dict[str, Verdict] | None]) -> dict[str, Any]:
    """Mean score over the scored answers per metric, and how many were unscorable."""
    judged = [v for v in verdicts if v is not None]
    summary: dict[str, Any] = {"judge_judged": len(judged)}
    for metric in JUDGE_METRICS:
        scores = [s for v in judged if (s := v[metric].score) is not None]
        summary[f"judge_{metric}"] = round(sum(scores) / len(scores), 4) if scores else None
        summary[f"judge_{metric}_unscorable"] = sum(v[metric].score is None for v in judged)
    return summary
