"""Headline, outlet and dateline date of a news report."""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.types import DocumentMeta

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = _MONTH + r" \d{1,2}(?:, \d{4})?"
_PLACE = r"[A-Z][A-Za-z .'-]{1,40}?"

# "MOSCOW, August 12 /TASS/."  "GENEVA, October 19. /TASS/."
_SLASH_DATELINE = re.compile(rf"^\s*({_PLACE}),\s+({_DATE})\.?\s*/\s*([A-Za-z][\w .-]*?)\s*/")
# "Moscow, SANA-"  "Damascus, SANA -"
# The agency is followed by a dash and a capitalised word: "UN-backed" is not a dateline.
_AGENCY_DATELINE = re.compile(rf"^\s*({_PLACE}),\s*([A-Z]{{2,}}[A-Za-z]*)\s*[-–—]\s*(?=[A-Z\"“])")
# "LONDON (Reuters) -"  "WASHINGTON, May 3 (AP) -"
_PAREN_DATELINE = re.compile(rf"^\s*({_PLACE})(?:,\s+({_DATE}))?\s*\(([A-Za-z][\w .-]*)\)\s*[-–—]")

_MIN_TITLE_WORDS = 3
_DATELINE_SEARCH_LINES = 12


def extract_meta(clean: str, fallback_title: str) -> DocumentMeta:
    """Read title, outlet and date from the cleaned text of a report.

    The title is the first kept line of at least three words that is not a dateline; when
    the text has none, ``fallback_title`` (the file name) is used.
    """
    lines = [line.strip() for line in clean.splitlines() if line.strip()]
    title = next(
        (
            line
            for line in lines
            if len(line.split()) >= _MIN_TITLE_WORDS and parse_dateline(line) == (None, None)
        ),
        fallback_title,
    )
    found = find_dateline(clean)
    outlet, date = (found.outlet, found.date) if found else (None, None)
    return DocumentMeta(title=title[:300], outlet=outlet, date=date)


@dataclass(frozen=True)
class Dateline:
    """A report's dateline: who published it, when, and where it stands in the text."""

    outlet: str | None
    date: str | None
    start: int
    end: int


def find_dateline(text: str) -> Dateline | None:
    """The first dateline among the first non-empty lines of ``text`` (a report's cleaned
    text: the same length as the file, so ``start`` and ``end`` index the file too).

    The one search both the stored outlet and the dateline citation come from, so a cited
    dateline always names the outlet the metadata gives.
    """
    offset = 0
    seen = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            if seen == _DATELINE_SEARCH_LINES:
                break
            seen += 1
            if match := _dateline_at_start(line):
                outlet, date = _outlet_and_date(match)
                start = offset + len(line) - len(line.lstrip())
                return Dateline(outlet, date, start, offset + len(match.group().rstrip(" -–—")))
        offset += len(line)
    return None


def _dateline_at_start(text: str) -> re.Match[str] | None:
    """The dateline that opens ``text``, in the order the patterns are trusted."""
    for pattern in (_SLASH_DATELINE, _PAREN_DATELINE, _AGENCY_DATELINE):
        if match := pattern.match(text):
            return match
    return None


def dateline_end(text: str) -> int:
    """Length of the dateline that opens ``text`` ("MOSCOW, July 29 /TASS/. "), or 0."""
    if (match := _dateline_at_start(text)) is None:
        return 0
    end = match.end()
    while end < len(text) and (text[end] in "./-–—" or text[end].isspace()):
        end += 1
    return end


def parse_dateline(line: str) -> tuple[str | None, str | None]:
    """Return ``(outlet, date)`` from a dateline at the start of ``line``, or ``(None, None)``."""
    match = _dateline_at_start(line)
    return _outlet_and_date(match) if match else (None, None)


def _outlet_and_date(match: re.Match[str]) -> tuple[str | None, str | None]:
    """The outlet and date a dateline match holds; each pattern keeps them in its own groups."""
    if match.re is _SLASH_DATELINE:
        return match.group(3).strip(), match.group(2).rstrip(".")
    if match.re is _PAREN_DATELINE:
        return match.group(3).strip(), match.group(2)
    return match.group(2), None
