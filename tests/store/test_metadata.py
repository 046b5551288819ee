"""Headline, outlet and dateline date of a report."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.ingest import load_document
from store.loader import FoundFile
from store.metadata import extract_meta, find_dateline, parse_dateline
from store.types import DocumentMeta

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("MOSCOW, August 12 /TASS/. The Russian Army Chief", ("TASS", "August 12")),
        ("GENEVA, October 19. /TASS/. Consultations among", ("TASS", "October 19")),
        ("MOSCOW, Aug. 12, 2016 /TASS/. The minister", ("TASS", "Aug. 12, 2016")),
        ("Moscow, SANA-Russian Defense Ministry affirmed", ("SANA", None)),
        ("Damascus, SANA – The Higher Relief Committee", ("SANA", None)),
        ("LONDON (Reuters) - Britain said on Monday", ("Reuters", None)),
        ("WASHINGTON, May 3 (AP) — The Pentagon said", ("AP", "May 3")),
        ("NEW YORK (Associated Press) - Stocks rose", ("Associated Press", None)),
    ],
)
def test_parse_dateline_reads_outlet_and_date(
    line: str, expected: tuple[str | None, str | None]
) -> None:
    assert parse_dateline(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Russian Defense Ministry: We won't allow additional arms supplies",
        "The sky over Aleppo was clear, said NASA - the agency",
        "Moscow and Damascus launched a joint humanitarian operation on July 28.",
    ],
)
def test_parse_dateline_ignores_ordinary_lines(line: str) -> None:
    assert parse_dateline(line) == (None, None)


@pytest.mark.parametrize(
    "line",
    [
        "Meanwhile, UN-backed talks resumed in Geneva on Monday.",
        "In Syria, US-led coalition jets struck Raqqa on Monday.",
    ],
)
def test_parse_dateline_ignores_sentences_with_hyphenated_acronyms(line: str) -> None:
    assert parse_dateline(line) == (None, None)


def test_extract_meta_takes_the_first_line_of_three_words_that_is_not_a_dateline() -> None:
    clean = (
        "\n   \nBreaking\nMOSCOW, August 12 /TASS/. The army chiefs met.\n"
        "Army chiefs discuss cooperation\nAnother long line of text.\n"
    )

    meta = extract_meta(clean, "report.txt")

    assert meta == DocumentMeta("Army chiefs discuss cooperation", "TASS", "August 12")


def test_extract_meta_falls_back_to_the_file_name() -> None:
    assert extract_meta("Short.\nTwo words\n", "report.txt") == DocumentMeta("report.txt")


def test_extract_meta_only_looks_for_the_dateline_near_the_top() -> None:
    filler = "".join(f"Paragraph number {i} of the report.\n" for i in range(12))

    meta = extract_meta(filler + "MOSCOW, August 12 /TASS/. Late.\n", "r.txt")

    assert (meta.outlet, meta.date) == (None, None)


def test_extract_meta_caps_the_title_length() -> None:
    assert len(extract_meta("word " * 200, "r.txt").title) == 300


@pytest.mark.parametrize(
    ("name", "title", "outlet", "date"),
    [
        (
            "000_bee090b7675e03d0.txt",
            "Russian and Serbian army chiefs of staff discuss cooperation",
            "TASS",
            "August 12",
        ),
        ("001_10f63f72620b364d.txt", "Russian Defense Ministry: We won’t allow", "SANA", None),
        ("003_e2a401e195530229.txt", "Multinational military experts talks", "TASS", "October 19"),
        ("004_857656f2ad3f2c55.txt", "Russian Defense Minister Visits Damascus", None, None),
        ("page.html", "Syrian army opens humanitarian corridors in Aleppo", "SANA", None),
        ("report.md", "Geneva talks on Aleppo begin behind closed doors", "TASS", "October 19"),
    ],
)
def test_loaded_documents_carry_their_metadata(
    name: str, title: str, outlet: str | None, date: str | None
) -> None:
    path = (CORPUS / name) if (CORPUS / name).is_file() else (DATA / name)

    meta = load_document(FoundFile(str(path), path, None)).meta

    assert meta.title.startswith(title)
    assert (meta.outlet, meta.date) == (outlet, date)


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        (
            "All news\n\nHeadline here\n\nMOSCOW, July 29 /TASS/. The talks began.",
            "MOSCOW, July 29 /TASS/",
        ),
        ("Title of it\n  Brask, VNA- The mayor spoke.", "Brask, VNA"),
        ("LONDON (Reuters) - Talks began.", "LONDON (Reuters)"),
        ("A report with no dateline at all.\nSecond line.", None),
    ],
)
def test_find_dateline_points_at_the_dateline_in_the_text(text: str, dateline: str | None) -> None:
    found = find_dateline(text)
    assert (text[found.start : found.end] if found else None) == dateline


def test_the_cited_dateline_and_the_stored_outlet_come_from_one_search() -> None:
    """Two datelines, the second far down: the outlet stored is the one whose dateline is
    cited, and neither is looked for past the first lines."""
    text = "Head line of it\n\nBrask, VNA- The mayor spoke.\nMOSCOW, July 29 /TASS/. Later."
    found = find_dateline(text)
    assert found is not None and found.outlet == extract_meta(text, "r.txt").outlet == "VNA"
    late = "\n".join(f"Line number {n} of the text." for n in range(12)) + "\nLONDON (AP) - x"
    assert find_dateline(late) is None
    assert extract_meta(late, "r.txt").outlet is None
