"""Blank out page junk and markup without moving any kept character.

Every function here returns a string of the same length as its input: removed text is
replaced by spaces (newlines are kept), so an offset into the cleaned text is also an offset
into the text its reader gave (``store.readers``). That is what lets a citation quote the
stored text exactly. Text splitters in the usual libraries rewrite the text and lose those
offsets, which is why this small masking layer is written by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Whole lines that are navigation, widgets, prices or sign-offs rather than reporting.
_JUNK_LINE_PATTERNS = [
    r"all news",
    r"(latest|top|more|related) (news|stories|articles|posts)",
    r"share( this( article| story)?)?|tweet|print|e-?mail|comments?( \(\d+\))?",
    r"advertisement|sponsored( content)?",
    r"(subscribe|sign up|follow us)\b.*",
    r"do you like this content\?.*",
    r"(please )?consider (helping|supporting) us.*",
    r"click here\b.*",
    r"(photo|image|video)( credit)?:.*",
    r"source: *\S+\.\S+/?\S*",  # a bare "Source: site.com/page" attribution
    r"[$€£¥] *\d[\d.,]*|\d[\d.,]* *[$€£¥]",  # price-list lines such as "2,500 $" (a digit)
    r"[A-Z][a-z]+( */ *[A-Z][a-z]+)+",  # editor sign-offs such as "Reem /Ghossoun/Manar"
    r"https?://\S+|www\.\S+",
]
_JUNK_LINE = re.compile(r"^\s*(?:" + "|".join(_JUNK_LINE_PATTERNS) + r")\s*$", re.IGNORECASE)

# A line that starts a block of teasers for other articles: everything after it is junk.
_TAIL_MARKER = re.compile(
    r"^\s*(check also|read also|see also|related( articles| posts| stories)?|"
    r"you may also like|more from [\w ]+|recommended( for you)?)\s*:?\s*$",
    re.IGNORECASE,
)

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_TARGET = re.compile(r"(?<=\])\([^)]*\)")
_MD_MARKUP = re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s|\*\*|__|`+|\[|\]", re.MULTILINE)


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace each span by spaces, keeping newlines (and length) intact."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def mask_markdown(text: str) -> str:
    """Blank out Markdown syntax (headings, list bullets, emphasis, images, link targets)."""
    text = blank(text, (m.span() for m in _MD_IMAGE.finditer(text)))
    text = blank(text, (m.span() for m in _MD_LINK_TARGET.finditer(text)))
    return blank(text, (m.span() for m in _MD_MARKUP.finditer(text)))


def mask_junk(text: str) -> str:
    """Blank out boilerplate lines and any teaser block that closes the page."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if _TAIL_MARKER.match(line):
            spans.append((offset, len(text)))
            break
        if _JUNK_LINE.match(line):
            spans.append((offset, offset + len(line)))
        offset += len(line)
    return blank(text, spans)


def clean_text(text: str, suffix: str) -> str:
    """Markup and junk masked out for a file of type ``suffix``; same length as ``text``."""
    if suffix in {".md", ".markdown"}:
        text = mask_markdown(text)
    return mask_junk(text)
