"""One reader per file type: a file in, the text the store keeps out.

The text a reader returns is what citations index into (``quote == text[start:end]``) and
what the source viewer shows, so it is readable text, not markup: an HTML page's text, a
PDF's text layer, a Word file's paragraphs, a wrapped text file with its wraps joined.
Paged formats also give the offset where each page starts, for "p. 2" in citations.

Libraries do the format work: ``pypdf`` (BSD) for PDF, ``python-docx`` (MIT) for Word and
the standard library's ``html.parser`` for HTML.
"""

from __future__ import annotations

import bisect
import codecs
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Protocol

from store.errors import IngestError
from store.loader import read_bytes
from store.reflow import reflow

_PAGE_BREAK = "\n\n"
# Bump when a reader gives different text for the same file: stored files are read again.
READERS_VERSION = "readers-1"


@dataclass(frozen=True)
class ReadText:
    """What a reader found in a file.

    ``pages`` holds the offset in ``text`` where each page starts (empty for formats without
    pages); ``title`` is the title the format itself gives (a heading, ``<title>``, document
    properties), empty when it gives none.
    """

    text: str
    pages: tuple[int, ...] = ()
    title: str = ""


class FileReader(Protocol):
    """Turns the bytes of one file type into text; raises ``IngestError`` with a reason."""

    suffixes: frozenset[str]

    def read(self, path: Path, data: bytes) -> ReadText: ...


def page_at(pages: Sequence[int], offset: int) -> int | None:
    """The 1-based page holding ``offset``, or ``None`` for a text without pages."""
    return max(1, bisect.bisect_right(pages, offset)) if pages else None


# Byte-order marks of the encodings a text file declares this way (longest first: UTF-32's
# little-endian mark starts with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(path: Path, data: bytes) -> str:
    """``data`` as text: UTF-8, or UTF-16/32 with a byte-order mark; else ``IngestError``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).removeprefix("\ufeff")
            except UnicodeDecodeError as error:
                raise IngestError(
                    f"{path}: is not valid {encoding.upper()} text (bad bytes at position "
                    f"{error.start})"
                ) from error
    if b"\x00" in data[:8192]:
        raise IngestError(f"{path}: looks like a binary file, not text")
    try:
        # utf-8-sig drops a byte-order mark, which would otherwise shift every offset by one.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(
            f"{path}: is not UTF-8 text (bad byte at position {error.start}); "
            "convert it to UTF-8 first"
        ) from error


class PlainTextReader:
    """Plain text; hard-wrapped lines are joined into paragraphs (``store.reflow``)."""

    suffixes = frozenset({".txt", ".text"})

    def read(self, path: Path, data: bytes) -> ReadText:
        return ReadText(reflow(decode(path, data)))


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


class MarkdownReader:
    """Markdown kept as written (wraps joined); the first heading is the title."""

    suffixes = frozenset({".md", ".markdown"})

    def read(self, path: Path, data: bytes) -> ReadText:
        text = reflow(decode(path, data))
        heading = _MD_HEADING.search(text)
        return ReadText(text, title=heading.group(1) if heading else "")


class HtmlReader:
    """An HTML page's visible text, one paragraph per block; navigation and scripts dropped."""

    suffixes = frozenset({".html", ".htm", ".xhtml"})

    def read(self, path: Path, data: bytes) -> ReadText:
        parser = _TextParser()
        parser.feed(decode(path, data))
        parser.close()
        return ReadText(_PAGE_BREAK.join(parser.blocks), title=parser.heading or parser.title)


# Elements whose content is never the page's text, and elements that end a paragraph.
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "head", "nav", "footer", "aside", "svg"}
)  # not <form>: some sites wrap the whole page in one
_BLOCK = frozenset(
    {
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "td",
        "th", "table", "section", "article", "header", "main", "blockquote", "pre", "dd",
        "dt", "figcaption", "hr", "title",
    }
)  # fmt: skip
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr"})


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.title = ""  # the <title> element
        self.heading = ""  # the first <h1>, which names the article better than <title>
        self._current: list[str] = []
        self._skip_depth = 0
        self._in_title = False
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP and tag not in _VOID:
            self._skip_depth += 1
        if tag in _BLOCK:
            self._flush()
        if tag == "h1" and not self.heading:
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP and self._skip_depth:
            self._skip_depth -= 1
        if tag in _BLOCK:
            self._flush()
        if tag == "h1" and self._heading is not None:
            self.heading = self.heading or " ".join("".join(self._heading).split())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = self.title or " ".join(data.split())
            return
        if self._skip_depth:
            return
        self._current.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []


class PdfReader:
    """A PDF's text layer, page by page, wraps joined; scanned and locked files are refused."""

    suffixes = frozenset({".pdf"})

    def read(self, path: Path, data: bytes) -> ReadText:
        import pypdf
        from pypdf.errors import PyPdfError

        try:
            pdf = pypdf.PdfReader(io.BytesIO(data))
            if pdf.is_encrypted and not pdf.decrypt(""):
                raise IngestError(f"{path}: is encrypted; save a copy without a password first")
            texts = [reflow((page.extract_text() or "").strip()) for page in pdf.pages]
            title = str(pdf.metadata.title or "").strip() if pdf.metadata else ""
        except IngestError:
            raise
        except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
            raise IngestError(f"{path}: is not a readable PDF ({_first_line(error)})") from error
        if not any(t.strip() for t in texts):
            raise IngestError(
                f"{path}: has no text layer (a scanned PDF?); run OCR on it first "
                "(for example ocrmypdf)"
            )
        return _joined_pages(texts, title)


def _joined_pages(texts: list[str], title: str = "") -> ReadText:
    parts: list[str] = []
    pages: list[int] = []
    offset = 0
    for text in texts:
        if parts:
            offset += len(_PAGE_BREAK)
        pages.append(offset)
        parts.append(text)
        offset += len(text)
    return ReadText(_PAGE_BREAK.join(parts), tuple(pages), title)


class DocxReader:
    """A Word file's paragraphs and table rows in order; the title from its properties."""

    suffixes = frozenset({".docx"})

    def read(self, path: Path, data: bytes) -> ReadText:
        import docx
        from docx.table import Table

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as error:  # python-docx raises zipfile, lxml and KeyError alike
            raise IngestError(
                f"{path}: is not a readable Word file ({_first_line(error)})"
            ) from error
        blocks: list[str] = []
        heading = ""
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    cells = [" ".join(c.text.split()) for c in row.cells]
                    line = " | ".join(dict.fromkeys(c for c in cells if c))
                    if line:
                        blocks.append(line)
                continue
            text = " ".join(item.text.split())
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            if not heading and style.startswith(("Title", "Heading")):
                heading = text
            blocks.append(text)
        title = (document.core_properties.title or "").strip() or heading
        return ReadText("\n\n".join(blocks), title=title)


def _first_line(error: Exception) -> str:
    message = str(error).strip().splitlines()
    return message[0] if message else type(error).__name__


DEFAULT_READERS: tuple[FileReader, ...] = (
    PlainTextReader(),
    MarkdownReader(),
    HtmlReader(),
    PdfReader(),
    DocxReader(),
)


def supported_suffixes(readers: Sequence[FileReader] = DEFAULT_READERS) -> frozenset[str]:
    return frozenset(s for r in readers for s in r.suffixes)


def read_file(
    path: Path, readers: Sequence[FileReader] = DEFAULT_READERS, data: bytes | None = None
) -> ReadText:
    """Read ``path`` (or its ``data``, when the caller has read it already) with the reader
    for its type, or raise ``IngestError`` with a reason."""
    suffix = path.suffix.lower()
    reader = next((r for r in readers if suffix in r.suffixes), None)
    if reader is None:
        kinds = ", ".join(sorted(supported_suffixes(readers)))
        raise IngestError(f"{path}: unsupported file type '{suffix or '(none)'}' (use {kinds})")
    read = reader.read(path, read_bytes(path) if data is None else data)
    if not read.text.strip():
        raise IngestError(f"{path}: is empty")
    return read
