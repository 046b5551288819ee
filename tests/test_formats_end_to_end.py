"""One question per file type, end to end: the real model, a real store, real files.

Each answer must cite the file that holds the fact, its quote must be the stored text at
the cited offsets, and a PDF citation must name the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import Assistant
from tests.documents import write_docx, write_pdf

pytestmark = pytest.mark.slow

WRAPPED = """\
Harbour works at Lindqvist Bay

       The harbour master of Lindqvist Bay said on Monday that the new
       breakwater will be finished in March, two months later than the
       council had planned, because storms damaged the western section.

       Fishing boats will use the old pier until then.
"""

MARKDOWN = """\
# Orchard cooperative report

The Tarrow orchard cooperative picked 5,400 crates of apples this autumn.

- Pears were not counted.
"""

HTML = """\
<html><head><title>Museum news</title></head><body>
<nav>Home | Visit | Shop</nav>
<h1>Museum reopens its east wing</h1>
<p>The Galloway museum reopened its east wing after a <b>roof repair</b> that cost
eleven thousand pounds.</p>
<footer>Copyright</footer>
</body></html>
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    docs = tmp_path_factory.mktemp("formats")
    (docs / "harbour.txt").write_text(WRAPPED, encoding="utf-8")
    (docs / "orchard.md").write_text(MARKDOWN, encoding="utf-8")
    (docs / "museum.html").write_text(HTML, encoding="utf-8")
    write_pdf(
        docs / "railway.pdf",
        [
            ["Annual report of the Osterby railway company."],
            [
                "The Osterby railway carried 812,000 passengers last year, most of them",
                "on the line between the port and the old town.",
            ],
        ],
        title="Osterby railway annual report",
    )
    write_docx(
        docs / "minutes.docx",
        "Minutes of the Kestrel library board",
        [
            ("h1", "Decisions"),
            ("p", "The Kestrel library board appointed Mara Lind as its new treasurer."),
        ],
    )
    assistant = Assistant.open(store=tmp_path_factory.mktemp("store") / "store")
    report = assistant.ingest([docs])
    assert not report.failed and len(report.added) == 5, report.summary()
    return assistant


@pytest.mark.parametrize(
    ("question", "fact", "name", "page"),
    [
        ("When will the breakwater at Lindqvist Bay be finished?", "March", "harbour.txt", None),
        ("How many crates of apples did the Tarrow cooperative pick?", "5,400", "orchard.md", None),
        ("What did the Galloway museum repair?", "roof", "museum.html", None),
        ("How many passengers did the Osterby railway carry?", "812,000", "railway.pdf", 2),
        (
            "Who did the Kestrel library board appoint as treasurer?",
            "Mara Lind",
            "minutes.docx",
            None,
        ),
    ],
)
def test_each_format_answers_with_an_exact_quote(
    library: Assistant, question: str, fact: str, name: str, page: int | None
) -> None:
    answer = library.ask(question)

    assert not answer.abstained, answer.text
    assert fact in answer.text
    first = answer.citations[0]
    assert Path(first.source).name == name
    assert fact in first.quote
    assert first.page == page
    for citation in answer.citations:
        text = library.document_text(citation.source)
        assert text[citation.start : citation.end] == citation.quote


def test_titles_come_from_the_format_and_html_is_stored_as_text(library: Assistant) -> None:
    titles = {Path(d.source).name: d.meta.title for d in library.documents()}

    assert titles == {
        "harbour.txt": "Harbour works at Lindqvist Bay",
        "orchard.md": "Orchard cooperative report",
        "museum.html": "Museum reopens its east wing",
        "railway.pdf": "Osterby railway annual report",
        "minutes.docx": "Minutes of the Kestrel library board",
    }
    museum = next(d.source for d in library.documents() if d.source.endswith("museum.html"))
    assert "<" not in library.document_text(museum)
    assert "Home | Visit" not in library.document_text(museum)


def test_a_wrapped_sentence_is_one_passage(library: Assistant) -> None:
    answer = library.ask("Why is the Lindqvist Bay breakwater late?")

    assert "because storms damaged the western section" in answer.citations[0].quote
    assert "\n" not in answer.citations[0].quote
