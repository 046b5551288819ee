"""Answers, citations and documents as safe Markdown/HTML for the chat page.

Document text is data: everything taken from a file is escaped, so a report holding
``<script>`` or a Markdown image shows as text and runs or loads nothing. The only markup
in the output is what this module writes itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import PurePath

from rag import Answer, Citation, Passage, StoredDocument, page_at

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~$])")
_ESCAPED_MARKER = re.compile(r"\\\[(\d+)\\\]")

CITE_PREFIX = "citeqa-cite-"
"""Citation links are ``#citeqa-cite-<turn>-<n>``; the page's script turns a click into a view."""


def escape_markdown(text: str) -> str:
    """Text that Markdown (and the HTML inside it) will show literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def citation_key(turn: int, n: int) -> str:
    return f"{turn}-{n}"


def _link_markers(escaped: str, turn: int | None, numbers: set[int]) -> str:
    """Turn each escaped ``\\[n\\]`` of a real citation into a link that opens the source."""
    if turn is None:
        return escaped

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in numbers:
            return match.group(0)
        return (
            f'<a class="citeqa-marker" href="#{CITE_PREFIX}{citation_key(turn, n)}" '
            f'title="Show source {n}">[{n}]</a>'
        )

    return _ESCAPED_MARKER.sub(link, escaped)


def _marked_sentences(answer: Answer, turn: int | None, numbers: set[int]) -> str:
    """Sentences with their markers; unsupported ones labelled in words, not only coloured."""
    parts = []
    for sentence in answer.sentences:
        markers = "".join(f"[{n}]" for n in sentence.citations)
        text = _link_markers(escape_markdown(f"{sentence.text} {markers}".strip()), turn, numbers)
        if not sentence.supported:
            text = (
                f'<span class="citeqa-unsupported">**⚠ Unsupported '
                f"({escape_markdown(sentence.reason)}):** {text}</span>"
            )
        parts.append(text)
    return " ".join(parts)


def answer_markdown(answer: Answer, turn: int | None = None) -> str:
    """The chat bubble: the answer with its [n] markers (links to the sources given a turn)."""
    numbers = {c.n for c in answer.citations}
    if any(not s.supported for s in answer.sentences):
        text = _marked_sentences(answer, turn, numbers)
    else:
        # A comparison answers in lines, one per point: each its own paragraph.
        text = _link_markers(escape_markdown(answer.text), turn, numbers).replace("\n", "\n\n")
    if answer.notice:
        text += f"\n\n*Note: {escape_markdown(answer.notice)}*"
    if answer.standalone_question and answer.standalone_question != answer.question:
        text += f"\n\n*Understood as: {escape_markdown(answer.standalone_question)}*"
    return text


def citation_label(citation: Citation) -> str:
    parts = [citation.title or PurePath(citation.source).name]
    parts += [p for p in (citation.outlet, citation.date) if p]
    if citation.page is not None:
        parts.append(f"p. {citation.page}")
    return " · ".join(parts)


def sources_html(answer: Answer | None, turn: int | None = None, show_scores: bool = False) -> str:
    """The panel beside the chat: each citation's report, quote and score; click to open it.

    With ``show_scores``, a table of every retrieved passage follows, with its dense rank,
    keyword rank and fused score (why it was retrieved).
    """
    if answer is None:
        return "<p class='citeqa-empty'>Cited passages appear here.</p>"
    if not answer.citations:
        items = ["<p class='citeqa-empty'>No passage in the documents answers this.</p>"]
    else:
        items = [_citation_item(c, turn) for c in answer.citations]
    if show_scores and answer.passages:
        items.append(retrieval_table(answer.passages))
    return "\n".join(items)


def _citation_item(c: Citation, turn: int | None) -> str:
    key = f" data-cite='{citation_key(turn, c.n)}'" if turn is not None else ""
    return (
        f"<div class='citeqa-citation'{key} role='button' tabindex='0'>"
        f"<div><strong>[{c.n}]</strong> {html.escape(citation_label(c))}</div>"
        f"<div class='citeqa-where'>{html.escape(PurePath(c.source).name)} "
        f"chars {c.start}–{c.end} · score {c.score:.2f}</div>"
        f"<blockquote>{html.escape(c.quote)}</blockquote>"
        "</div>"
    )


def retrieval_table(passages: Sequence[Passage]) -> str:
    """Every retrieved passage, the ranks that retrieved it and the reader's probability."""

    def rank(value: int | None) -> str:
        return "–" if value is None else str(value)

    rows = "".join(
        "<tr>"
        f"<td>{i}</td><td>{html.escape(PurePath(p.chunk.source).name)}</td>"
        f"<td>{rank(p.dense_rank)}</td><td>{rank(p.keyword_rank)}</td>"
        f"<td>{p.fused_score:.4f}</td><td>{p.similarity:.2f}</td><td>{p.score:.2f}</td>"
        f"<td>{html.escape(_snippet(p.chunk.text))}</td>"
        "</tr>"
        for i, p in enumerate(passages, start=1)
    )
    return (
        "<details class='citeqa-retrieval' open><summary>Retrieved passages</summary>"
        "<table><thead><tr><th>#</th><th>file</th><th>dense</th><th>keyword</th>"
        f"<th>fused</th><th>similarity</th><th>reader</th><th>text</th></tr></thead>"
        f"<tbody>{rows}</tbody>"
        "</table></details>"
    )


def _snippet(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def document_html(document: StoredDocument, text: str, start: int, end: int, n: int) -> str:
    """The cited file, whole, with the cited span highlighted (``<mark>``) for scrolling to."""
    meta = document.meta
    label = " · ".join(p for p in (meta.title, meta.outlet, meta.date) if p)
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    end = max(start, end)  # a reversed span would show text[end:start] twice
    number = page_at(document.pages, start)
    page = f" · p. {number}" if number is not None else ""
    return (
        "<div class='citeqa-document'>"
        f"<div class='citeqa-document-head'><strong>[{n}]</strong> {html.escape(label)}"
        f"<div class='citeqa-where'>{html.escape(PurePath(document.source).name)}{page} "
        f"chars {start}–{end}</div></div>"
        f"<pre class='citeqa-document-text'>{html.escape(text[:start])}"
        f"<mark id='citeqa-highlight'>{html.escape(text[start:end])}</mark>"
        f"{html.escape(text[end:])}</pre>"
        "</div>"
    )


def viewer_message(text: str) -> str:
    return f"<p class='citeqa-empty'>{html.escape(text)}</p>"
