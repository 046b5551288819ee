"""store.readers and store.reflow: each file type read into the text the store keeps."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from store.errors import IngestError
from store.readers import ReadText, page_at, read_file, supported_suffixes
from store.reflow import reflow
from tests.documents import write_docx, write_pdf

DATA = Path(__file__).resolve().parents[1] / "data"

MAN_PAGE = """\
NAME
       sudo - execute a command as another user

DESCRIPTION
       sudo allows a permitted user to execute a command as the superuser or
       another user, as specified by the security policy.  The invoking user's
       real (not effective) user ID is used to determine the user name with
       which to query the security policy.

OPTIONS
       -b, --background
                   Run the given command in the background.  Note that it is
                   not possible to use shell job control to manipulate
                   background processes started by sudo.
       -h, --help  Display a short help message to the standard output and
                   exit.
"""


def test_wrapped_lines_join_and_paragraphs_stay_apart() -> None:
    text = reflow(MAN_PAGE)
    lines = [line.strip() for line in text.splitlines() if line.strip()]

    assert "NAME" in lines and "DESCRIPTION" in lines and "OPTIONS" in lines
    assert (
        "sudo allows a permitted user to execute a command as the superuser or another user, "
        "as specified by the security policy.  The invoking user's real (not effective) user "
        "ID is used to determine the user name with which to query the security policy."
    ) in lines
    # An indentation change ends a paragraph: the option name stays on its own line.
    assert "-b, --background" in lines
    assert (
        "Run the given command in the background.  Note that it is not possible to use shell "
        "job control to manipulate background processes started by sudo."
    ) in lines


def test_list_items_headings_and_short_lines_are_never_joined() -> None:
    wrapped = (
        "# Install guide for the tool, with every step that a new user needs to take\n"
        "- download the archive from the release page of the project and unpack it\n"
        "  into a folder of your choice.\n"
        "- run the installer.\n"
        "Then restart the shell so that the new command is found on the search path, and\n"
        "check the version.\n"
        "Done.\n"
    )
    lines = reflow(wrapped).splitlines()

    assert lines[0].startswith("# Install guide")
    assert lines[1].endswith("unpack it into a folder of your choice.")
    assert lines[2] == "- run the installer."
    assert lines[3].endswith("search path, and check the version.")
    assert lines[4] == "Done."


def test_text_of_one_paragraph_per_line_is_left_untouched() -> None:
    text = (DATA / "report.txt").read_text(encoding="utf-8")
    assert reflow(text) == text
    assert reflow("First line here.\r\nSecond line here.\r\n") == (
        "First line here.\r\nSecond line here.\r\n"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_decoded(tmp_path: Path, encoding: str) -> None:
    text = "Première ligne du rapport.\nSecond line of the report.\n"
    data = text.encode(encoding)
    if encoding in {"utf-16-le", "utf-16-be"}:  # these codecs write no mark: add it
        data = "\ufeff".encode(encoding) + data
    path = tmp_path / "report.txt"
    path.write_bytes(data)

    assert read_file(path).text == text


def test_a_hyphen_at_a_wrap_joins_without_a_space() -> None:
    text = "\n".join(
        [
            "The committee of the town council met in the early after-",
            "noon to discuss the plans for the new bridge over the river.",
        ]
    )
    assert reflow(text).startswith("The committee of the town council met in the early after-noon")


def test_html_gives_the_visible_text_without_navigation_or_scripts() -> None:
    read = read_file(DATA / "page.html")

    assert read.title == "Syrian army opens humanitarian corridors in Aleppo"  # the <h1>
    for hidden in ["tracker", "color: red", "Home | World", "editor's", "Injected", "Copyright"]:
        assert hidden not in read.text
    assert "<" not in read.text and "&nbsp;" not in read.text
    assert read.text.split("\n\n") == [
        "Syrian army opens humanitarian corridors in Aleppo",
        "Damascus, SANA - The Syrian army opened three humanitarian corridors on Friday.",
        "Civilians left the eastern districts through the corridors, officials said.",
        "Aid convoys are expected to enter the city of Aleppo next week.",
    ]
    assert read.pages == ()


def test_html_title_is_the_first_heading_or_else_the_title_element(tmp_path: Path) -> None:
    page = tmp_path / "p.htm"
    page.write_text("<body><h1>The <i>Vellmark</i> bridge</h1><p>It opened.</p></body>")
    bare = tmp_path / "q.html"
    bare.write_text("<title>Site | The bridge</title><p>It opened.</p>")

    assert read_file(page) == ReadText(
        "The Vellmark bridge\n\nIt opened.", (), "The Vellmark bridge"
    )
    assert read_file(bare) == ReadText("It opened.", (), "Site | The bridge")


def test_markdown_takes_its_title_from_the_first_heading() -> None:
    read = read_file(DATA / "report.md")

    assert read.title == "Geneva talks on Aleppo begin behind closed doors"
    assert read.text == (DATA / "report.md").read_text(encoding="utf-8")


def test_pdf_pages_are_read_with_their_offsets(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "bridge.pdf",
        [
            [
                "The Vellmark bridge was opened in 2019 by the mayor of the town of",
                "Brask, after four years of building work on both banks of the river.",
            ],
            ["The bridge carries 120 trucks a day."],
        ],
        title="Bridge report",
    )

    read = read_file(path)

    assert read.title == "Bridge report"
    assert "mayor of the town of Brask, after four years" in read.text  # the wrap is joined
    second = read.text.index("The bridge carries")
    assert read.pages == (0, second)
    assert page_at(read.pages, 5) == 1
    assert page_at(read.pages, second) == 2
    assert page_at(read.pages, len(read.text) - 1) == 2
    assert page_at((), 5) is None


def test_docx_keeps_headings_paragraphs_and_table_rows_in_order(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "minutes.docx",
        "Minutes of the board",
        [
            ("h1", "Budget"),
            ("p", "The board approved a budget of 40,000 euros."),
            ("row", "Item|Cost"),
            ("p", "The next meeting is in May."),
        ],
    )

    read = read_file(path)

    assert read.title == "Minutes of the board"
    assert read.text.split("\n\n") == [
        "Minutes of the board",
        "Budget",
        "The board approved a budget of 40,000 euros.",
        "Item | Cost",
        "The next meeting is in May.",
    ]
    assert read.pages == ()


def _encrypted(tmp_path: Path) -> Path:
    plain = write_pdf(tmp_path / "plain.pdf", [["Secret figures for the year."]])
    writer = pypdf.PdfWriter(clone_from=plain)
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(tmp_path / "locked.pdf")
    return tmp_path / "locked.pdf"


def _scanned(tmp_path: Path) -> Path:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(612, 792)
    writer.write(tmp_path / "scan.pdf")
    return tmp_path / "scan.pdf"


def _bad_docx(tmp_path: Path) -> Path:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_encrypted, "is encrypted; save a copy without a password first"),
        (_scanned, "has no text layer (a scanned PDF?)"),
        (lambda _: DATA / "report.pdf", "is not a readable PDF (startxref not found)"),
        (_bad_docx, "is not a readable Word file"),
    ],
)
def test_unreadable_documents_get_a_one_line_reason(
    tmp_path: Path, make: object, reason: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]

    with pytest.raises(IngestError) as caught:
        read_file(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: ") and reason in message
    assert "\n" not in message


def test_every_reader_type_is_listed_in_the_unsupported_message(tmp_path: Path) -> None:
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK")

    with pytest.raises(IngestError, match=re.escape("unsupported file type '.xlsx'")) as caught:
        read_file(path)

    for suffix in supported_suffixes():
        assert suffix in str(caught.value)
    assert {".pdf", ".docx", ".html", ".md", ".txt"} <= supported_suffixes()
