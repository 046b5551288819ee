"""eval.sweep: axes, their product, one ingest per chunking group, and the sweep's outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import eval.sweep as sweep_module
from eval.harness import EvalRun
from eval.sweep import (
    Axis,
    SweepPoint,
    SweepResult,
    combinations,
    group_by_chunking,
    parse_axes,
    run_sweep,
    write_sweep_json,
)
from eval.sweep_report import best_rows, render_sweep_html, render_sweep_table
from rag import Assistant, EvalError, IngestReport
from store.embedder import HashingEmbedder
from tests.chromium import chromium
from tests.eval.test_harness import citeqa_eval


def test_axes_are_parsed_in_order() -> None:
    axes = parse_axes(["top_k=3, 5,8", "hybrid=on,off"])
    assert axes == [Axis("top_k", ("3", "5", "8")), Axis("hybrid", ("on", "off"))]


@pytest.mark.parametrize(
    ("specs", "base", "message"),
    [
        (["top_k"], {}, "--sweep expects KEY=V1,V2,..., got 'top_k'"),
        (["=3,5"], {}, "--sweep expects KEY=V1,V2"),
        (["top_k="], {}, "--sweep top_k: empty value in 'top_k='"),
        (["top_k=3,,5"], {}, "--sweep top_k: empty value"),
        (["topk=3,5"], {}, "--sweep topk: no such setting; did you mean top_k?"),
        (["colour=red"], {}, "--sweep colour: no such setting$"),
        (["store=a,b"], {}, "--sweep store: cannot be swept"),
        (["embed_model_path=a,b"], {}, "one embedding model is shared by the whole sweep"),
        (["top_k=5,0"], {}, r"--sweep top_k=0: invalid setting 'top_k': .*greater than or equal"),
        (["hybrid=on,maybe"], {}, "--sweep hybrid=maybe: invalid setting 'hybrid'"),
        (["top_k=3", "top_k=5"], {}, "--sweep top_k: given twice"),
        (["top_k=3,5,3"], {}, "--sweep top_k: value '3' is listed twice"),
        (["top_k=3,5"], {"top_k": "8"}, "--sweep top_k: also fixed by --set"),
        (["window=0,1"], {"max_chunk_tokens": "2"}, "--sweep window=0: invalid setting 'max"),
    ],
)
def test_bad_axes_are_one_line_errors(specs: list[str], base: dict[str, Any], message: str) -> None:
    with pytest.raises(EvalError, match=message) as caught:
        parse_axes(specs, base)
    assert "\n" not in str(caught.value)


def test_combinations_are_the_cartesian_product() -> None:
    combos = combinations([Axis("top_k", ("3", "5")), Axis("hybrid", ("on", "off"))])
    assert combos == [
        {"top_k": "3", "hybrid": "on"},
        {"top_k": "3", "hybrid": "off"},
        {"top_k": "5", "hybrid": "on"},
        {"top_k": "5", "hybrid": "off"},
    ]
    assert combinations([]) == [{}]


def test_combinations_group_by_the_chunking_they_store() -> None:
    combos = combinations(
        [Axis("top_k", ("3", "5")), Axis("window", ("0", "1")), Axis("max_chunk_tokens", ("64",))]
    )
    assert group_by_chunking(combos) == [[0, 2], [1, 3]]
    # Effective values decide: window=1 is the default, so these two store the same chunks.
    assert group_by_chunking([{"window": "1"}, {"window": "01"}]) == [[0, 1]]
    assert group_by_chunking([{"top_k": "3"}, {"top_k": "9"}], {"window": "2"}) == [[0, 1]]


def test_a_sweep_ingests_once_per_chunking_group(
    tiny: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    ingests: list[tuple[int, int]] = []
    asked: set[tuple[int, int, bool]] = set()
    ingest, chat = Assistant.ingest, Assistant.chat

    def counting_ingest(self: Assistant, paths: list[Any], progress: Any = None) -> IngestReport:
        ingests.append((self.settings.window, self.settings.max_chunk_tokens))
        return ingest(self, paths, progress)

    def recording_chat(self: Assistant, message: str, history: Any = ()) -> Any:
        asked.add((self.settings.window, self.settings.top_k, self.settings.hybrid))
        return chat(self, message, history)

    models: list[HashingEmbedder] = []

    def one_model(path: Path | None = None) -> HashingEmbedder:
        models.append(HashingEmbedder())
        return models[-1]

    monkeypatch.setattr(Assistant, "ingest", counting_ingest)
    monkeypatch.setattr(Assistant, "chat", recording_chat)
    monkeypatch.setattr(sweep_module, "SentenceTransformerEmbedder", one_model)
    corpus, questions = tiny
    axes = parse_axes(["window=0,1", "top_k=3,10"], {"hybrid": "off"})
    result = run_sweep(corpus, questions, axes, base={"hybrid": "off"}, jobs=2)

    assert sorted(ingests) == [(0, 200), (1, 200)]  # one per window, not one per combination
    assert result.ingests == 2
    assert len(models) == 1  # the embedding model is made once for the whole sweep
    assert asked == {(0, 3, False), (0, 10, False), (1, 3, False), (1, 10, False)}
    assert [p.settings for p in result.points] == combinations(axes)
    for point in result.points:
        assert point.run.summary["questions"] == 3
        assert point.run.ingest.startswith("2 added")

    path = write_sweep_json(result, tmp := corpus.parent / "out")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["axes"] == {"window": ["0", "1"], "top_k": ["3", "10"]}
    assert data["base"] == {"hybrid": "off"} and data["ingests"] == 2
    assert [c["label"] for c in data["combinations"]] == [
        "window=0 top_k=3",
        "window=0 top_k=10",
        "window=1 top_k=3",
        "window=1 top_k=10",
    ]
    assert data["combinations"][0]["summary"]["fact_recall"] is not None
    assert tmp.is_dir()


def run_with(**summary: Any) -> EvalRun:
    return EvalRun(summary=summary, by_kind={}, outcomes=[], ingest="2 added")


SYNTHETIC = SweepResult(
    axes=[Axis("top_k", ("3", "10")), Axis("window", ("0", "1"))],
    base={"hybrid": "on"},
    ingests=2,
    points=[
        SweepPoint(
            {"top_k": k, "window": w},
            run_with(
                fact_recall=fr,
                abstention_recall=ar,
                citation_exactness=1.0,
                false_abstention_rate=fa,
                latency_p50_ms=lat,
                mrr=0.9,
            ),
        )
        for (k, w), fr, ar, fa, lat in [
            (("3", "0"), 0.70, 0.5, 0.10, 20.0),
            (("3", "1"), 0.80, 0.6, 0.02, 25.0),
            (("10", "0"), 0.75, 0.4, 0.05, 30.0),
            (("10", "1"), 0.80, 0.7, 0.04, 40.0),
        ]
    ],
)


def test_best_rows_know_which_way_is_better() -> None:
    assert best_rows([0.7, 0.8, 0.75, 0.8], higher=True) == {1, 3}
    assert best_rows([0.10, 0.02, 0.05], higher=False) == {1}
    assert best_rows([1.0, 1.0, None], higher=True) == set()  # nothing to tell apart
    assert best_rows([None, 0.3], higher=True) == set()


def test_the_terminal_table_marks_the_best_per_column() -> None:
    table = render_sweep_table(SYNTHETIC)
    header, *rows = table.splitlines()[:5]
    assert header.split()[:4] == ["top_k", "window", "fact_recall", "source_hit_at_1"]
    assert rows[1].split()[:3] == ["3", "1", "0.800*"]
    assert rows[3].split()[:3] == ["10", "1", "0.800*"]
    assert "0.020*" in rows[1] and "20.0*" in rows[0]  # lowest false abstention, latency
    assert "1.000*" not in table  # every row has citation_exactness 1.0: no best
    assert "4 combinations, 2 ingest(s)" in table


def test_the_page_is_self_contained() -> None:
    page = render_sweep_html(SYNTHETIC)
    assert "http" not in page and "<script" not in page
    assert page.count("<tr>") == 5 and page.count('class="num best"') >= 4
    assert page.count("<svg") == 1 and page.count("<rect") == 12
    assert "hybrid=on" in page


def test_a_sweep_cannot_be_gated_or_compared(tmp_path: Path) -> None:
    for extra in (["--compare", "old.json"], ["--write-baseline"], ["--max-drop", "0.1"]):
        result = citeqa_eval("--sweep", "top_k=3,5", *extra, cwd=tmp_path)
        assert result.returncode == 2
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"citeqa: error: --sweep cannot be combined with {extra[0]}")


def test_a_bad_sweep_is_one_line_on_the_command_line(tmp_path: Path) -> None:
    result = citeqa_eval("--sweep", "top_k=3,fifty", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "citeqa: error: --sweep top_k=fifty: invalid setting 'top_k': Input should be a "
        "valid integer, unable to parse string as an integer"
    ]


@pytest.mark.e2e
def test_the_sweep_page_renders_in_chromium(tmp_path: Path) -> None:
    page_file = tmp_path / "sweep.html"
    page_file.write_text(render_sweep_html(SYNTHETIC), encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page()
        page.goto(page_file.as_uri())
        assert page.locator("#sweep tr").count() == 5
        best = page.locator("#sweep td.best").first
        assert best.evaluate("e => getComputedStyle(e).fontWeight") == "700"
        bars = page.locator("#sweep-chart svg rect")
        assert bars.count() == 12
        for i in range(bars.count()):
            box = bars.nth(i).bounding_box()
            assert box is not None and box["width"] >= 1 and box["height"] > 1
        label = page.locator("#sweep-chart svg text.label").first.bounding_box()
        first_bar = bars.first.bounding_box()
        assert label is not None and first_bar is not None
        assert label["x"] + label["width"] <= first_bar["x"]  # labels never run into the bars
        page.screenshot(path=str(tmp_path / "sweep.png"), full_page=True)


@pytest.mark.slow
@pytest.mark.e2e
def test_citeqa_eval_sweep(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, questions = tiny
    out = tmp_path / "out"
    result = citeqa_eval(
        "--corpus", corpus, "--questions", questions, "--out", out,
        "--sweep", "top_k=3,10", "--sweep", "window=0,1", "--jobs", "2",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split()
    assert header[:3] == ["top_k", "window", "fact_recall"]
    assert "4 combinations, 2 ingest(s)" in result.stdout
    data = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert len(data["combinations"]) == 4 and data["ingests"] == 2
    assert (out / "sweep.html").read_text(encoding="utf-8").count("<svg") == 1


def test_judge_scores_join_the_table_when_the_sweep_was_judged() -> None:
    judged = SweepResult(
        axes=[Axis("top_k", ("3", "10"))],
        base={},
        ingests=1,
        points=[
            SweepPoint({"top_k": k}, run_with(fact_recall=0.8, judge_judged=5, judge_correctness=c))
            for k, c in (("3", 3.5), ("10", 4.5))
        ],
    )
    header, first, second = render_sweep_table(judged).splitlines()[:3]
    assert header.split()[-2:] == ["judge_faithfulness", "judge_correctness"]
    assert second.split()[-1] == "4.5*" and first.split()[-1] == "3.5"
    assert "judge_* are advisory" in render_sweep_table(judged)
    assert "judge_faithfulness" not in render_sweep_table(SYNTHETIC)
