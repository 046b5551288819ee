"""ui.documents: the Documents tab's table, uploads with progress, and removal.

A real Chroma store on disk with the hashing embedder; uploads are real files in tmp_path,
as Gradio hands them over (paths to its temporary copies).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rag import Assistant, IngestFailure, IngestReport
from ui.documents import (
    DocumentLedger,
    document_choices,
    documents_html,
    remove_document,
    upload_files,
)

DATA = Path(__file__).resolve().parents[1] / "data"
ROAD = (
    "Castello Road closed\n\n"
    "The Castello Road is used to supply food, water and medicines to Aleppo.\n"
)
TALKS = "Talks in Geneva\n\nThe peace talks in Geneva would resume in late August.\n"
HOSTILE_TITLE = "<script>alert(1)</script> Aleppo aid <b>news</b>"


class ProgressRecorder:
    """Stands in for gr.Progress: records each call as Gradio would receive it."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[int, int], str]] = []

    def __call__(self, progress: tuple[int, int], desc: str | None = None, **_: Any) -> None:
        self.calls.append((progress, desc or ""))


@pytest.fixture
def assistant(make_fake_assistant: Callable[..., Assistant]) -> Assistant:
    return make_fake_assistant()


@pytest.fixture
def browser(tmp_path: Path) -> Path:
    """The browser's temporary upload folder."""
    folder = tmp_path / "gradio"
    folder.mkdir()
    (folder / "road.txt").write_text(ROAD, encoding="utf-8")
    (folder / "talks.txt").write_text(TALKS, encoding="utf-8")
    return folder


def rows(table: str) -> list[list[str]]:
    """The table's body rows as [file, title, outlet, date, chunks, status]."""
    found = []
    for row in re.findall(r"<tr class='citeqa-doc-row[^']*'>(.*?)</tr>", table):
        title = re.search(r"<div class='citeqa-doc-title'>(.*?)</div>", row)
        name = re.search(r"<div class='citeqa-doc-file'>(.*?)</div>", row)
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        status = re.search(r"data-status='(\w+)'", row)
        assert title and name and status
        found.append([name[1], title[1], *cells[1:4], status[1]])
    return found


# --- DocumentLedger -------------------------------------------------------------------------------


def test_the_ledger_records_how_each_file_fared() -> None:
    ledger = DocumentLedger()
    ledger.record(
        IngestReport(
            added=["a.txt"],
            updated=["b.txt"],
            unchanged=["c.txt"],
            failed=[IngestFailure("d.pdf", "unsupported file type '.pdf'")],
        )
    )
    assert ledger.status == {"a.txt": "indexed", "b.txt": "indexed", "c.txt": "unchanged"}
    assert ledger.failed == {"d.pdf": "unsupported file type '.pdf'"}

    ledger.record(IngestReport(unchanged=["a.txt"], removed=["b.txt"], added=["d.pdf"]))
    assert ledger.status == {"a.txt": "unchanged", "c.txt": "unchanged", "d.pdf": "indexed"}
    assert ledger.failed == {}, "a file that now ingests is no longer failed"


def test_a_failed_update_keeps_the_indexed_version_and_says_why() -> None:
    ledger = DocumentLedger()
    ledger.record(IngestReport(added=["a.txt"]))
    ledger.record(IngestReport(failed=[IngestFailure("a.txt", "is empty")]))
    assert ledger.status == {"a.txt": "indexed"}
    assert ledger.failed == {"a.txt": "is empty"}


def test_the_ledger_forgets_a_removed_file() -> None:
    ledger = DocumentLedger()
    ledger.record(IngestReport(added=["a.txt", "b.txt"]))
    ledger.forget("a.txt")
    ledger.forget("never-seen.txt")
    assert ledger.status == {"b.txt": "indexed"}


# --- documents_html and document_choices ----------------------------------------------------------


def test_an_empty_store_says_so(assistant: Assistant) -> None:
    assert "No documents yet" in documents_html(assistant, DocumentLedger())
    assert document_choices(assistant, DocumentLedger()) == []


def test_the_table_lists_every_file_with_its_report_and_status(
    assistant: Assistant, browser: Path
) -> None:
    ledger = DocumentLedger()
    upload_files(assistant, ledger, [browser / "road.txt"])
    upload_files(assistant, ledger, [browser / "road.txt", browser / "talks.txt"])
    assert rows(documents_html(assistant, ledger)) == [
        ["road.txt", "Castello Road closed", "–", "–", "2", "unchanged"],
        ["talks.txt", "Talks in Geneva", "–", "–", "2", "indexed"],
    ]
    uploads = assistant.uploads_folder
    assert document_choices(assistant, ledger) == [
        ("road.txt", str(uploads / "road.txt")),
        ("talks.txt", str(uploads / "talks.txt")),
    ]


def test_files_ingested_elsewhere_show_as_indexed(assistant: Assistant, browser: Path) -> None:
    assistant.ingest([browser / "talks.txt"])  # e.g. `citeqa ingest`, not the ledger's doing
    (row,) = rows(documents_html(assistant, DocumentLedger()))
    assert row[0] == "talks.txt" and row[-1] == "indexed"


def test_the_table_shows_failed_files_and_why(assistant: Assistant) -> None:
    ledger = DocumentLedger()
    ledger.failed["/tmp/<img src=x onerror=alert(1)>.txt"] = "is not UTF-8 <b>text</b>"
    table = documents_html(assistant, ledger)
    assert "<img" not in table and "<b>" not in table
    name = "&lt;img src=x onerror=alert(1)&gt;.txt"
    assert rows(table) == [[name, name, "–", "–", "–", "failed"]]
    assert "failed: is not UTF-8 &lt;b&gt;text&lt;/b&gt;" in table
    assert "fix the file and add it again, or remove it below" in table  # what to do
    assert "citeqa-doc-failed" in table


def test_the_table_escapes_what_a_report_says(assistant: Assistant, tmp_path: Path) -> None:
    hostile = tmp_path / "in" / "hostile.txt"
    hostile.parent.mkdir()
    hostile.write_text(f"{HOSTILE_TITLE}\n\nAid reached Aleppo on Monday.\n", encoding="utf-8")
    ledger = DocumentLedger()
    upload_files(assistant, ledger, [hostile])
    table = documents_html(assistant, ledger)
    assert "<script" not in table.lower() and "<b>" not in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Aleppo aid &lt;b&gt;news&lt;/b&gt;" in table


# --- upload_files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("files", [None, []])
def test_no_files_to_upload(assistant: Assistant, files: list[Path] | None) -> None:
    progress = ProgressRecorder()
    assert upload_files(assistant, DocumentLedger(), files, progress) == "No files to add."
    assert progress.calls == []
    assert assistant.documents() == []


def test_upload_reports_progress_file_by_file(assistant: Assistant, browser: Path) -> None:
    ledger = DocumentLedger()
    progress = ProgressRecorder()
    summary = upload_files(
        assistant, ledger, [str(browser / "road.txt"), browser / "talks.txt"], progress
    )
    assert summary == "2 added, 0 updated, 0 unchanged, 0 removed, 0 failed (4 chunks written)"
    assert progress.calls == [
        ((0, 2), "Ingesting"),
        ((1, 2), "Ingested road.txt"),
        ((2, 2), "Ingested talks.txt"),
    ]
    uploads = assistant.uploads_folder
    assert ledger.status == {
        str(uploads / "road.txt"): "indexed",
        str(uploads / "talks.txt"): "indexed",
    }
    assert [d.source for d in assistant.documents()] == [
        str(uploads / "road.txt"),
        str(uploads / "talks.txt"),
    ]


def test_upload_without_a_progress_bar(assistant: Assistant, browser: Path) -> None:
    summary = upload_files(assistant, DocumentLedger(), [browser / "road.txt"])
    assert summary.startswith("1 added")


def test_what_is_not_a_file_is_skipped(assistant: Assistant, browser: Path) -> None:
    ledger = DocumentLedger()
    files = [browser / "missing.txt", browser, browser / "road.txt"]
    assert upload_files(assistant, ledger, files).startswith("1 added")
    assert [Path(d.source).name for d in assistant.documents()] == ["road.txt"]
    assert upload_files(assistant, ledger, [browser / "missing.txt", browser]) == (
        "No files to add."
    )


def test_a_bad_upload_fails_alone_and_says_why(assistant: Assistant, browser: Path) -> None:
    ledger = DocumentLedger()
    files = [DATA / "binary.txt", browser / "road.txt", DATA / "report.pdf", DATA / "empty.txt"]
    summary = upload_files(assistant, ledger, files, ProgressRecorder())
    head, *reasons = summary.splitlines()
    assert head == "1 added, 0 updated, 0 unchanged, 0 removed, 3 failed (2 chunks written)"
    assert sorted(reasons) == [
        "binary.txt: looks like a binary file, not text",
        "empty.txt: is empty",
        "report.pdf: is not a readable PDF (startxref not found)",
    ]
    uploads = assistant.uploads_folder
    assert set(ledger.failed) == {
        str(uploads / n) for n in ("binary.txt", "empty.txt", "report.pdf")
    }
    table = documents_html(assistant, ledger)
    assert [row[0] for row in rows(table)] == ["road.txt", "binary.txt", "empty.txt", "report.pdf"]
    assert "failed: is empty" in table

    (browser / "empty.txt").write_text("Now it has words in it.\n", encoding="utf-8")
    upload_files(assistant, ledger, [browser / "empty.txt"])
    assert str(uploads / "empty.txt") not in ledger.failed
    assert "failed: is empty" not in documents_html(assistant, ledger)

    # A failed upload is offered for removal; removing it deletes its copy and its row.
    choices = dict(document_choices(assistant, ledger))
    assert choices["binary.txt (failed)"] == str(uploads / "binary.txt")
    assert remove_document(assistant, ledger, str(uploads / "binary.txt")) == "Removed binary.txt."
    assert not (uploads / "binary.txt").exists()
    assert "binary.txt" not in [row[0] for row in rows(documents_html(assistant, ledger))]


def test_an_upload_error_is_a_message(assistant: Assistant, browser: Path) -> None:
    class Vanishing(ProgressRecorder):
        """Gradio's temporary file is cleaned up after the check, before the copy."""

        def __call__(self, progress: tuple[int, int], desc: str | None = None, **_: Any) -> None:
            super().__call__(progress, desc)
            (browser / "talks.txt").unlink(missing_ok=True)

    ledger = DocumentLedger()
    files = [browser / "road.txt", browser / "talks.txt"]
    summary = upload_files(assistant, ledger, files, Vanishing())
    assert summary == f"Error: {browser / 'talks.txt'}: not a file"
    assert ledger.status == {} and ledger.failed == {}
    assert assistant.documents() == []


# --- remove_document ------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [None, ""])
def test_remove_without_a_choice(assistant: Assistant, source: str | None) -> None:
    assert remove_document(assistant, DocumentLedger(), source).startswith("Nothing removed")


def test_remove_a_document(assistant: Assistant, browser: Path) -> None:
    ledger = DocumentLedger()
    upload_files(assistant, ledger, [browser / "road.txt", browser / "talks.txt"])
    (_, road), (_, talks) = document_choices(assistant, ledger)
    assert remove_document(assistant, ledger, road) == "Removed road.txt."
    assert document_choices(assistant, ledger) == [("talks.txt", talks)]
    assert not Path(road).exists()
    assert ledger.status == {talks: "indexed"}
    assert [row[0] for row in rows(documents_html(assistant, ledger))] == ["talks.txt"]
    assert remove_document(assistant, ledger, road) == "road.txt is not in the store."


@pytest.mark.parametrize("source", ["../../etc/passwd", "/etc/passwd", "road.txt"])
def test_remove_something_not_in_the_store(
    assistant: Assistant, browser: Path, source: str
) -> None:
    ledger = DocumentLedger()
    upload_files(assistant, ledger, [browser / "road.txt"])
    name = Path(source).name
    assert remove_document(assistant, ledger, source) == f"{name} is not in the store."
    assert [label for label, _ in document_choices(assistant, ledger)] == ["road.txt"]
