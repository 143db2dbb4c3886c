"""What an import did, file by file: the values the CLI prints as the import summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from paperdb.models import LineWarning

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, name)`` before each file (``name`` is the file about
to be read, ``done`` the files finished) and once at the end with ``done == total``."""


@dataclass(slots=True)
class FileReport:
    """What importing one file did."""

    identity: str  # the source's path (a resolved local path, or where it was fetched)
    name: str
    fmt: str
    entries: int = 0  # entries stored for this file (for an unchanged file: already stored)
    new_papers: int = 0  # papers this file's entries started
    linked: int = 0  # entries that joined a paper that already existed
    warnings: list[LineWarning] = field(default_factory=list)
    skipped: int = 0  # lines in non-paper sections passed over by the importer
    unchanged: bool = False  # same content as the last import: nothing was written
    replaced: bool = False  # imported before with other content: its entries were replaced
    notes: list[str] = field(default_factory=list)  # e.g. "decoded as GB18030"
    # For a replaced file, its entries against the previous import (paperdb.changes).
    added: int = 0
    removed: int = 0
    changed: int = 0
    # Papers this import started for mentions added to a list paperdb already had: what
    # `paperdb new` will list for this change.
    arrivals: set[int] = field(default_factory=set)

    @property
    def status(self) -> str:
        """new | updated | unchanged"""
        return "unchanged" if self.unchanged else "updated" if self.replaced else "new"


@dataclass(slots=True)
class ImportReport:
    """What one ``import_paths`` call did, file by file."""

    files: list[FileReport] = field(default_factory=list)
    backup: Path | None = None  # <db>.bak written before entries were replaced

    @property
    def entries(self) -> int:
        return sum(f.entries for f in self.files)

    @property
    def new_papers(self) -> int:
        return sum(f.new_papers for f in self.files)

    @property
    def linked(self) -> int:
        return sum(f.linked for f in self.files)

    @property
    def warnings(self) -> list[LineWarning]:
        return [w for f in self.files for w in f.warnings]


def nothing_found(report: ImportReport) -> str:
    """The one-line error for an import in which no file held a paper entry."""
    names = [f.name for f in report.files]
    where = names[0] if len(names) == 1 else f"{len(names)} files ({', '.join(names[:3])}"
    where += "" if len(names) <= 3 else ", ..."
    where += "" if len(names) == 1 else ")"
    warnings = report.warnings
    if warnings:
        first = warnings[0]
        detail = (
            f"{len(warnings)} list line(s) could not be read as papers, e.g."
            f" {first.file}:{first.line}: {first.reason}"
        )
    else:
        detail = "it holds no list items or table rows that look like papers"
    return f"no paper entries found in {where}: {detail}; nothing was imported"
