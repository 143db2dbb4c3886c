"""Plain record types shared by the importers, the ingest layer and the queries.

Importers emit :class:`PaperRecord` (one per list entry, a *mention*) and
:class:`LineWarning` (one per list line that could not be read). Neither knows
anything about SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _by_fields(record: Any) -> tuple[type, tuple[Any, ...]]:
    """``__reduce__`` of a slots dataclass as its class and field values: pickling a
    parsed file's records to the import's writer is a third quicker than the default."""
    return type(record), tuple(getattr(record, name) for name in record.__slots__)


@dataclass(frozen=True, slots=True)
class CodeLink:
    """A code repository named by an entry."""

    url: str
    framework: str | None = None  # normalized: "PyTorch", "TensorFlow+PyTorch", ...
    official: bool = False  # the list marks it as the authors' own, e.g. "(Author)"

    __reduce__ = _by_fields


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """One entry of one list, normalized, remembering where it came from."""

    title: str
    line: int  # 1-based line of the entry's first line in its file
    raw: str  # the entry's source text, verbatim (all of its lines)
    file: str = ""  # file name the entry came from ("awesome.md")
    section: tuple[str, ...] = ()  # heading path, outermost first
    fmt: str = ""  # how its title was found: "link", "bold", "quoted", "plain", "table"
    year: int | None = None
    venue: str | None = None  # canonical short name ("NeurIPS"); unknown names as written
    venue_raw: str | None = None  # what the list wrote, before aliasing
    presentation: str | None = None  # oral | spotlight | poster | workshop | best
    topic: str | None = None  # canonical topic slug ("quantization")
    paper_url: str | None = None
    broken_link: bool = False  # the link target is not a URL (e.g. the title text)
    arxiv_id: str | None = None
    authors: tuple[str, ...] | None = None  # None: the entry names no authors
    nickname: str | None = None
    code: tuple[CodeLink, ...] = ()
    tags: tuple[str, ...] = ()

    __reduce__ = _by_fields

    @property
    def source(self) -> str:
        """``file:line`` so reports can point at the entry."""
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class LineWarning:
    """A list or table line the importer could not read as a paper entry."""

    file: str
    line: int
    reason: str
    raw: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(slots=True)
class ParsedList:
    """What an importer made of one file."""

    file: str
    fmt: str  # the commonest ways titles were found, e.g. "table+link"
    records: list[PaperRecord] = field(default_factory=list)
    warnings: list[LineWarning] = field(default_factory=list)
    skipped: int = 0  # lines in non-paper sections/tables (TOC, People, legends) passed over


@dataclass(frozen=True, slots=True)
class ListFile:
    """One list file to import: its identity and where its text comes from.

    A local file has a ``path`` (read when it is imported); a fetched one has ``data``;
    with neither, the server said the file has not changed since the last fetch.
    """

    identity: str  # sources.path: a resolved local path, a URL, github:OWNER/REPO/PATH
    name: str  # the name wanted for its source (file name, or folder/path for a folder's file)
    path: Path | None = None
    data: bytes | None = None
    origin: str | None = None  # what `paperdb sync` reads it from; None: a plain local file
    revision: str | None = None  # the git commit it was read at
    etag: str | None = None  # HTTP validators of the fetch
    last_modified: str | None = None
    named: bool = False  # ``name`` was given (import --name): used as it is, or refused

    @classmethod
    def local(
        cls,
        path: Path,
        origin: str | None = None,
        revision: str | None = None,
        name: str | None = None,
    ) -> ListFile:
        resolved = str(path.resolve())
        return cls(resolved, name or path.name, path=path, origin=origin, revision=revision)

    @property
    def not_modified(self) -> bool:
        return self.path is None and self.data is None

    @property
    def size(self) -> int:
        return len(self.data or b"") if self.path is None else self.path.stat().st_size
