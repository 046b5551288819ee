"""Masking page junk and markup while keeping every kept character at its offset."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.clean import blank, clean_text

DATA = Path(__file__).resolve().parents[1] / "data"
BODY = "The Russian Army Chief of Staff met his Serbian counterpart on Friday."
AFTER = "The talks passed in a friendly atmosphere, the ministry said."


def assert_kept_in_place(raw: str, clean: str, passage: str) -> None:
    start = raw.index(passage)
    assert clean[start : start + len(passage)] == passage


@pytest.mark.parametrize(
    "junk",
    [
        "All news",
        "Do you like this content? Consider helping us!",
        "2,500 $",
        "0 $",
        "€ 1.200",
        "Reem /Ghossoun/Manar /Manal",
        "Share this article",
        "Comments (12)",
        "Advertisement",
        "Latest news",
        "Follow us on Twitter for more updates",
        "Source: twitter.com/Presidency_Sy",
        "https://example.com/news/aleppo?id=3",
        "Photo credit: Reuters",
    ],
)
def test_junk_lines_are_blanked_and_the_report_stays_in_place(junk: str) -> None:
    raw = f"{BODY}\n\n  {junk}\n\n{AFTER}\n"

    clean = clean_text(raw, ".txt")

    assert len(clean) == len(raw)
    assert junk.split()[0] not in clean
    assert clean.count("\n") == raw.count("\n")
    assert_kept_in_place(raw, clean, BODY)
    assert_kept_in_place(raw, clean, AFTER)


@pytest.mark.parametrize(
    "sentence",
    [
        "He said all news outlets were invited to the briefing.",
        "Wheat rose to 2,500 $ a ton on Monday, traders said.",
        "Share prices in Moscow fell sharply after the announcement.",
    ],
)
def test_reporting_that_mentions_junk_words_is_kept(sentence: str) -> None:
    raw = f"{BODY}\n{sentence}\n"

    assert clean_text(raw, ".txt") == raw


@pytest.mark.parametrize("marker", ["Check Also", "Read also:", "You may also like", "Related"])
def test_a_teaser_block_blanks_the_rest_of_the_page(marker: str) -> None:
    raw = (
        f"{BODY}\n\n{marker}\n\nPakistani aid shipment arrives in Damascus\n\nDamascus, SANA- A.\n"
    )

    clean = clean_text(raw, ".txt")

    tail = raw.index(marker)
    assert clean[:tail] == raw[:tail]
    assert clean[tail:].strip() == ""
    assert clean[tail:].count("\n") == raw[tail:].count("\n")


def test_fixture_report_keeps_its_story_and_loses_its_junk() -> None:
    raw = (DATA / "report.txt").read_text(encoding="utf-8")

    clean = clean_text(raw, ".txt")

    for junk in ["All news", "2,500 $", "Reem", "Consider helping", "Check Also", "Pakistani"]:
        assert junk not in clean
    for kept in ["MOSCOW, August 12 /TASS/. The Russian Army", "the ministry's press service"]:
        assert_kept_in_place(raw, clean, kept)


def test_markdown_syntax_is_blanked_and_link_text_kept() -> None:
    raw = (DATA / "report.md").read_text(encoding="utf-8")

    clean = clean_text(raw, ".md")

    for hidden in ["#", "**", "![", "images/venue.png", "https://example.com", "Read also"]:
        assert hidden not in clean
    for kept in ["Geneva talks on Aleppo", "Russia", "not yet known", "The talks are held"]:
        assert_kept_in_place(raw, clean, kept)


def test_markup_is_only_masked_in_files_of_that_type() -> None:
    raw = "In <b>plain</b> text the **stars** and <tags> are just characters.\n"

    assert clean_text(raw, ".txt") == raw


def test_blank_keeps_newlines() -> None:
    assert blank("ab\ncd\nef", [(1, 6)]) == "a \n  \nef"


# Text built from pieces that trigger every masking rule, mixed with ordinary characters.
_PIECES = st.sampled_from(
    [
        *["All news", "Check Also", "2,500 $", "Reem /Manar", "Share", "<script>", "</script>"],
        *["<p>", "</p>", "<b>", "<!--", "-->", "&nbsp;", "# ", "**", "[", "](x.png)", "![", "- "],
        *["\n", "\r\n", " ", "MOSCOW, August 12 /TASS/.", "The army met.", "é", "\u2028"],
    ]
)
_TEXT = st.one_of(
    st.text(max_size=120), st.lists(st.one_of(_PIECES, st.text(max_size=5))).map("".join)
)


@settings(max_examples=300, deadline=None)
@given(raw=_TEXT, suffix=st.sampled_from([".txt", ".md", ".html", ".htm", ".markdown"]))
def test_clean_text_keeps_length_and_every_kept_character_at_its_offset(
    raw: str, suffix: str
) -> None:
    clean = clean_text(raw, suffix)

    assert len(clean) == len(raw)
    for original, kept in zip(raw, clean, strict=True):
        # A character survives as itself or is blanked.
        assert kept in {original, " "}
        if original == "\n":
            assert kept == "\n"
