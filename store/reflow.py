"""Join hard-wrapped lines into paragraphs, so that a sentence never ends at a wrap.

Man pages, RFC-style notes, wrapped Markdown and the text a PDF gives back break lines at a
fixed width. The chunker treats a line as a paragraph, so those breaks must go first. No
well-kept library decides which line breaks are wraps (``textwrap`` only makes them), so the
rule is written here; it reads layout only, never words:

- the wrap width is the file's usual long line (the 90th percentile of line lengths), and
  lies between 40 and 120 characters;
- a line that reaches close to that width was wrapped, so it joins the next line, unless the
  next line is blank, is indented differently, or starts a list item, heading, quote, table
  row or code fence (Markdown and plain-text block markers);
- text whose lines are longer than any wrap width (one paragraph per line) is left as it is.
"""

from __future__ import annotations

import itertools
import re

_MAX_WRAP = 120  # no one wraps wider than this: longer lines are paragraphs already
_MIN_WRAP = 40  # nor narrower: shorter lines are a list of short items, not wrapped prose
_FILLED = 0.7  # a line at least this share of the wrap width was broken by the wrap
_LIST_ITEM = re.compile(r"\s*(?:[-*+•]|\d+[.)])\s+")
_BLOCK_START = re.compile(r"\s*(?:[-*+•]\s|\d+[.)]\s|#|>|\||```|~~~)")
_VERBATIM = re.compile(r"\s*(?:#|\||```|~~~)")
_HYPHENATED = re.compile(r"\w-$")


def wrap_width(lines: list[str]) -> int:
    """The width the text was wrapped at (0 when it is not wrapped)."""
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if len(lengths) < 2:
        return 0
    width = lengths[int(0.9 * (len(lengths) - 1))]
    return width if _MIN_WRAP <= width <= _MAX_WRAP else 0


def reflow(text: str) -> str:
    """``text`` with wrapped lines joined by a space; paragraph breaks stay as they were."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    width = wrap_width(lines)
    if not width:
        return text
    out: list[str] = [lines[0]]
    indent = _text_indent(lines[0])  # where the current paragraph's lines start
    for previous, line in itertools.pairwise(lines):
        if _wrapped(previous, line, width, indent):
            joint = "" if _HYPHENATED.search(previous.rstrip()) else " "
            out[-1] = out[-1].rstrip() + joint + line.strip()
        else:
            out.append(line)
            indent = _text_indent(line)
    return "\n".join(out)


def _text_indent(line: str) -> int:
    """Where a paragraph's continuation lines start: after a list marker, if there is one."""
    marker = _LIST_ITEM.match(line)
    return marker.end() if marker else len(line) - len(line.lstrip())


def _wrapped(previous: str, line: str, width: int, indent: int) -> bool:
    """Whether the break between ``previous`` and ``line`` is a wrap inside one paragraph."""
    if not line.strip() or not previous.strip() or _BLOCK_START.match(line):
        return False
    if _VERBATIM.match(previous):
        return False
    filled = len(previous.rstrip()) >= _FILLED * width
    return filled and len(line) - len(line.lstrip()) == indent
