"""The Documents tab: what is ingested and how it went, uploads with progress, removal."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from rag import Assistant, CiteqaError, IngestReport

ProgressBar = Callable[..., object]
"""Gradio's ``gr.Progress``: called as ``progress((done, total), desc=...)``."""


@dataclass
class DocumentLedger:
    """How each file fared in the latest ingestion that touched it (shared by all tabs).

    The store knows what is indexed; only the ledger knows that a file was unchanged on the
    last upload, or failed and why (failed files never reach the store).
    """

    status: dict[str, str] = field(default_factory=dict)  # source -> indexed / unchanged
    failed: dict[str, str] = field(default_factory=dict)  # source -> reason
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, report: IngestReport) -> None:
        with self._lock:
            for source in report.added + report.updated:
                self.status[source] = "indexed"
                self.failed.pop(source, None)
            for source in report.unchanged:
                self.status[source] = "unchanged"
                self.failed.pop(source, None)
            for source in report.removed:
                self.status.pop(source, None)
            for failure in report.failed:
                self.failed[failure.path] = failure.reason

    def forget(self, source: str) -> None:
        with self._lock:
            self.status.pop(source, None)
            self.failed.pop(source, None)


# What each status asks of the user.
_NEXT_STEP = {
    "indexed": "ready: ask about it in Chat",
    "unchanged": "ready: unchanged since it was last added",
    "failed": "fix the file and add it again, or remove it below",
}


def _document_cell(title: str, file_name: str) -> str:
    """The title a reader knows the document by, its file name beneath."""
    shown = title if title and title != file_name else file_name
    return (
        f"<td data-sort='{html.escape(shown.lower(), quote=True)}'>"
        f"<div class='citeqa-doc-title'>{html.escape(shown)}</div>"
        f"<div class='citeqa-doc-file'>{html.escape(file_name)}</div></td>"
    )


def _status_cell(status: str, detail: str = "") -> str:
    said = f"{status}: {detail}" if detail else status
    return (
        f"<td class='citeqa-status-{status}' data-status='{status}'>"
        f"<div>{html.escape(said)}</div>"
        f"<div class='citeqa-doc-next'>{_NEXT_STEP[status]}</div></td>"
    )


def documents_html(assistant: Assistant, ledger: DocumentLedger) -> str:
    """A table of every ingested file and every file that failed, with why and what to do.

    Each column sorts when its header is clicked (``ui.assets.JS``).
    """
    rows = []
    for doc in assistant.documents():
        status = ledger.status.get(doc.source, "indexed")
        rows.append(
            "<tr class='citeqa-doc-row'>"
            + _document_cell(doc.meta.title, PurePath(doc.source).name)
            + f"<td>{html.escape(doc.meta.outlet or '–')}</td>"
            f"<td>{html.escape(doc.meta.date or '–')}</td>"
            f"<td data-sort='{doc.chunk_count:09d}'>{doc.chunk_count}</td>"
            + _status_cell(status)
            + "</tr>"
        )
    for source, reason in sorted(ledger.failed.items()):
        name = PurePath(source).name
        rows.append(
            "<tr class='citeqa-doc-row citeqa-doc-failed'>"
            + _document_cell(name, name)
            + "<td>–</td><td>–</td><td data-sort='000000000'>–</td>"
            + _status_cell("failed", reason)
            + "</tr>"
        )
    if not rows:
        return "<p class='citeqa-empty'>No documents yet. Upload some below.</p>"
    headers = "".join(
        f"<th title='sort by {h}'>{h}</th>" for h in ("document", "outlet", "date", "chunks")
    )
    return (
        f"<div class='citeqa-documents-wrap'><table class='citeqa-documents'><thead><tr>"
        f"{headers}<th title='sort by status'>status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def document_choices(assistant: Assistant, ledger: DocumentLedger) -> list[tuple[str, str]]:
    """(label, source) pairs for the remove menu: ingested files, then failed uploads."""
    choices = [(PurePath(d.source).name, d.source) for d in assistant.documents()]
    choices += [(f"{PurePath(s).name} (failed)", s) for s in sorted(ledger.failed)]
    return choices


def upload_files(
    assistant: Assistant,
    ledger: DocumentLedger,
    files: Sequence[str | Path] | None,
    progress: ProgressBar | None = None,
) -> str:
    """Ingest uploaded files (the browser's temporary copies); a one-line summary back."""
    paths = [Path(f) for f in files or [] if Path(f).is_file()]
    if not paths:
        return "No files to add."

    def tick(done: float, total: int, source: str) -> None:
        if progress is not None:
            verb = "Ingesting" if done != int(done) else "Ingested"  # inside a large file
            progress((done, total), desc=f"{verb} {PurePath(source).name}")

    if progress is not None:
        progress((0, len(paths)), desc="Ingesting")
    try:
        report = assistant.add_files(paths, progress=tick)
    except CiteqaError as error:
        return f"Error: {error}"
    ledger.record(report)
    lines = [report.summary()]
    lines += [f"{PurePath(f.path).name}: {f.reason}" for f in report.failed]
    return "\n".join(lines)


def remove_document(assistant: Assistant, ledger: DocumentLedger, source: str | None) -> str:
    if not source:
        return "Nothing removed: choose a document, then confirm."
    try:
        removed = assistant.remove(source)
    except CiteqaError as error:
        return f"Error: {error}"
    ledger.forget(source)
    name = PurePath(source).name
    return f"Removed {name}." if removed else f"{name} is not in the store."
