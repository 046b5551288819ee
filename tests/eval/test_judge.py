"""eval.judge: llama-index's evaluators against scripted judge servers on 127.0.0.1.

A judge that scores, one that answers garbage, and one nobody listens for: scores are parsed
from the reply, a failure is unscorable (never a zero), and the eval finishes either way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.harness import EvalRun, run_eval
from eval.judge import Verdict, build_judge, parse_correctness, summarize_verdicts
from eval.report import render_report
from eval.table import render
from rag import EvalError
from store.embedder import HashingEmbedder
from tests.eval.test_harness import citeqa_eval
from tests.llm_servers import (  # the fixtures are used as arguments below
    Script,
    ScriptedServer,
    llm_server,  # noqa: F401
    openai_server,  # noqa: F401
    refused_url,  # noqa: F401
)


@pytest.mark.parametrize(
    ("reply", "score"),
    [
        ("4.5\nMatches the reference.", 4.5),
        ("4", 4.0),
        ("Score: 3/5\nPartly right.", 3.0),
        ("  \n5.0\n\nexact", 5.0),
        ("7\nout of range", None),
        ("0.5\nout of range", None),
        ("The answer looks fine to me.", None),
        ("", None),
    ],
)
def test_parse_correctness(reply: str, score: float | None) -> None:
    parsed, reasoning = parse_correctness(reply)
    assert parsed == score
    assert reasoning is not None


def test_summary_means_leave_unscorable_verdicts_out() -> None:
    verdicts = [
        {"faithfulness": Verdict(1.0), "correctness": Verdict(4.0)},
        {"faithfulness": Verdict(None, "judge failed: timeout"), "correctness": Verdict(2.0)},
        None,  # an abstention: not judged
        {"faithfulness": Verdict(0.0), "correctness": Verdict(None, "no score")},
    ]
    assert summarize_verdicts(verdicts) == {
        "judge_judged": 3,
        "judge_faithfulness": 0.5,
        "judge_faithfulness_unscorable": 1,
        "judge_correctness": 3.0,
        "judge_correctness_unscorable": 1,
    }
    nothing = summarize_verdicts(
        [{"faithfulness": Verdict(None, "x"), "correctness": Verdict(None, "y")}]
    )
    assert nothing["judge_faithfulness"] is None and nothing["judge_correctness"] is None


def judged_run(tiny: tuple[Path, Path], kind: str, url: str) -> EvalRun:
    corpus, questions = tiny
    judge = build_judge(kind, url=url, model="judge-model", timeout=2.0, concurrency=2)
    return run_eval(corpus, questions, embedder=HashingEmbedder(), judge=judge)


def scripted_judge(prompt: str) -> str:
    """What a well-behaved judge says: a correctness score, or YES for faithfulness."""
    return "4.5\nMatches the reference." if "Generated Answer" in prompt else "YES"


def judged_answer(prompt: str) -> str:
    """The answer a judge prompt asks about (the passages around it mention other things)."""
    if "## Generated Answer" in prompt:
        return prompt.split("## Generated Answer")[-1]
    return prompt.rsplit("Information:", 1)[-1].split("Context:")[0]


def test_scores_come_from_the_judges_replies(
    tiny: tuple[Path, Path],
    llm_server: ScriptedServer,  # noqa: F811
) -> None:
    llm_server.script(scripted_judge)
    run = judged_run(tiny, llm_server.kind, llm_server.url)
    assert run.summary["judge_judged"] == 2  # t1 and t2 answered; t3 abstained, not judged
    assert run.summary["judge_faithfulness"] == 1.0
    assert run.summary["judge_correctness"] == 4.5
    assert run.summary["judge_faithfulness_unscorable"] == 0
    assert run.judge is not None and llm_server.url in run.judge
    questions = run.to_dict()["questions"]
    assert [q["judge"] is None for q in questions] == [False, False, True]
    assert questions[0]["judge"]["correctness"] == {
        "score": 4.5,
        "unscorable": None,
        "feedback": "Matches the reference.",
    }
    assert len(llm_server.requests) == 4  # two judgements per answered question
    correctness = [p for p in llm_server.prompts if "Generated Answer" in p]
    assert any("12 million" in p and run.outcomes[0].text in p for p in correctness)
    faithfulness = [p for p in llm_server.prompts if "Generated Answer" not in p]
    assert any("The repairs cost 12 million dollars" in p for p in faithfulness)


def test_a_garbled_verdict_is_unscorable_not_zero(
    tiny: tuple[Path, Path],
    openai_server: ScriptedServer,  # noqa: F811
) -> None:
    # The judge answers well about the bridge and nonsense about the library.
    openai_server.script(
        lambda prompt: (
            "I would rather not say."
            if "4,000" in judged_answer(prompt)
            else scripted_judge(prompt)
        )
    )
    run = judged_run(tiny, "openai", openai_server.url)
    assert run.summary["judge_faithfulness"] == 1.0  # not 0.5: the nonsense is left out
    assert run.summary["judge_correctness"] == 4.5
    assert run.summary["judge_faithfulness_unscorable"] == 1
    assert run.summary["judge_correctness_unscorable"] == 1
    library = run.to_dict()["questions"][1]["judge"]
    assert library["faithfulness"]["score"] is None
    assert "no YES/NO" in library["faithfulness"]["unscorable"]
    assert "no 1-5 score" in library["correctness"]["unscorable"]


@pytest.mark.parametrize(
    "reply", [Script(garbage=True), Script(status=500)], ids=["not-json", "http-500"]
)
def test_a_broken_judge_is_unscorable_and_the_run_completes(
    tiny: tuple[Path, Path],
    openai_server: ScriptedServer,  # noqa: F811
    reply: Script,
) -> None:
    openai_server.script(reply)
    run = judged_run(tiny, "openai", openai_server.url)
    assert run.summary["fact_recall"] is not None  # the deterministic figures are all there
    assert run.summary["judge_faithfulness"] is None
    assert run.summary["judge_correctness"] is None
    assert run.summary["judge_faithfulness_unscorable"] == run.summary["judge_judged"] == 2
    verdict = run.verdicts[0] if run.verdicts else None
    assert verdict is not None
    # The correctness call fails outright; llama-index's faithfulness query engine swallows
    # the failure and answers "Empty Response", which has no verdict: unscorable either way.
    assert (verdict["correctness"].unscorable or "").startswith("judge failed: ")
    assert verdict["faithfulness"].score is None and verdict["faithfulness"].unscorable


def test_an_unreachable_judge_is_unscorable(tiny: tuple[Path, Path], refused_url: str) -> None:  # noqa: F811
    run = judged_run(tiny, "ollama", refused_url)
    assert run.summary["judge_correctness_unscorable"] == run.summary["judge_judged"] == 2
    assert run.summary["accuracy"] is not None
    rows = run.to_dict()["questions"]
    assert "judge failed" in rows[0]["judge"]["faithfulness"]["unscorable"]
    table = render(run)
    assert "judge_faithfulness" in table and "0 scored, 2 unscorable" in table


def test_judge_scores_appear_in_the_table_and_report(
    tiny: tuple[Path, Path],
    openai_server: ScriptedServer,  # noqa: F811
) -> None:
    openai_server.script(scripted_judge)
    run = judged_run(tiny, "openai", openai_server.url)
    table = render(run)
    assert "advisory, never gated" in table
    assert "judge_correctness" in table and "4.500" in table
    page = render_report(run.to_dict())
    assert '<table id="judge">' in page and "LLM judge (advisory, never gated)" in page
    assert "correctness 4.5" in page and "not judged" in page


def test_the_judge_backend_must_be_a_model() -> None:
    with pytest.raises(EvalError, match="--judge must be one of openai, ollama, llamacpp"):
        build_judge("extractive")


@pytest.mark.slow
@pytest.mark.e2e
def test_citeqa_eval_with_a_judge(
    tiny: tuple[Path, Path],
    tmp_path: Path,
    openai_server: ScriptedServer,  # noqa: F811
) -> None:
    openai_server.script(scripted_judge)
    corpus, questions = tiny
    out = tmp_path / "out"
    result = citeqa_eval(
        "--corpus", corpus, "--questions", questions, "--out", out,
        "--judge", "openai", "--judge-url", openai_server.url, "--judge-model", "m",
        "--fail-under", "fact_recall=0",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "judge_faithfulness" in result.stdout
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["summary"]["judge_correctness"] == 4.5
    assert openai_server.url in data["judge"]
    assert '<table id="judge">' in (out / "report.html").read_text(encoding="utf-8")
