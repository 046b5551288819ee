"""rag.summary: the most central sentences of a document, in its order, each cited."""

from __future__ import annotations

import numpy as np

from rag.summary import SummaryOptions, central_sentences, centrality, summarise
from tests.rag.digests import digest

# Three sentences on one theme, one apart from it, one like the title.
SENTENCES = [
    ("The council opened the new bridge over the river on Monday.", [1.0, 0.1, 0.0]),
    ("Crowds walked across the new bridge after the council opened it.", [0.9, 0.2, 0.0]),
    ("Rain fell on the valley for most of the week.", [0.0, 0.0, 1.0]),
    ("The bridge cost the council two million crowns to build.", [0.8, 0.3, 0.1]),
    ("Budget talks about the harbour continued in the town hall.", [0.1, 1.0, 0.0]),
]


def test_the_sentence_most_like_the_others_is_most_central() -> None:
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.8, 0.2], [0.0, 1.0]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rank = centrality(vectors)
    assert int(np.argmax(rank)) in {0, 1, 2}
    assert int(np.argmin(rank)) == 3
    assert abs(float(rank.sum()) - 1.0) < 1e-6


def test_a_focus_raises_the_sentences_like_it() -> None:
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.8, 0.2], [0.1, 1.0]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    plain = centrality(vectors)
    focused = centrality(vectors, np.array([0.0, 1.0]))
    assert focused[3] > plain[3]


def test_a_summary_keeps_to_its_words_and_the_documents_order() -> None:
    made, _ = digest("bridge.txt", "Bridge opened", SENTENCES)
    chosen = central_sentences(made, SummaryOptions(), budget=24)
    assert chosen == sorted(chosen)
    assert sum(made.words(i) for i in chosen) <= 24
    assert 2 not in chosen  # the rain sentence is off the document's theme
    assert 3 in chosen  # the most central; the bridge sentences like it are near-repeats


def test_near_repeats_and_title_lines_are_not_taken() -> None:
    sentences = [
        ("Bridge opened over the river today", [1.0, 0.0, 0.0]),  # the title, as a line
        ("The council opened the new bridge over the river on Monday.", [1.0, 0.1, 0.0]),
        ("The council opened the new bridge over the river on Monday!", [1.0, 0.1, 0.0]),
        ("Budget talks about the harbour continued in the town hall.", [0.1, 1.0, 0.0]),
    ]
    made, _ = digest("bridge.txt", "Bridge opened over the river today", sentences)
    chosen = central_sentences(made, SummaryOptions(), budget=120)
    assert 0 not in chosen
    assert len({1, 2} & set(chosen)) == 1


def test_every_sentence_of_a_summary_is_cited_exactly() -> None:
    made, text = digest("bridge.txt", "Bridge opened", SENTENCES, outlet="Gazette")
    answer = summarise("Summarise it", made, lambda source: text, SummaryOptions(max_words=40))
    assert answer.text.startswith("Bridge opened (Gazette): ")
    assert not answer.abstained and answer.citations
    for citation in answer.citations:
        assert text[citation.start : citation.end] == citation.quote
        assert f"{citation.quote} [{citation.n}]" in answer.text
    assert [s.citations for s in answer.sentences] == [[c.n] for c in answer.citations]
