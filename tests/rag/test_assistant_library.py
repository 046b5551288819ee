"""Assistant.configure, add_files, remove and document: one store shared by derived assistants.

A real Chroma store on disk and the fast hashing embedder; the generative backend is the
``ScriptedBackend`` fake, or a real llama-index client pointed at a scripted loopback server.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rag import (
    Assistant,
    BackendError,
    IngestError,
    SettingsError,
    StoredDocument,
    StoreError,
    load_settings,
)
from rag.backends import ScriptedBackend
from rag.library import safe_upload_name
from store.embedder import HashingEmbedder
from tests.llm_servers import serve, written

ROAD = (
    "Castello Road closed\n\n"
    "The Castello Road is used to supply food, water and medicines to Aleppo. "
    "The road was closed by heavy fighting in July.\n"
)
TALKS = (
    "Talks in Geneva\n\n"
    "Staffan de Mistura said the peace talks in Geneva would resume in late August. "
    "Both delegations confirmed that they would attend the talks.\n"
)
BRIDGE = (
    "Bridge over the Euphrates\n\n"
    "Engineers rebuilt the Raqqa bridge over the Euphrates in eleven days. "
    "Trucks crossed the rebuilt bridge on Monday.\n"
)
ROAD_QUESTION = "Which road is used to supply food to Aleppo?"
BRIDGE_QUESTION = "How many days did engineers need to rebuild the Raqqa bridge?"

MakeAssistant = Callable[..., Assistant]


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder outside the store with two reports in it."""
    folder = tmp_path / "docs"
    write(folder, "road.txt", ROAD)
    write(folder, "talks.txt", TALKS)
    return folder


@pytest.fixture
def assistant(make_fake_assistant: MakeAssistant) -> Assistant:
    """An empty store; answers are never withheld for thin evidence (hashing embedder)."""
    return make_fake_assistant(abstain_threshold=0.0)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """A store holding road.txt and talks.txt, for the tests that change nothing in it."""
    root = tmp_path_factory.mktemp("library")
    write(root / "docs", "road.txt", ROAD)
    write(root / "docs", "talks.txt", TALKS)
    settings = load_settings(store=root / "store", abstain_threshold=0.0)
    assistant = Assistant.open(settings=settings, embedder=HashingEmbedder())
    report = assistant.ingest([root / "docs"])
    assert len(report.added) == 2, report.summary()
    return assistant


def sources(assistant: Assistant) -> list[str]:
    return [d.source for d in assistant.documents()]


def cited_files(assistant: Assistant, question: str) -> set[str]:
    """Names of the files the answer cites and of every passage retrieved for it."""
    answer = assistant.ask(question)
    return {Path(c.source).name for c in answer.citations} | {
        Path(p.chunk.source).name for p in answer.passages
    }


# --- configure: settings --------------------------------------------------------------------------


def test_configure_changes_only_the_given_settings(shared: Assistant) -> None:
    derived = shared.configure(top_k=3, max_answer_sentences=1)
    assert derived is not shared
    assert (derived.settings.top_k, derived.settings.max_answer_sentences) == (3, 1)
    assert (shared.settings.top_k, shared.settings.max_answer_sentences) == (10, 2)
    before = shared.settings.model_dump()
    after = derived.settings.model_dump()
    assert {k for k in before if before[k] != after[k]} == {"top_k", "max_answer_sentences"}


def test_configure_without_overrides_is_an_equal_copy(shared: Assistant) -> None:
    derived = shared.configure()
    assert derived.settings == shared.settings
    assert derived.ask(ROAD_QUESTION).text == shared.ask(ROAD_QUESTION).text


def test_a_configured_assistant_answers_with_its_own_settings(shared: Assistant) -> None:
    narrow = shared.configure(top_k=1)
    assert len(narrow.ask(ROAD_QUESTION).passages) == 1
    assert len(shared.ask(ROAD_QUESTION).passages) > 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"window": 2},
        {"store": "/tmp/elsewhere"},
        {"chroma_url": "http://127.0.0.1:8000"},
        {"collection": "other"},
        {"embed_model_path": "/models/minilm"},
        {"max_chunk_tokens": 64},
        {"top_k": 5, "window": 0},  # a store setting among allowed ones is refused too
    ],
    ids=lambda o: ",".join(o),
)
def test_configure_refuses_settings_that_shape_the_store(
    shared: Assistant, overrides: dict[str, Any]
) -> None:
    before = shared.settings.model_dump()
    with pytest.raises(SettingsError, match="cannot change on an open store") as raised:
        shared.configure(**overrides)
    assert "top_k" not in str(raised.value)
    for name in set(overrides) - {"top_k"}:
        assert name in str(raised.value)
    assert shared.settings.model_dump() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"top_k": 0}, "top_k"),
        ({"top_k": 51}, "top_k"),
        ({"top_k": "many"}, "top_k"),
        ({"candidates": 0}, "candidates"),
        ({"abstain_threshold": 1.5}, "abstain_threshold"),
        ({"llm": "gpt-5"}, "llm"),
        ({"unsupported": "hide"}, "unsupported"),
        ({"llm_timeout": 0}, "llm_timeout"),
        ({"topk": 3}, "topk"),  # a misspelt name is an error, not silently ignored
    ],
)
def test_configure_validates_values(
    shared: Assistant, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(SettingsError, match=f"invalid setting: {field}"):
        shared.configure(**overrides)
    assert shared.settings.top_k == 10


def test_configure_does_not_reread_the_environment(
    shared: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITEQA_TOP_K", "7")
    assert shared.configure(max_answer_sentences=1).settings.top_k == shared.settings.top_k


# --- configure: one store, one keyword index, one text cache --------------------------------------


def test_derived_assistants_share_the_store_both_ways(
    assistant: Assistant, docs: Path, tmp_path: Path
) -> None:
    derived = assistant.configure(top_k=4, candidates=12)  # its own retrieval options
    assert derived.ask(ROAD_QUESTION).citations == []  # nothing ingested yet

    assistant.ingest([docs / "road.txt"])
    assert sources(derived) == [str(docs / "road.txt")]
    assert "road.txt" in cited_files(derived, ROAD_QUESTION)

    bridge = write(tmp_path / "more", "bridge.txt", BRIDGE)
    derived.ingest([bridge])
    assert sources(assistant) == sources(derived) == sorted([str(docs / "road.txt"), str(bridge)])
    assert "bridge.txt" in cited_files(assistant, BRIDGE_QUESTION)


def test_a_new_file_reaches_every_keyword_index(assistant: Assistant, docs: Path) -> None:
    assistant.ingest([docs])
    same_options = assistant.configure(top_k=5)
    other_options = assistant.configure(candidates=12, rrf_k=30)
    for each in (assistant, same_options, other_options):
        each.ask(BRIDGE_QUESTION)  # builds each keyword index before the new file arrives

    assistant.add_files([write(docs.parent / "new", "bridge.txt", BRIDGE)])
    for each in (same_options, other_options):
        passages = each.ask(BRIDGE_QUESTION).passages
        from_bridge = [p for p in passages if Path(p.chunk.source).name == "bridge.txt"]
        assert from_bridge, "the new file is retrieved"
        assert any(p.keyword_rank is not None for p in from_bridge), "and found by keyword"


def test_a_removed_file_leaves_every_derived_assistant(assistant: Assistant, docs: Path) -> None:
    assistant.add_files([docs / "road.txt", docs / "talks.txt"])
    road = str(assistant.uploads_folder / "road.txt")
    derived = assistant.configure(candidates=12)
    assert "road.txt" in cited_files(derived, ROAD_QUESTION)
    assert derived.document_text(road) == ROAD  # cached now

    assert assistant.remove(road)
    assert sources(derived) == [str(assistant.uploads_folder / "talks.txt")]
    assert "road.txt" not in cited_files(derived, ROAD_QUESTION)
    with pytest.raises(StoreError):
        derived.document(road)
    with pytest.raises(StoreError):
        derived.document_text(road)


def test_a_replaced_upload_is_read_afresh_by_derived_assistants(
    assistant: Assistant, docs: Path, tmp_path: Path
) -> None:
    assistant.add_files([docs / "road.txt"])
    derived = assistant.configure(top_k=3)
    copy = str(assistant.uploads_folder / "road.txt")
    assert derived.document_text(copy) == ROAD

    reopened = ROAD.replace("was closed", "was reopened")
    report = derived.add_files([write(tmp_path / "newer", "road.txt", reopened)])
    assert report.updated == [copy]
    assert assistant.document_text(copy) == derived.document_text(copy) == reopened
    for answer in (assistant.ask(ROAD_QUESTION), derived.ask(ROAD_QUESTION)):
        for citation in answer.citations:
            assert reopened[citation.start : citation.end] == citation.quote


# --- configure: the backend -----------------------------------------------------------------------


def scripted_reply(prompt: str) -> str:
    return written(("The Castello Road is used to supply food to Aleppo", "Castello Road is"))(
        prompt
    )


def test_configure_keeps_the_backend_when_no_llm_setting_changes(shared: Assistant) -> None:
    backend = ScriptedBackend(scripted_reply)
    generative = Assistant.open(settings=shared.settings, embedder=HashingEmbedder(), llm=backend)
    derived = generative.configure(top_k=4, unsupported="drop")
    assert derived.backend_label == "scripted backend"
    answer = derived.ask(ROAD_QUESTION)
    assert len(backend.prompts) == 1, "the derived assistant asked the same backend"
    assert answer.text == "The Castello Road is used to supply food to Aleppo. [1]"
    assert answer.sentences[0].supported


def test_configure_switches_the_backend(shared: Assistant) -> None:
    openai = shared.configure(llm="openai", llm_url="http://127.0.0.1:9/v1", llm_model="m")
    assert openai.backend_label == "openai backend at http://127.0.0.1:9/v1 (model m)"
    assert shared.backend_label == "extractive answerer"
    ollama = openai.configure(llm="ollama", llm_url="http://127.0.0.1:9")
    assert ollama.backend_label == "ollama backend at http://127.0.0.1:9 (model m)"
    assert ollama.configure(llm="extractive").backend_label == "extractive answerer"


def test_configure_reuses_a_backend_object_it_can(shared: Assistant) -> None:
    openai = shared.configure(llm="openai", llm_url="http://127.0.0.1:9/v1")
    # Identity is the point: a local GGUF model must not load again for every option set.
    assert openai.configure(top_k=3)._backend is openai._backend
    assert openai.configure(llm_model="other")._backend is not openai._backend
    assert openai.configure(llm_timeout=5.0)._backend is not openai._backend


def test_configure_llamacpp_without_a_gguf_file_is_a_backend_error(shared: Assistant) -> None:
    with pytest.raises(BackendError, match="no GGUF file"):
        shared.configure(llm="llamacpp", llm_gguf="/nowhere/model.gguf")


def test_configure_applies_a_new_answer_length_to_the_backend(shared: Assistant) -> None:
    with serve("openai", scripted_reply) as server:
        base = shared.configure(llm="openai", llm_url=server.url, llm_model="m", llm_timeout=5.0)
        base.ask(ROAD_QUESTION)
        base.configure(llm_max_tokens=64).ask(ROAD_QUESTION)
    first, second = server.requests
    assert first.body["max_tokens"] == shared.settings.llm_max_tokens
    assert second.body["max_tokens"] == 64


# --- add_files ------------------------------------------------------------------------------------


def test_add_files_copies_into_the_uploads_folder_and_ingests_the_copy(
    assistant: Assistant, docs: Path
) -> None:
    original = docs / "road.txt"
    report = assistant.add_files([original])
    copy = assistant.uploads_folder / "road.txt"
    assert report.added == [str(copy)] and not report.failed
    assert copy.read_bytes() == original.read_bytes()
    assert sources(assistant) == [str(copy)]

    original.unlink()  # the browser's temporary file is gone; the store does not mind
    answer = assistant.ask(ROAD_QUESTION)
    assert answer.citations and {c.source for c in answer.citations} == {str(copy)}
    for citation in answer.citations:
        assert copy.read_text(encoding="utf-8")[citation.start : citation.end] == citation.quote


def test_uploads_folder_is_inside_the_store(
    make_fake_assistant: MakeAssistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = make_fake_assistant()
    assert assistant.uploads_folder == (tmp_path / "store").resolve() / "uploads"
    monkeypatch.chdir(tmp_path)
    relative = Assistant.open(settings=load_settings(store="relative"), embedder=HashingEmbedder())
    assert relative.uploads_folder == (tmp_path / "relative" / "uploads").resolve()
    assert relative.uploads_folder.is_absolute()


def test_add_files_reports_progress(assistant: Assistant, docs: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    assistant.add_files(
        [docs / "road.txt", docs / "talks.txt"], progress=lambda *a: calls.append(a)
    )
    uploads = assistant.uploads_folder
    assert calls == [(1, 2, str(uploads / "road.txt")), (2, 2, str(uploads / "talks.txt"))]


def test_add_files_again_is_unchanged(assistant: Assistant, docs: Path) -> None:
    assistant.add_files([docs / "road.txt"])
    report = assistant.add_files([docs / "road.txt"])
    assert report.unchanged == [str(assistant.uploads_folder / "road.txt")]
    assert not report.changed and report.chunks_written == 0


def test_a_file_with_the_name_of_an_earlier_upload_replaces_it(
    assistant: Assistant, docs: Path, tmp_path: Path
) -> None:
    assistant.add_files([docs / "road.txt"])
    report = assistant.add_files([write(tmp_path / "other", "road.txt", TALKS)])
    copy = assistant.uploads_folder / "road.txt"
    assert report.updated == [str(copy)]
    assert sources(assistant) == [str(copy)]
    assert assistant.document_text(str(copy)) == TALKS


def test_add_no_files(assistant: Assistant) -> None:
    report = assistant.add_files([])
    assert (
        report.summary()
        == "0 added, 0 updated, 0 unchanged, 0 removed, 0 failed (0 chunks written)"
    )
    assert assistant.documents() == []


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_add_files_refuses_what_is_not_a_file(assistant: Assistant, docs: Path, kind: str) -> None:
    bad = docs / "missing.txt" if kind == "missing" else docs
    with pytest.raises(IngestError, match="not a file") as raised:
        assistant.add_files([bad])
    assert str(bad) in str(raised.value)
    assert assistant.documents() == []


def test_add_files_checks_every_file_before_copying_any(
    assistant: Assistant, docs: Path, tmp_path: Path
) -> None:
    assistant.add_files([docs / "talks.txt"])
    newer_talks = write(tmp_path / "newer", "talks.txt", TALKS.replace("August", "September"))
    with pytest.raises(IngestError, match=r"missing\.txt: not a file"):
        assistant.add_files([docs / "road.txt", newer_talks, docs / "missing.txt"])
    # Nothing half-done: the uploads folder still holds exactly what the store indexed.
    uploads = assistant.uploads_folder
    assert sources(assistant) == [str(uploads / "talks.txt")]
    assert sorted(p.name for p in uploads.iterdir()) == ["talks.txt"]
    assert (uploads / "talks.txt").read_text(encoding="utf-8") == TALKS


def test_a_file_that_cannot_be_ingested_fails_alone(
    assistant: Assistant, docs: Path, tmp_path: Path
) -> None:
    binary = tmp_path / "in" / "scan.txt"
    binary.parent.mkdir()
    binary.write_bytes(b"\x00\x01\x02 not text")
    report = assistant.add_files([docs / "road.txt", binary])
    assert report.added == [str(assistant.uploads_folder / "road.txt")]
    (failure,) = report.failed
    assert failure.path == str(assistant.uploads_folder / "scan.txt")
    assert "binary" in failure.reason
    assert sources(assistant) == [str(assistant.uploads_folder / "road.txt")]


def test_a_hostile_file_name_is_stored_under_a_plain_name(
    assistant: Assistant, tmp_path: Path
) -> None:
    hostile = write(tmp_path / "in", ".$(rm -rf ~) <b>road;report.txt", ROAD)
    report = assistant.add_files([hostile])
    copy = assistant.uploads_folder / "_rm -rf _ _b_road_report.txt"
    assert report.added == [str(copy)]
    assert copy.is_file()
    assert [p.name for p in assistant.uploads_folder.iterdir()] == [copy.name]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.txt", "report.txt"),
        ("Report 2016-07-29.md", "Report 2016-07-29.md"),
        ("Алеппо.txt", "Алеппо.txt"),
        ("../../etc/passwd", "passwd"),
        ("/etc/cron.d/job.txt", "job.txt"),
        (".bashrc", "bashrc"),
        ("..", "upload"),
        ("", "upload"),
        ("...", "upload"),
        (" report.txt. ", "report.txt"),
        ("a\\b.txt", "a_b.txt"),
        ("$(whoami).txt", "_whoami_.txt"),
        ("x;y|z&w.txt", "x_y_z_w.txt"),
        ("tab\tnew\nline.txt", "tab_new_line.txt"),
    ],
)
def testsafe_upload_name(name: str, safe: str) -> None:
    assert safe_upload_name(name) == safe


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_safe_name_is_always_one_plain_name(name: str) -> None:
    safe = safe_upload_name(name)
    assert safe and safe == safe.strip(" .")
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".")
    uploads = Path("/store/uploads")
    assert (uploads / safe).parent == uploads
    assert all(c.isalnum() or c in "._- " for c in safe)


# --- remove ---------------------------------------------------------------------------------------


def test_remove_an_upload_by_source_deletes_its_copy(assistant: Assistant, docs: Path) -> None:
    assistant.add_files([docs / "road.txt", docs / "talks.txt"])
    copy = assistant.uploads_folder / "road.txt"
    assert assistant.remove(str(copy)) is True
    assert not copy.exists()
    assert (docs / "road.txt").exists(), "the original is not the store's to delete"
    assert sources(assistant) == [str(assistant.uploads_folder / "talks.txt")]
    assert "road.txt" not in cited_files(assistant, ROAD_QUESTION)
    assert assistant.remove(str(copy)) is False  # already gone


def test_remove_a_file_ingested_in_place_leaves_it_on_disk(
    assistant: Assistant, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(docs.parent)
    assistant.ingest(["docs/road.txt", "docs/talks.txt"])
    (road, talks) = assistant.documents()
    assert road.source == "docs/road.txt" and Path(road.path).is_absolute()
    assert assistant.remove(road.path) is True  # by absolute path
    assert assistant.remove(talks.source) is True  # by the source as ingested
    assert assistant.documents() == []
    assert (docs / "road.txt").read_text(encoding="utf-8") == ROAD
    assert (docs / "talks.txt").read_text(encoding="utf-8") == TALKS


@pytest.mark.parametrize(
    "source", ["", "road.txt", "uploads/road.txt", "../../etc/passwd", "/etc/passwd", "*"]
)
def test_remove_something_unknown_is_false(assistant: Assistant, docs: Path, source: str) -> None:
    assistant.add_files([docs / "road.txt"])
    assert assistant.remove(source) is False
    assert sources(assistant) == [str(assistant.uploads_folder / "road.txt")]
    assert (assistant.uploads_folder / "road.txt").is_file()


# --- document -------------------------------------------------------------------------------------


def test_document_by_source_or_path(shared: Assistant) -> None:
    for stored in shared.documents():
        assert shared.document(stored.source) == stored
        assert shared.document(stored.path) == stored
        assert isinstance(stored, StoredDocument)
    titles = {Path(d.source).name: d.meta.title for d in shared.documents()}
    assert titles == {"road.txt": "Castello Road closed", "talks.txt": "Talks in Geneva"}


@pytest.mark.parametrize(
    "source",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "",
        "road.txt",  # a bare name is not how it was ingested
        "docs/../docs/road.txt",
        "chroma.sqlite3",
    ],
)
def test_document_refuses_anything_not_ingested(shared: Assistant, source: str) -> None:
    with pytest.raises(StoreError, match="is not an ingested document") as raised:
        shared.document(source)
    assert source in str(raised.value)
