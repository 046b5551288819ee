"""rag.comparison: two documents side by side, what they share, where they differ."""

from __future__ import annotations

from rag.comparison import compare
from tests.rag.digests import digest

FIGURES = frozenset({"CARDINAL"})


def test_a_comparison_says_what_is_shared_what_is_not_and_which_figures_differ() -> None:
    first, first_text = digest(
        "a.txt",
        "Corridors report",
        [
            ("The ministry opened four corridors in the city.", [1.0, 0.0, 0.0]),
            ("The weather was cold today in the north.", [0.0, 1.0, 0.0]),
        ],
        outlet="Gazette",
    )
    second, second_text = digest(
        "b.txt",
        "City report",
        [
            ("The ministry opened three corridors in the city.", [0.95, 0.05, 0.0]),
            ("Farmers sold apples at the market square.", [0.0, 0.0, 1.0]),
        ],
        outlet="Herald",
    )
    texts = {"a.txt": first_text, "b.txt": second_text}
    answer = compare("Compare them", first, second, texts.__getitem__, FIGURES)
    assert answer.text.splitlines() == [
        "Corridors report (Gazette): The ministry opened four corridors in the city. [1]",
        "City report (Herald): The ministry opened three corridors in the city. [2]",
        "Both report: The ministry opened four corridors in the city. / "
        "The ministry opened three corridors in the city. [1][2]",
        "Only Gazette: The weather was cold today in the north. [3]",
        "Only Herald: Farmers sold apples at the market square. [4]",
        "The figures differ: Gazette gives “four corridors”, Herald gives “three corridors” [1][2]",
    ]
    assert [c.source for c in answer.citations] == ["a.txt", "b.txt", "a.txt", "b.txt"]
    for citation in answer.citations:
        assert texts[citation.source][citation.start : citation.end] == citation.quote
    assert all(s.citations for s in answer.sentences)


def test_documents_with_nothing_alike_share_no_line() -> None:
    first, first_text = digest(
        "a.txt", "A", [("The ministry opened four corridors in the city.", [1.0, 0.0])]
    )
    second, second_text = digest(
        "b.txt", "B", [("Farmers sold apples at the market square.", [0.0, 1.0])]
    )
    texts = {"a.txt": first_text, "b.txt": second_text}
    answer = compare("Compare them", first, second, texts.__getitem__, FIGURES)
    assert not any(line.startswith(("Both", "The figures")) for line in answer.text.splitlines())
    assert len(answer.citations) == 2
