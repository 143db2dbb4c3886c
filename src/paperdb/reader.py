"""Find list files and read them as text, with a clear error for anything that is not text."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from paperdb.errors import InputError

LIST_SUFFIXES = (".md", ".markdown", ".txt")
MAX_BYTES = 20 * 1024 * 1024  # a paper list is text; 20 MB is far beyond any real one
_SNIFF_BYTES = 8192


def normalize_newlines(text: str) -> str:
    r"""CRLF and lone CR become LF.

    >>> normalize_newlines("a\r\nb\rc\n")
    'a\nb\nc\n'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, *, name: str) -> tuple[str, list[str]]:
    """Decode a list file's bytes: UTF-8 (BOM allowed), else GB18030 with a note.

    Raises:
        InputError: the bytes look binary or are neither UTF-8 nor GB18030.
    """
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(f"{name}: looks like a binary file, not a markdown list")
    notes: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(f"{name}: cannot decode the file as UTF-8 or GB18030 text") from None
        notes.append("decoded as GB18030 (not valid UTF-8)")
    return normalize_newlines(text), notes


def read_list(path: Path) -> tuple[str, list[str]]:
    """Read one list file as text; returns the text and notes about how it was read.

    Raises:
        InputError: the file is missing, unreadable, too large, binary or undecodable.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{path}: file is too large for a paper list "
                f"({size / 1024 / 1024:.1f} MB; limit {MAX_BYTES // 1024 // 1024} MB)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    return decode(data, name=str(path))


def _is_list_file(path: Path) -> bool:
    return path.suffix.lower() in LIST_SUFFIXES and not path.name.startswith(".")


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]  # .git, .github, ...
        found.extend(Path(root) / f for f in files if _is_list_file(Path(f)))
    return sorted(found)


def collect_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Expand files and folders into list files: folders recursively (``*.md``,
    ``*.markdown``, ``*.txt``, hidden folders skipped), sorted, each file once.

    Files named explicitly are taken whatever their extension.

    Raises:
        InputError: a path does not exist, or a folder holds no list files.
    """
    result: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = _walk(path)
            if not files:
                raise InputError(
                    f"{path}: no {', '.join('*' + s for s in LIST_SUFFIXES)} files in this folder"
                )
        elif path.exists():
            files = [path]
        else:
            raise InputError(f"{path}: no such file or folder")
        for file in files:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                result.append(file)
    return result
