"""Sentence chunks with exact offsets into the raw file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lang import Analyzer, load_analyzer
from lang.fake import FakeAnalyzer
from store.chunker import approx_tokens, chunk_stream
from store.chunker import chunk_document as chunk_with
from store.chunker import sentence_spans as spans_with
from store.clean import clean_text
from store.embedder import HashingEmbedder
from store.metadata import extract_meta
from store.types import Chunk, SourceDocument

FAKE = FakeAnalyzer()
ENGLISH = load_analyzer("en")


def chunk_document(doc: SourceDocument, analyzer: Analyzer = FAKE, **options: Any) -> list[Chunk]:
    return chunk_with(doc, analyzer, **options)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    return spans_with(text, FAKE)


COUNTERS: dict[str, Callable[[str], int]] = {
    "approx": approx_tokens,
    "hashing": HashingEmbedder().count_tokens,
    "chars": lambda text: len(text) // 4 + 1,
}
ARTICLE = (
    "Russian and Serbian army chiefs discuss cooperation\n\n"
    "MOSCOW, August 12 /TASS/. The Russian Army Chief of Staff met his Serbian counterpart. "
    "He said. The sides exchanged views on urgent problems of regional security.\n\n"
    "The dialogue confirmed a mutual determination to develop contacts.\n"
)


def make_doc(text: str, suffix: str = ".txt", path: str = "/reports/a") -> SourceDocument:
    clean = clean_text(text, suffix)
    return SourceDocument(
        source=f"a{suffix}",
        path=path + suffix,
        text=text,
        clean=clean,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        meta=extract_meta(clean, f"a{suffix}"),
    )


@pytest.mark.parametrize("analyzer", [FAKE, ENGLISH], ids=["fake", "english"])
def test_datelines_and_short_fragments_join_the_next_sentence(analyzer: Analyzer) -> None:
    chunks = chunk_document(make_doc(ARTICLE), analyzer)

    assert [c.text for c in chunks] == [
        "Russian and Serbian army chiefs discuss cooperation",
        "MOSCOW, August 12 /TASS/. The Russian Army Chief of Staff met his Serbian counterpart.",
        "He said. The sides exchanged views on urgent problems of regional security.",
        "The dialogue confirmed a mutual determination to develop contacts.",
    ]
    assert [ARTICLE[c.start : c.end] for c in chunks] == [c.text for c in chunks]


def test_sentences_never_cross_a_line_break() -> None:
    text = "This line has no full stop at its end\nand this line continues the words here.\n"

    assert [text[a:b] for a, b in sentence_spans(text)] == text.splitlines()


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (0, [(0, 0), (1, 1), (2, 2), (3, 3)]),
        (1, [(0, 1), (0, 2), (1, 3), (2, 3)]),
        (2, [(0, 2), (0, 3), (0, 3), (1, 3)]),
    ],
)
def test_each_chunk_carries_a_window_of_neighbouring_sentences(
    window: int, expected: list[tuple[int, int]]
) -> None:
    chunks = chunk_document(make_doc(ARTICLE), window=window)

    assert [(c.window_start, c.window_end) for c in chunks] == [
        (chunks[lo].start, chunks[hi].end) for lo, hi in expected
    ]


def test_chunks_carry_source_ordinal_and_document_metadata() -> None:
    doc = make_doc(ARTICLE)

    chunks = chunk_document(doc)

    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert {c.source for c in chunks} == {"a.txt"}
    assert {c.meta for c in chunks} == {doc.meta}
    assert doc.meta.outlet == "TASS"


def test_chunk_ids_are_unique_stable_and_change_with_path_or_content() -> None:
    ids = [c.chunk_id for c in chunk_document(make_doc(ARTICLE))]
    again = [c.chunk_id for c in chunk_document(make_doc(ARTICLE))]
    moved = [c.chunk_id for c in chunk_document(make_doc(ARTICLE, path="/elsewhere/a"))]
    edited = [c.chunk_id for c in chunk_document(make_doc(ARTICLE + "One more line here.\n"))]

    assert len(set(ids)) == len(ids)
    assert ids == again
    assert not set(ids) & set(moved)
    assert not set(ids) & set(edited)


@pytest.mark.parametrize("counter", COUNTERS.values(), ids=COUNTERS.keys())
def test_a_long_sentence_is_cut_at_word_boundaries_to_fit(counter: Callable[[str], int]) -> None:
    sentence = " ".join(f"word{i}" for i in range(300)) + "."

    chunks = chunk_document(make_doc(sentence), max_tokens=40, count_tokens=counter)

    assert len(chunks) > 1
    assert all(counter(c.text) <= 40 for c in chunks)
    assert " ".join(c.text for c in chunks) == sentence  # nothing lost, no word split


def test_a_chunk_fits_max_tokens_even_when_one_word_is_too_long() -> None:
    text = "The leaked file read " + "QUJD" * 400 + " in full, the report said.\n"

    chunks = chunk_document(make_doc(text), max_tokens=200, count_tokens=COUNTERS["chars"])

    assert all(COUNTERS["chars"](c.text) <= 200 for c in chunks)


def test_chunks_of_a_paged_text_know_their_page() -> None:
    text = "The bridge opened in May 2019.\n\nIt carries 120 trucks a day."
    doc = replace(make_doc(text), pages=(0, text.index("It carries")))

    chunks = chunk_document(doc)

    assert [(c.text, c.page) for c in chunks] == [
        ("The bridge opened in May 2019.", 1),
        ("It carries 120 trucks a day.", 2),
    ]
    assert all(c.page is None for c in chunk_document(make_doc(text)))


_WORDS = st.sampled_from(
    ["the", "army", "said", "Aleppo", "Mr.", "U.S.", "2,500", "$", "-", '"quoted"', "e.g.", "TASS"]
)
_SENTENCE = st.lists(st.one_of(_WORDS, st.text("abcXYZ.,!?'", min_size=1, max_size=9)), min_size=1)
_PARAGRAPH = st.lists(_SENTENCE.map(" ".join), min_size=1, max_size=6).map(". ".join)
_TEXT = st.lists(_PARAGRAPH, min_size=1, max_size=5).map("\n\n".join)


@settings(max_examples=150, deadline=None)
@given(
    text=_TEXT,
    max_tokens=st.integers(min_value=8, max_value=80),
    window=st.integers(min_value=0, max_value=3),
    counter=st.sampled_from(sorted(COUNTERS)),
)
def test_chunks_quote_the_file_in_order_and_fit_the_token_limit(
    text: str, max_tokens: int, window: int, counter: str
) -> None:
    count = COUNTERS[counter]
    doc = make_doc(text)

    chunks = chunk_document(doc, max_tokens=max_tokens, window=window, count_tokens=count)

    assert chunks
    previous_end = 0
    for chunk in chunks:
        assert " ".join(doc.text[chunk.start : chunk.end].split()) == chunk.text
        assert " ".join(doc.clean[chunk.start : chunk.end].split()) == chunk.text
        assert previous_end <= chunk.start < chunk.end
        assert chunk.window_start <= chunk.start and chunk.end <= chunk.window_end
        assert count(chunk.text) <= max_tokens
        previous_end = chunk.end


def test_chunks_carry_their_words_entities_and_the_window_words() -> None:
    doc = make_doc(ARTICLE)
    chunks = chunk_document(doc, ENGLISH)
    second = chunks[1]

    assert all(second.start <= t.start < t.end <= second.end for t in second.terms)
    assert {"russian", "army", "staff", "meet"} <= second.lemmas
    assert ("August 12", "DATE") in {(ARTICLE[e.start : e.end], e.label) for e in second.entities}
    assert all(ARTICLE[p.start : p.end].strip() for p in second.phrases)
    # The window's other sentences give their lemmas as context, the sentence's own do not.
    assert "exchange" in second.context and "meet" not in second.context


@settings(max_examples=150, deadline=None)
@given(
    text=_TEXT,
    window=st.integers(min_value=0, max_value=3),
    part_chars=st.integers(min_value=1, max_value=200),
)
def test_a_large_file_chunked_in_parts_gives_exactly_the_whole_file_chunks(
    text: str, window: int, part_chars: int
) -> None:
    doc = make_doc(text)
    parts = list(chunk_stream(doc, FAKE, window=window, part_chars=part_chars))
    assert [c for part in parts for c in part] == chunk_document(doc, window=window)


def test_parts_are_bounded_by_their_size() -> None:
    doc = make_doc("\n\n".join([ARTICLE] * 40))
    parts = list(chunk_stream(doc, ENGLISH, part_chars=500))
    assert len(parts) > 10
    assert [c for part in parts for c in part] == chunk_document(doc, ENGLISH)
    assert max(sum(len(c.text) for c in part) for part in parts) < 1500
