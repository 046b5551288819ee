"""Finding files under the paths a user gives and reading them as text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from store.errors import IngestError
from store.loader import find_files, fingerprint, read_bytes
from store.readers import read_file

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small folder tree with nested, hidden and unsupported files."""
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    for relative in ["b.txt", "a.md", "sub/c.html", "notes.pdf", ".hidden.txt", ".git/x.txt"]:
        (root / relative).write_text("Some report text for the loader tests.\n")
    return root


def test_find_files_walks_folders_in_stable_order_and_skips_hidden(folder: Path) -> None:
    found, missing = find_files([folder])

    names = [f.path.relative_to(folder).as_posix() for f in found]
    assert names == ["a.md", "b.txt", "notes.pdf", "sub/c.html"]
    assert missing == []
    assert all(f.root == folder.resolve() and f.path.is_absolute() for f in found)


def test_find_files_keeps_unsupported_types_so_they_are_reported(folder: Path) -> None:
    found, _ = find_files([folder])

    assert any(f.path.suffix == ".pdf" for f in found)


def test_find_files_names_a_file_as_given_without_a_root(folder: Path) -> None:
    given = folder / "b.txt"

    found, _ = find_files([given])

    assert [(f.source, f.path, f.root) for f in found] == [(str(given), given.resolve(), None)]


def test_find_files_reports_missing_paths_and_goes_on(folder: Path, tmp_path: Path) -> None:
    absent = tmp_path / "nowhere.txt"

    found, missing = find_files([absent, folder / "b.txt"])

    assert missing == [(str(absent), "no such file or folder")]
    assert [f.path.name for f in found] == ["b.txt"]


def test_find_files_lists_a_file_once_when_named_twice(folder: Path) -> None:
    found, _ = find_files([folder / "b.txt", folder, folder / "b.txt"])

    paths = [f.path for f in found]
    assert len(paths) == len(set(paths)) == 4
    assert found[0].root is None  # the first naming wins


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("binary.txt", "looks like a binary file"),
        ("latin1.txt", "is not UTF-8 text (bad byte at position 3)"),
        ("empty.txt", "is empty"),
        ("report.pdf", "is not a readable PDF"),
    ],
)
def test_read_file_rejects_bad_files_with_a_one_line_reason(fixture: str, reason: str) -> None:
    path = DATA / fixture

    with pytest.raises(IngestError) as caught:
        read_file(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert reason in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("blank.txt", b" \n\t\r\n  ", "is empty"),
        ("README", b"Plain text without a suffix.", "unsupported file type '(none)'"),
        ("data.csv", b"a,b\n1,2\n", "unsupported file type '.csv'"),
        ("empty.html", b"<html><script>x()</script></html>", "is empty"),
    ],
)
def test_read_file_rejects_generated_bad_files(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(IngestError, match=re.escape(reason)):
        read_file(path)


def test_read_file_of_a_missing_file_says_it_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot be read"):
        read_file(tmp_path / "gone.txt")


@pytest.mark.parametrize("fixture", ["report.txt", "report.md"])
def test_read_file_returns_unwrapped_text_untouched(fixture: str) -> None:
    assert read_file(DATA / fixture).text == (DATA / fixture).read_text(encoding="utf-8")


def test_read_file_drops_the_byte_order_mark_and_keeps_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "windows.TXT"  # the suffix check ignores case
    path.write_bytes(b"\xef\xbb\xbfFirst line here.\r\nSecond line here.\r\n")

    assert read_file(path).text == "First line here.\r\nSecond line here.\r\n"


def test_the_fingerprint_is_stable_and_sensitive_to_any_byte_and_the_version(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "copy.txt"
    shutil.copy(DATA / "report.txt", copy)
    first = fingerprint(read_bytes(copy), "readers-1")

    assert first == fingerprint(read_bytes(DATA / "report.txt"), "readers-1")
    assert first != fingerprint(read_bytes(copy), "readers-2")
    copy.write_bytes(copy.read_bytes() + b" ")
    assert first != fingerprint(read_bytes(copy), "readers-1")
    assert len(first) == 64
    with pytest.raises(IngestError, match="cannot be read"):
        read_bytes(tmp_path / "gone.txt")


def test_symbolic_links_are_followed_only_inside_the_folder(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Some report text for the loader tests.\n")
    outside = tmp_path / "secret.txt"
    outside.write_text("Not chosen for ingest.\n")
    (docs / "inside.txt").symlink_to(docs / "a.txt")
    (docs / "outside.txt").symlink_to(outside)
    (docs / "loop1.txt").symlink_to(docs / "loop2.txt")
    (docs / "loop2.txt").symlink_to(docs / "loop1.txt")
    (docs / "dangling.txt").symlink_to(docs / "gone.txt")

    found, problems = find_files([docs, docs / "loop1.txt"])

    assert [f.path for f in found] == [(docs / "a.txt").resolve()]  # the inside link is a.txt
    reasons = dict(problems)
    assert reasons[str(docs / "outside.txt")].startswith(f"is a symbolic link to {outside}")
    assert "outside the folder" in reasons[str(docs / "outside.txt")]
    assert reasons[str(docs / "loop1.txt")] == "is a symbolic link loop"
    assert reasons[str(docs / "loop2.txt")] == "is a symbolic link loop"
    assert "does not exist" in reasons[str(docs / "dangling.txt")]
