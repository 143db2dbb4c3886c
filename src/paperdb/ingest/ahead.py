"""Parse the next list files in worker processes while the writer stores the current one.

Parsing is pure (text, name, format in; records out) and takes most of an import's time;
storing is one SQLite transaction in this process. With several large files to parse,
worker processes parse the files after the one being stored, a few at a time, so both
cores work. A worker's result is used only when it was made from exactly the text, name
and format the writer asks for (same content hash); anything else (a file changed since,
a name the writer had to change, a worker that failed) is parsed here, so the result is
always what parsing in this process would give.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from paperdb import importers
from paperdb.errors import InputError
from paperdb.ingest.sources import content_hash
from paperdb.models import ListFile, ParsedList
from paperdb.reader import decode, read_list

MIN_FILES = 2  # files to parse from which workers pay off (starting one costs ~0.1 s)
MIN_BYTES = 1 << 20  # and bytes to parse
AHEAD_PER_WORKER = 2  # files queued per worker: bounds the parsed records held in memory


def _context() -> multiprocessing.context.BaseContext:
    """Fork while this is the only thread (no lock can be held by another, and nothing is
    imported again); else spawn, which starts each worker afresh."""
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    return multiprocessing.get_context(method)


def _start_worker(parent: int) -> None:
    """Workers leave Ctrl-C to the writer, which stops them, and end when it dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """A killed writer cannot stop its workers, and a forked worker keeps the task pipe
    open itself, so it would wait for work forever: it watches its parent instead."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _parse_job(file: ListFile, name: str, fmt: str | None) -> tuple[str, ParsedList]:
    """In a worker: read and parse one file; returns its content hash and the result."""
    text, _, digest = read(file)
    return digest, importers.parse_text(text, file=name, fmt=fmt)


def read(file: ListFile) -> tuple[str, list[str], str]:
    """A list file's text, the notes on how it was read, and its content hash.

    Raises:
        InputError: the file cannot be read as text (see :func:`paperdb.reader.read_list`).
    """
    text, notes = (
        read_list(file.path) if file.path else decode(file.data or b"", name=file.identity)
    )
    return text, notes, content_hash(text)


class ParseAhead:
    """The writer's parser: ``parse()`` returns a worker's result when one is ready for
    this file, else parses in this process. ``advance(i)`` queues the files after the
    ``i``-th that are new or changed in the database."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        files: Sequence[ListFile],
        fmt: str | None,
        workers: int | None = None,
    ) -> None:
        self.conn = conn
        self.files = files
        self.fmt = fmt
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None
        self._queued: dict[str, Future[tuple[str, ParsedList]]] = {}
        self._read: dict[str, tuple[str, list[str], str]] = {}  # texts read ahead, by identity
        self._next = 0

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _worth_it(self) -> bool:
        return (
            self.workers > 1
            and len(self.files) >= MIN_FILES
            and sum(file.size for file in self.files) >= MIN_BYTES
        )

    def advance(self, index: int) -> None:
        """Queue the files after the ``index``-th, up to the window, for the workers."""
        if self._next == 0 and not self._worth_it():
            self._next = len(self.files)
        self._next = max(self._next, index + 1)
        window = index + 1 + self.workers * AHEAD_PER_WORKER
        while self._next < min(window, len(self.files)):
            file = self.files[self._next]
            self._next += 1
            if not file.not_modified and self._changed(file):
                self._submit(file)

    def _submit(self, file: ListFile) -> None:
        try:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.workers,
                    mp_context=_context(),
                    initializer=_start_worker,
                    initargs=(os.getpid(),),
                )
            self._queued[file.identity] = self._pool.submit(_parse_job, file, file.name, self.fmt)
        except (BrokenProcessPool, OSError):  # no workers to be had: parse here
            self._next = len(self.files)

    def _changed(self, file: ListFile) -> bool:
        """Whether the writer will parse this file: no source with its content yet. The
        text read to tell is kept for the writer (:meth:`read`)."""
        try:
            kept = self._read[file.identity] = read(file)
        except InputError:
            return False  # the writer reads it again and reports why it cannot
        row = self.conn.execute(
            "SELECT 1 FROM sources WHERE (path = ? OR name = ?) AND content_hash = ?",
            (file.identity, file.name, kept[2]),
        ).fetchone()
        return row is None

    def read(self, file: ListFile) -> tuple[str, list[str], str]:
        """:func:`read` of this file, once: the text of a file already looked at is kept."""
        kept = self._read.pop(file.identity, None)
        return kept if kept is not None else read(file)

    def parse(self, file: ListFile, text: str, digest: str, name: str) -> ParsedList:
        """The records of this file's ``text`` (content hash ``digest``) read as ``name``."""
        queued = self._queued.pop(file.identity, None)
        if queued is not None and name == file.name:
            try:
                made_from, parsed = queued.result()
            except Exception:  # a worker that failed or died: parse here instead
                made_from = ""
            if made_from == digest:
                return parsed
        return importers.parse_text(text, file=name, fmt=self.fmt)
