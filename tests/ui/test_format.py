"""ui.format: document text is shown as text, never run or loaded."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag import ABSTAIN_TEXT, Answer, Citation, Passage, StoredDocument
from rag.types import Sentence
from store.types import DocumentMeta
from tests.rag.passages import make_passage
from ui.format import (
    answer_markdown,
    citation_label,
    document_html,
    escape_markdown,
    retrieval_table,
    sources_html,
    viewer_message,
)

SCRIPT = "<script>alert(1)</script>"
IMAGE = "![x](http://evil/img.png)"
HOSTILE = f"Before {SCRIPT} middle {IMAGE} after"


def citation(**changes: object) -> Citation:
    fields: dict[str, object] = {
        "n": 1,
        "source": "/corpus/000_report.txt",
        "start": 10,
        "end": 20,
        "quote": "The Castello Road is used to supply food.",
        "score": 0.8123,
        "title": "Aid reaches Aleppo",
        "outlet": "TASS",
        "date": "August 12",
    }
    fields.update(changes)
    return Citation(**fields)  # type: ignore[arg-type]


def answer_with(*citations: Citation, text: str = "The Castello Road [1].") -> Answer:
    return Answer("Which road?", text, False, list(citations))


@pytest.mark.parametrize("text", [SCRIPT, IMAGE, HOSTILE])
def test_escape_markdown_shows_markup_as_text(text: str) -> None:
    escaped = escape_markdown(text)
    assert "<script" not in escaped.lower()
    assert "<" not in escaped and ">" not in escaped
    assert "![" not in escaped
    assert "](" not in escaped


def test_escape_markdown_keeps_plain_words() -> None:
    assert escape_markdown("The Castello Road is open.") == "The Castello Road is open."
    assert escape_markdown(IMAGE).replace("\\", "") == IMAGE


def test_answer_markdown_escapes_the_answer_and_the_understood_question() -> None:
    answer = answer_with(text=f"{HOSTILE} [1]")
    answer.standalone_question = f"Which road? ({SCRIPT})"
    markdown = answer_markdown(answer)
    assert "<script" not in markdown.lower()
    assert "![" not in markdown
    assert "Understood as" in markdown
    assert "\\[1\\]" in markdown  # without a turn the marker is shown literally, not linked
    assert "<a" not in markdown


def test_answer_markdown_shows_each_line_of_a_comparison_as_a_paragraph() -> None:
    answer = answer_with(text="Report A: one thing. [1]\nReport B: another thing. [1]")
    assert answer_markdown(answer).split("\n\n") == [
        "Report A: one thing. \\[1\\]",
        "Report B: another thing. \\[1\\]",
    ]


def test_sources_html_escapes_quote_title_and_source() -> None:
    html = sources_html(
        answer_with(citation(quote=HOSTILE, title=SCRIPT, source=f"/corpus/{SCRIPT}.txt"))
    )
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_sources_html_shows_each_citation() -> None:
    html = sources_html(
        answer_with(citation(), citation(n=2, source="/corpus/001_other.txt", start=5, end=9))
    )
    assert "<strong>[1]</strong>" in html and "<strong>[2]</strong>" in html
    assert "000_report.txt" in html and "001_other.txt" in html
    assert "/corpus/" not in html  # file names, not full paths
    assert "10–20" in html and "5–9" in html
    assert "0.81" in html
    assert "The Castello Road is used to supply food." in html


def test_sources_html_without_an_answer_or_citations() -> None:
    assert "appear here" in sources_html(None)
    abstained = Answer("Capital of France?", ABSTAIN_TEXT, True)
    assert "No passage" in sources_html(abstained)


def test_citation_label_uses_title_outlet_and_date() -> None:
    assert citation_label(citation()) == "Aid reaches Aleppo · TASS · August 12"


def test_citation_label_names_the_page_of_a_paged_file() -> None:
    assert citation_label(citation(page=2)) == "Aid reaches Aleppo · TASS · August 12 · p. 2"


def test_citation_label_falls_back_to_the_file_name() -> None:
    label = citation_label(citation(title="", outlet=None, date=None))
    assert label == "000_report.txt"
    assert citation_label(citation(title="", date=None)) == "000_report.txt · TASS"


# --- escaping: every special character, reversibly ------------------------------------------------

SPECIAL = "\\`*_{}[]()#+!|<>~$"


def unescape(markdown: str) -> str:
    """What a reader sees: Markdown backslash escapes dropped, then HTML entities decoded."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown, flags=re.DOTALL))


def test_escape_markdown_escapes_dollars_so_no_maths_is_rendered() -> None:
    assert escape_markdown("It cost $5, or $x^2$.") == "It cost \\$5, or \\$x^2\\$."


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*SPECIAL, "&", ";", "a", " ", "\n", "é", "'", '"'])))
def test_escape_markdown_leaves_no_special_character_bare(text: str) -> None:
    escaped = escape_markdown(text)
    assert "<" not in escaped and ">" not in escaped
    bare = re.sub(r"\\.", "", escaped, flags=re.DOTALL)  # drop every escaped pair
    assert not set(bare) & set(SPECIAL.replace("<", "").replace(">", ""))
    assert unescape(escaped) == text


# --- answer_markdown: citation markers as links ---------------------------------------------------

LINK = re.compile(r"<a\b[^>]*>")


def sentence(text: str, *cites: int, reason: str = "") -> Sentence:
    return Sentence(text, list(cites), not reason, 0.3 if reason else 0.9, reason)


def test_markers_of_real_citations_become_links_to_their_source() -> None:
    answer = answer_with(
        citation(),
        citation(n=2),
        text="Four corridors would open [1][2]. Civilians left [2]. Tanks arrived [3].",
    )
    markdown = answer_markdown(answer, turn=4)
    assert markdown == (
        "Four corridors would open "
        '<a class="citeqa-marker" href="#citeqa-cite-4-1" title="Show source 1">[1]</a>'
        '<a class="citeqa-marker" href="#citeqa-cite-4-2" title="Show source 2">[2]</a>. '
        "Civilians left "
        '<a class="citeqa-marker" href="#citeqa-cite-4-2" title="Show source 2">[2]</a>. '
        "Tanks arrived \\[3\\]."  # [3] cites nothing: shown as text, not a link
    )


def test_without_a_turn_nothing_is_linked() -> None:
    answer = answer_with(citation(), citation(n=2), text="A [1]. B [2].")
    assert answer_markdown(answer) == answer_markdown(answer, None) == "A \\[1\\]. B \\[2\\]."


def test_markup_in_the_answer_cannot_make_a_link_of_its_own() -> None:
    forged = '<a class="citeqa-marker" href="javascript:alert(1)">[1]</a> [x](http://evil/) [1]'
    markdown = answer_markdown(answer_with(citation(), text=forged), turn=0)
    links = LINK.findall(markdown)
    assert len(links) == 2  # the two [1] markers, and nothing else
    assert all('href="#citeqa-cite-0-1"' in link for link in links)
    assert "](" not in markdown
    assert "&lt;a class=" in markdown


def test_a_citation_number_must_be_whole() -> None:
    answer = answer_with(citation(), text="Road [1]. Year [12]. List [1, 2].")
    markdown = answer_markdown(answer, turn=0)
    assert len(LINK.findall(markdown)) == 1
    assert "\\[12\\]" in markdown and "\\[1, 2\\]" in markdown


def test_unsupported_sentences_are_labelled_in_words() -> None:
    answer = answer_with(
        citation(),
        citation(n=2),
        text="Four corridors would open. [1] They opened on <b>Sept 14</b>. [2]",
    )
    answer.sentences = [
        sentence("Four corridors would open.", 1),
        sentence("They opened on <b>Sept 14</b>.", 2, reason="'14' is not in the cited passage"),
    ]
    markdown = answer_markdown(answer, turn=1)
    assert markdown == (
        "Four corridors would open. "
        '<a class="citeqa-marker" href="#citeqa-cite-1-1" title="Show source 1">[1]</a> '
        '<span class="citeqa-unsupported">'
        "**⚠ Unsupported ('14' is not in the cited passage):** "
        "They opened on &lt;b&gt;Sept 14&lt;/b&gt;. "
        '<a class="citeqa-marker" href="#citeqa-cite-1-2" title="Show source 2">[2]</a>'
        "</span>"
    )


def test_an_unsupported_sentence_citing_nothing_real_links_nothing() -> None:
    answer = answer_with(citation(), text="Road. [1] Tanks. [9] Guess.")
    answer.sentences = [
        sentence("Road.", 1),
        sentence("Tanks.", 9, reason="it cites a passage that does not exist"),
        sentence("Guess.", reason="it cites no passage"),
    ]
    markdown = answer_markdown(answer, turn=0)
    assert len(LINK.findall(markdown)) == 1
    assert "Tanks. \\[9\\]</span>" in markdown
    assert "**⚠ Unsupported (it cites no passage):** Guess.</span>" in markdown
    assert markdown.count('<span class="citeqa-unsupported">') == 2


def test_a_hostile_reason_is_escaped() -> None:
    answer = answer_with(citation(), text="Road. [1]")
    answer.sentences = [sentence("Road.", 1, reason=f"'{SCRIPT}' is not in the passage")]
    markdown = answer_markdown(answer, turn=0)
    assert "<script" not in markdown.lower()
    assert "&lt;script&gt;" in markdown


def test_supported_sentences_are_shown_as_the_answer_text() -> None:
    answer = answer_with(citation(), text="The Castello Road. [1]")
    answer.sentences = [sentence("The Castello Road.", 1)]
    assert "citeqa-unsupported" not in answer_markdown(answer, turn=0)
    assert answer_markdown(answer, turn=0).startswith("The Castello Road. <a ")


def test_notice_and_understood_question_follow_the_answer() -> None:
    answer = answer_with(citation(), text="Road [1].")
    answer.notice = f"the model failed {SCRIPT}; showing the extractive answer instead."
    answer.standalone_question = "Which road goes to Aleppo?"
    markdown = answer_markdown(answer, turn=0)
    body, note, understood = markdown.split("\n\n")
    assert LINK.search(body)
    assert note.startswith("*Note: the model failed &lt;script&gt;") and note.endswith("*")
    assert understood == "*Understood as: Which road goes to Aleppo?*"


def test_the_question_itself_is_not_repeated_as_understood() -> None:
    answer = answer_with(citation(), text="Road [1].")
    answer.standalone_question = answer.question
    assert "Understood" not in answer_markdown(answer, turn=0)


# --- sources_html and retrieval_table -------------------------------------------------------------


def passage(text: str, source: str, **ranks: Any) -> Passage:
    return replace(make_passage(text, source, text, similarity=0.4321), **ranks)


def test_each_source_carries_the_key_its_marker_opens() -> None:
    answer = answer_with(citation(), citation(n=2))
    html_ = sources_html(answer, turn=3)
    assert re.findall(r"data-cite='([^']*)'", html_) == ["3-1", "3-2"]
    assert "data-cite" not in sources_html(answer)


def test_scores_show_why_each_passage_was_retrieved() -> None:
    answer = answer_with(citation())
    answer.passages = [
        passage("Road text.", "/c/road.txt", dense_rank=1, keyword_rank=2, fused_score=0.0325),
        passage("Talks text.", "/c/talks.txt", dense_rank=None, keyword_rank=1, fused_score=0.01),
        passage("Bridge.", "/c/bridge.txt", dense_rank=3, keyword_rank=None, fused_score=0.005),
    ]
    shown = sources_html(answer, turn=0, show_scores=True)
    assert shown.startswith(sources_html(answer, turn=0))  # the citations, then the table
    rows = re.findall(r"<tr><td>.*?</tr>", shown)
    assert rows == [
        "<tr><td>1</td><td>road.txt</td><td>1</td><td>2</td><td>0.0325</td>"
        "<td>0.43</td><td>0.00</td><td>Road text.</td></tr>",
        "<tr><td>2</td><td>talks.txt</td><td>–</td><td>1</td><td>0.0100</td>"
        "<td>0.43</td><td>0.00</td><td>Talks text.</td></tr>",
        "<tr><td>3</td><td>bridge.txt</td><td>3</td><td>–</td><td>0.0050</td>"
        "<td>0.43</td><td>0.00</td><td>Bridge.</td></tr>",
    ]
    for header in ("dense", "keyword", "fused", "reader"):
        assert f"<th>{header}</th>" in shown


def test_scores_are_hidden_unless_asked_for() -> None:
    answer = answer_with(citation())
    answer.passages = [passage("Road text.", "/c/road.txt", dense_rank=1)]
    assert "citeqa-retrieval" not in sources_html(answer, turn=0)
    answer.passages = []
    assert "citeqa-retrieval" not in sources_html(answer, turn=0, show_scores=True)


def test_an_abstention_still_shows_what_was_retrieved() -> None:
    abstained = Answer("Capital of France?", ABSTAIN_TEXT, True)
    abstained.passages = [passage("Road text.", "/c/road.txt", dense_rank=1)]
    shown = sources_html(abstained, turn=0, show_scores=True)
    assert "No passage" in shown and "<td>road.txt</td>" in shown


def test_retrieval_table_escapes_and_shortens_passage_text() -> None:
    long = f"{SCRIPT} " + "word " * 40
    table = retrieval_table([passage(long, f"/c/{SCRIPT}.txt", dense_rank=1)])
    assert "<script" not in table.lower()
    (text_cell,) = re.findall(r"<td>([^<]*…)</td>", table)
    assert len(html.unescape(text_cell)) == 90
    assert html.unescape(text_cell).startswith(SCRIPT)


# --- document_html: the whole file, the cited span marked -----------------------------------------


def stored(**meta: Any) -> StoredDocument:
    fields = {"title": "Aid reaches Aleppo", "outlet": "TASS", "date": "August 12"} | meta
    return StoredDocument(
        source="/corpus/000_report.txt",
        path="/corpus/000_report.txt",
        content_hash="h",
        root="/corpus",
        meta=DocumentMeta(**fields),
        chunk_count=3,
    )


PRE = re.compile(r"<pre class='citeqa-document-text'>(.*)</pre>", re.DOTALL)
MARK = re.compile(r"<mark id='citeqa-highlight'>(.*)</mark>", re.DOTALL)


def shown_text(document: str) -> tuple[str, str]:
    """(the whole text a reader sees, the highlighted part)."""
    (pre,) = PRE.findall(document)
    (marked,) = MARK.findall(pre)
    whole = pre.replace("<mark id='citeqa-highlight'>", "", 1).replace("</mark>", "", 1)
    assert "<" not in whole, "no markup but the one mark"
    return html.unescape(whole), html.unescape(marked)


def test_document_html_names_the_page_of_the_cited_span() -> None:
    text = "Page one.\n\nPage two holds the figure."
    document = replace(stored(), pages=(0, text.index("Page two")))
    start = text.index("the figure")

    assert "· p. 2 chars" in document_html(document, text, start, start + 10, 1)
    assert "p. " not in document_html(stored(), text, start, start + 10, 1)


def test_document_html_marks_the_cited_span() -> None:
    text = "Aid reaches Aleppo\n\nThe Castello Road is used to supply food.\nMore."
    start = text.index("The Castello")
    end = start + len("The Castello Road is used to supply food.")
    document = document_html(stored(), text, start, end, 2)
    assert shown_text(document) == (text, text[start:end])
    assert "<strong>[2]</strong> Aid reaches Aleppo · TASS · August 12" in document
    assert f"000_report.txt chars {start}–{end}" in document
    assert "/corpus/" not in document


def test_document_html_escapes_the_file_and_its_report() -> None:
    text = f"Title {SCRIPT}\n\n{IMAGE} and <img src=x onerror=alert(1)> in the cited part."
    start = text.index("<img")
    document = document_html(
        stored(title=SCRIPT, outlet="<b>TASS</b>", date=None), text, start, len(text), 1
    )
    assert "<script" not in document.lower() and "<img" not in document.lower()
    assert "<b>" not in document
    assert shown_text(document) == (text, text[start:])


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["a", " ", "\n", "<", ">", "&", "'", '"', "é"])),
    st.integers(-5, 60),
    st.integers(-5, 60),
)
def test_document_html_always_shows_the_whole_file_once(text: str, start: int, end: int) -> None:
    whole, marked = shown_text(document_html(stored(), text, start, end, 1))
    assert whole == text
    expected = text[max(0, start) : max(0, end)] if start <= end else ""
    assert marked == expected


def test_viewer_message_is_text() -> None:
    assert viewer_message(SCRIPT) == (
        "<p class='citeqa-empty'>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
