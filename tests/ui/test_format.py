"""ui.format: document text is shown as text, never run or loaded."""

from __future__ import annotations

import pytest

from rag import ABSTAIN_TEXT, Answer, Citation
from ui.format import answer_markdown, citation_label, escape_markdown, sources_html

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
    assert "\\[1\\]" in markdown  # the marker is shown literally, not as a link


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


def test_citation_label_falls_back_to_the_file_name() -> None:
    label = citation_label(citation(title="", outlet=None, date=None))
    assert label == "000_report.txt"
    assert citation_label(citation(title="", date=None)) == "000_report.txt · TASS"
