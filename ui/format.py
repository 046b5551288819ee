"""Answers and citations as safe Markdown/HTML for the chat page.

Document text is data: everything taken from a file is escaped, so a report holding
``<script>`` or a Markdown image shows as text and runs or loads nothing.
"""

from __future__ import annotations

import html
import re
from pathlib import PurePath

from rag import Answer, Citation

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def escape_markdown(text: str) -> str:
    """Text that Markdown (and the HTML inside it) will show literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _marked_sentences(answer: Answer) -> str:
    """Sentences with their markers; unsupported ones labelled in words, not only styled."""
    parts = []
    for sentence in answer.sentences:
        markers = "".join(f"[{n}]" for n in sentence.citations)
        text = escape_markdown(f"{sentence.text} {markers}".strip())
        if not sentence.supported:
            text = f"**⚠ Unsupported ({escape_markdown(sentence.reason)}):** _{text}_"
        parts.append(text)
    return " ".join(parts)


def answer_markdown(answer: Answer) -> str:
    """The chat bubble: the answer text with its [n] markers, shown literally."""
    if any(not s.supported for s in answer.sentences):
        text = _marked_sentences(answer)
    else:
        text = escape_markdown(answer.text)
    if answer.notice:
        text += f"\n\n*Note: {escape_markdown(answer.notice)}*"
    if answer.standalone_question and answer.standalone_question != answer.question:
        text += f"\n\n*Understood as: {escape_markdown(answer.standalone_question)}*"
    return text


def citation_label(citation: Citation) -> str:
    parts = [citation.title or PurePath(citation.source).name]
    parts += [p for p in (citation.outlet, citation.date) if p]
    return " · ".join(parts)


def sources_html(answer: Answer | None) -> str:
    """The panel beside the chat: each cited passage with its file, span and quote."""
    if answer is None:
        return "<p class='citeqa-empty'>Cited passages appear here.</p>"
    if not answer.citations:
        return "<p class='citeqa-empty'>No passage in the documents answers this.</p>"
    items = []
    for c in answer.citations:
        items.append(
            "<div class='citeqa-citation'>"
            f"<div><strong>[{c.n}]</strong> {html.escape(citation_label(c))}</div>"
            f"<div class='citeqa-where'>{html.escape(PurePath(c.source).name)} "
            f"chars {c.start}–{c.end} · score {c.score:.2f}</div>"
            f"<blockquote>{html.escape(c.quote)}</blockquote>"
            "</div>"
        )
    return "\n".join(items)
