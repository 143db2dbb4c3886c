"""Find list files and read them as text, with a clear error for anything that is not text."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable
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


def _kind(mode: int) -> str | None:
    """What a non-regular file is, for messages; None for a regular file."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    for test, name in kinds:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def _os_problem(path: Path, exc: OSError) -> InputError:
    """A one-line error for a path that cannot be opened or looked at."""
    if exc.errno == errno.ELOOP:
        return InputError(f"{path}: symbolic link loop")
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return InputError(f"{path}: broken symbolic link (to {os.readlink(path)})")
    if exc.errno == errno.ENOENT:
        return InputError(f"{path}: no such file or folder")
    return InputError(f"{path}: cannot read the file ({exc.strerror})")


def _require_regular(path: Path, mode: int) -> None:
    kind = _kind(mode)
    if kind is not None:
        raise InputError(f"{path}: {kind}, not a list file; only regular files are read")


def _read_bounded(fd: int, path: Path) -> bytes:
    """At most MAX_BYTES from ``fd``; refuses a file that holds more (whatever stat said)."""
    chunks: list[bytes] = []
    left = MAX_BYTES + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    if left <= 0:
        raise InputError(
            f"{path}: file is too large for a paper list "
            f"(over {MAX_BYTES // 1024 // 1024} MB, the limit)"
        )
    return b"".join(chunks)


def read_list(path: Path) -> tuple[str, list[str]]:
    """Read one list file as text; returns the text and notes about how it was read.

    Only regular files are read (a device, named pipe or socket is refused by its type
    before it is opened, and again on the open file), and never more than MAX_BYTES.

    Raises:
        InputError: the file is missing, a broken link or a link loop, not a regular
            file, unreadable, too large, binary or undecodable.
    """
    problem = _usable(path)
    if problem is not None:
        raise problem
    try:
        # O_NONBLOCK: if the file was swapped for a named pipe since, open cannot hang.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _os_problem(path, exc) from None
    try:
        _require_regular(path, os.fstat(fd).st_mode)
        data = _read_bounded(fd, path)
    except OSError as exc:
        raise _os_problem(path, exc) from None
    finally:
        os.close(fd)
    return decode(data, name=str(path))


def _is_list_file(path: Path) -> bool:
    return path.suffix.lower() in LIST_SUFFIXES and not path.name.startswith(".")


Skip = Callable[[str], None]


def _usable(path: Path) -> InputError | None:
    """Why ``path`` cannot be read as a list (missing, link loop, not regular), or None."""
    try:
        _require_regular(path, os.stat(path).st_mode)
    except ValueError:  # os.stat's word for a NUL in the path
        return InputError(f"{str(path)!r}: a path cannot contain a NUL character")
    except OSError as exc:
        return _os_problem(path, exc)
    except InputError as exc:
        return exc
    return None


def _walk(folder: Path, on_skip: Skip) -> list[Path]:
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        on_skip(f"{exc.filename}: cannot read the folder ({exc.strerror}); skipped")

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]  # .git, .github, ...
        for name in files:
            path = Path(root) / name
            if not _is_list_file(path):
                continue
            problem = _usable(path)
            if problem is None:
                found.append(path)
            else:
                on_skip(f"{problem}; skipped")
    return sorted(found)


def _ignore(message: str) -> None:
    """The default ``on_skip``: skipped files are left out silently."""


def folder_name(folder: Path, file: Path) -> str:
    """A file found in a folder import is named by its path below the folder, with the
    folder's own name in front, so every repository's README.md stays apart.

    >>> folder_name(Path("lists"), Path("lists/a/README.md"))
    'lists/a/README.md'
    """
    below = file.relative_to(folder).as_posix()
    top = Path(os.path.abspath(folder)).name
    return f"{top}/{below}" if top else below


def collect_named(paths: Iterable[Path | str], on_skip: Skip = _ignore) -> list[tuple[Path, str]]:
    """Expand files and folders into list files with their names: folders recursively
    (``*.md``, ``*.markdown``, ``*.txt``, hidden folders skipped), sorted, each file once.
    A file named explicitly is named by its file name, one found in a folder by
    :func:`folder_name`.

    Files named explicitly are taken whatever their extension. In a folder, a file that
    is not a regular file (named pipe, device, socket), a broken link or a link loop is
    left out and ``on_skip`` is called with a one-line reason.

    Raises:
        InputError: a path does not exist, is a broken link, a link loop or not a regular
            file or folder, or a folder holds no list files.
    """
    result: list[tuple[Path, str]] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if os.path.isdir(path):
            files = [(file, folder_name(path, file)) for file in _walk(path, on_skip)]
            if not files:
                raise InputError(
                    f"{path}: no {', '.join('*' + s for s in LIST_SUFFIXES)} files in this folder"
                )
        else:
            problem = _usable(path)
            if problem is not None:
                raise problem
            files = [(path, path.name)]
        for file, name in files:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                result.append((file, name))
    return result


def collect_paths(paths: Iterable[Path | str], on_skip: Skip = _ignore) -> list[Path]:
    """The files of :func:`collect_named`, without their names."""
    return [path for path, _ in collect_named(paths, on_skip)]
