"""Find files under the paths a user gives (``store.readers`` reads them)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from store.errors import IngestError


@dataclass(frozen=True)
class FoundFile:
    """A file to ingest: ``source`` is the path as the user named it, ``path`` is absolute."""

    source: str
    path: Path
    root: Path | None  # the folder it was found under, when the user named a folder


def find_files(paths: list[str | Path]) -> tuple[list[FoundFile], list[tuple[str, str]]]:
    """Expand files and folders (recursively) into the files to ingest.

    Returns the files in a stable order and the paths that cannot be taken, with a reason: a
    path that does not exist, a symbolic link loop, and inside a folder a link that points
    outside it (its target was not chosen). Unsupported file types inside folders are
    returned too, so they are reported, not hidden.
    """
    found: list[FoundFile] = []
    missing: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for given in paths:
        given_path = Path(given)
        if given_path.is_symlink() and _loops(given_path):
            missing.append((str(given), "is a symbolic link loop"))
        elif given_path.is_dir():
            root = given_path.resolve()
            for child in sorted(given_path.rglob("*")):
                if _hidden(child.relative_to(given_path)):
                    continue
                problem = _link_problem(child, root)
                if problem:
                    missing.append((str(child), problem))
                elif child.is_file():
                    _add(found, seen, FoundFile(str(child), child.resolve(), root))
        elif given_path.is_file():
            _add(found, seen, FoundFile(str(given_path), given_path.resolve(), None))
        else:
            missing.append((str(given), "no such file or folder"))
    return found, missing


def _loops(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python's word for a symlink loop
        return True
    except OSError:
        return False  # a dangling link: reported as missing
    return False


def _link_problem(child: Path, root: Path) -> str | None:
    """Why a symbolic link inside an ingested folder is not followed (None if it is fine)."""
    if not child.is_symlink():
        return None
    if _loops(child):
        return "is a symbolic link loop"
    target = child.resolve()
    if not target.exists():
        return f"is a symbolic link to {target}, which does not exist"
    if not target.is_relative_to(root):
        return f"is a symbolic link to {target}, outside the folder; ingest that path itself"
    return None


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _add(found: list[FoundFile], seen: set[Path], item: FoundFile) -> None:
    if item.path not in seen:
        seen.add(item.path)
        found.append(item)


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path``, or ``IngestError`` with a one-line reason."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise IngestError(f"{path}: cannot be read ({error.strerror or error})") from error


def fingerprint(data: bytes, version: str) -> str:
    """A fingerprint of a file's bytes and of the ``version`` of what reads it.

    Unchanged files are recognised from this alone, without parsing them: re-reading a
    folder of unchanged files costs a read and a hash per file.
    """
    return hashlib.sha256(version.encode("utf-8") + b"\0" + data).hexdigest()
