"""Errors whose messages are written for the person at the terminal."""

from __future__ import annotations


class PaperdbError(Exception):
    """Base class: the CLI prints the message on one line and exits 1."""


class InputError(PaperdbError):
    """A path or file given to paperdb cannot be used (missing, binary, undecodable)."""


class DatabaseError(PaperdbError):
    """The database cannot be opened, is not a paperdb database, or is newer than this code."""


class DatabaseBusyError(DatabaseError):
    """Another paperdb process holds the write lock for longer than the busy timeout."""


class QueryError(PaperdbError):
    """A query or filter value cannot be used (bad FTS syntax, unknown id, bad year range)."""


class FetchError(PaperdbError):
    """A list could not be fetched from where it lives (network, server, git, size)."""


class GoneError(FetchError):
    """A list file is no longer where it was fetched from (HTTP 404/410, path not in the tree)."""
