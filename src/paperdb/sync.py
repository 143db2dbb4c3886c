"""Import lists from where they live, and sync them: the layer above fetch and ingest.

:func:`gather` turns what ``paperdb import`` was given (local paths, URLs, GitHub
repositories, git remotes, local checkouts) into :class:`~paperdb.models.ListFile` s,
fetching the remote ones before any database write. :func:`sync` re-reads every source
that has an origin (or the named ones), one transaction per origin: a source that
cannot be fetched is reported and left exactly as it was, the others still sync, and a
file that disappeared upstream is reported, never emptied.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from paperdb import fetch
from paperdb.errors import InputError, PaperdbError, QueryError
from paperdb.fetch import git
from paperdb.fetch.locations import Location, parse_location
from paperdb.models import ListFile
from paperdb.reader import Skip, collect_named

if TYPE_CHECKING:
    from paperdb.ingest import FileReport, Progress


def _offline_error(text: str) -> InputError:
    return InputError(f"{text}: --offline: paperdb does not fetch from the network")


def _collect(path: str, on_skip: Skip | None) -> list[tuple[Path, str]]:
    """A local file or folder's list files with their names (see reader.collect_named)."""
    return collect_named([path]) if on_skip is None else collect_named([path], on_skip)


def checkout_files(location: Location, on_skip: Skip | None = None) -> list[ListFile]:
    """A local checkout's list files, found and read exactly as a folder import does."""
    revision = git.local_head(Path(location.url))
    return [
        ListFile.local(path, origin=location.origin, revision=revision, name=name)
        for path, name in _collect(location.url, on_skip)
    ]


def snapshot_files(snapshot: fetch.Snapshot) -> list[ListFile]:
    """The files of a fetched snapshot as ingest input."""
    return [
        ListFile(
            f.identity,
            f.name,
            data=f.data,
            origin=snapshot.location.origin,
            revision=snapshot.revision,
            etag=f.etag,
            last_modified=f.last_modified,
        )
        for f in snapshot.files
    ]


def gather(
    texts: Sequence[str], *, offline: bool = False, on_skip: Skip | None = None
) -> list[ListFile]:
    """The list files ``paperdb import`` was given, each once, local ones first checked.

    Raises:
        InputError: a local path is missing or empty, or a location is malformed or
            remote while ``offline``.
        FetchError: a remote location cannot be read.
    """
    locations = [(text, parse_location(text)) for text in texts]
    local: dict[int, list[ListFile]] = {}
    for index, (text, location) in enumerate(locations):
        if location is None:
            local[index] = [ListFile.local(p, name=name) for p, name in _collect(text, on_skip)]
        elif location.kind == "checkout":
            local[index] = checkout_files(location, on_skip)
        elif offline:
            raise _offline_error(text)
    files: dict[str, ListFile] = {}
    for index, (_, location) in enumerate(locations):
        found = local.get(index)
        if found is None and location is not None:
            found = snapshot_files(fetch.take(location))
        for file in found or ():
            files.setdefault(file.identity, file)
    return list(files.values())


# -- sync -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stored:
    """A source with an origin, as the database remembers it."""

    id: int
    identity: str
    name: str
    origin: str
    revision: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class SourceSync:
    """What syncing one source did."""

    name: str
    status: str  # unchanged | updated | new (a file new upstream) | gone (kept as it was)
    new: int = 0
    removed: int = 0
    changed: int = 0
    entries: int = field(default=0, compare=False)  # stored for it now
    origin: str = field(default="", compare=False)


@dataclass(slots=True)
class SyncReport:
    started: datetime
    sources: list[SourceSync] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line per origin not read
    arrivals: set[int] = field(default_factory=set)  # papers the changes brought
    backup: Path | None = None  # <db>.bak, the state before the first replaced entries

    @property
    def new_papers(self) -> int:
        return len(self.arrivals)

    @property
    def failed(self) -> bool:
        return bool(self.failures) or any(s.status == "gone" for s in self.sources)


def stored_sources(conn: sqlite3.Connection, names: Sequence[str] = ()) -> list[Stored]:
    """The sources to sync: all with an origin, or those named (by name, path or origin).

    Raises:
        QueryError: a name matches no source.
        InputError: a named source has no origin (it came from a plain local file).
    """
    rows = conn.execute(
        "SELECT id, path, name, origin, revision, etag, last_modified FROM sources"
        " ORDER BY origin, id"
    ).fetchall()
    chosen: dict[int, Stored] = {}
    for wanted in names:
        hits = [r for r in rows if wanted in (r[1], r[2], r[3])]
        if not hits:
            raise QueryError(f"{wanted}: no source has this name, path or origin")
        for row in hits:
            if row[3] is None:
                raise InputError(
                    f"{wanted}: imported from a local file, so it has no origin to sync from"
                    " (import it again with paperdb import PATH)"
                )
            chosen[row[0]] = Stored(*row)
    if not names:
        chosen = {r[0]: Stored(*r) for r in rows if r[3] is not None}
    return sorted(chosen.values(), key=lambda s: (s.origin, s.id))


def _by_origin(sources: Iterable[Stored]) -> dict[str, list[Stored]]:
    groups: dict[str, list[Stored]] = {}
    for source in sources:
        groups.setdefault(source.origin, []).append(source)
    return groups


def _read_origin(origin: str, stored: Sequence[Stored]) -> list[ListFile] | None:
    """The origin's files now (None: its revision is the one stored, nothing changed)."""
    location = parse_location(origin)
    if location is None:
        raise InputError(f"{origin}: the folder is gone or no longer a git checkout")
    if location.kind == "checkout":
        return checkout_files(location)
    revisions = {s.revision for s in stored}
    known = fetch.Known(
        revision=revisions.pop() if len(revisions) == 1 else None,
        validators={s.identity: (s.etag, s.last_modified) for s in stored},
    )
    snapshot = fetch.take(location, known)
    return None if snapshot.unchanged else snapshot_files(snapshot)


def _result(file: FileReport) -> SourceSync:
    return SourceSync(
        file.name, file.status, file.added, file.removed, file.changed, entries=file.entries
    )


def sync_origin(
    conn: sqlite3.Connection,
    origin: str,
    stored: Sequence[Stored],
    report: SyncReport,
    *,
    only_stored: bool,
    progress: Progress | None = None,
) -> None:
    """Sync one origin's sources in one transaction, adding the results to ``report``.

    Raises:
        PaperdbError: the origin cannot be read or imported; nothing was written.
    """
    from paperdb.ingest import import_files

    files = _read_origin(origin, stored)
    if files is None:
        report.sources += [SourceSync(s.name, "unchanged") for s in stored]
        return
    found = {f.identity for f in files}
    gone = [SourceSync(s.name, "gone", origin=origin) for s in stored if s.identity not in found]
    if only_stored:
        wanted = {s.identity for s in stored}
        files = [f for f in files if f.identity in wanted]
    if files:
        done = import_files(conn, files, progress=progress, following=True, backed_up=report.backup)
        report.backup = done.backup
        report.sources += [_result(f) for f in done.files]
        report.arrivals.update(p for f in done.files for p in f.arrivals)
    report.sources += gone


def sync(
    conn: sqlite3.Connection,
    names: Sequence[str] = (),
    *,
    offline: bool = False,
    progress: Progress | None = None,
) -> SyncReport:
    """Re-read the sources that have an origin (or the named ones) from where they live.

    Raises:
        InputError: ``offline``, or a named source has no origin.
        QueryError: a name matches no source.
    """

    if offline:
        raise InputError("--offline: sync reads lists from where they live; nothing was changed")
    report = SyncReport(started=datetime.now(UTC).replace(microsecond=0))
    for origin, stored in _by_origin(stored_sources(conn, names)).items():
        try:
            sync_origin(conn, origin, stored, report, only_stored=bool(names), progress=progress)
        except PaperdbError as exc:
            report.failures.append(f"{exc}; {_kept(stored)}")
    return report


def _kept(stored: Sequence[Stored]) -> str:
    if len(stored) == 1:
        return f"{stored[0].name} was left as it was"
    return f"its {len(stored)} sources were left as they were"
