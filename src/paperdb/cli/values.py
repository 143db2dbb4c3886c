"""How the command line reads numbers and paths: the click types of those options.

Typer (0.28, pinned for start-up time) converts option values with the click types it
vendors. Two of their readings are not what a person typing a command means:

- a number: Python's ``int()`` also reads digits of other scripts (``--port ٢٠١٩`` is
  port 2019); here a number is written with the digits 0-9;
- a path with a NUL character: ``os.stat()`` raises ValueError (a traceback); here it is
  a usage error like any other bad value.

Each option passes one of these as ``click_type=`` (its range or kind with it, since a
``click_type`` replaces Typer's ``min=``/``max=``/``file_okay=``). Their names are
click's, so help shows them as any number or path (:mod:`paperdb.cli.help`).
"""

from __future__ import annotations

from typing import Any

from typer._click.types import FloatRange, IntRange
from typer.models import TyperPath

SQLITE_MAX_INT = 2**63 - 1  # larger ids and limits cannot reach SQLite: a usage error


def _check_digits(kind: Any, value: Any, param: Any, ctx: Any, what: str) -> None:
    if isinstance(value, str) and not value.isascii():
        kind.fail(f"{value!r} is not a valid {what} (write it with the digits 0-9).", param, ctx)


class WholeNumber(IntRange):
    """An integer in ``[min, max]``, written with the digits 0-9.

    SQLite's limit as ``max`` is a guard against overflow, not advice: help and errors
    leave it out (``x>=1``).

    >>> WholeNumber(min=1, max=SQLITE_MAX_INT)._describe_range()
    'x>=1'
    >>> WholeNumber(min=1, max=65535)._describe_range()
    '1<=x<=65535'
    """

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        _check_digits(self, value, param, ctx, "integer")
        return super().convert(value, param, ctx)

    def _describe_range(self) -> str:
        if self.max == SQLITE_MAX_INT:
            return WholeNumber(min=self.min, min_open=self.min_open)._describe_range()
        return super()._describe_range()


class Number(FloatRange):
    """A number in ``[min, max]``, written with the digits 0-9."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        _check_digits(self, value, param, ctx, "number")
        return super().convert(value, param, ctx)


class FilePath(TyperPath):
    """A path (``file_okay`` / ``dir_okay`` as click's); a NUL in it is a usage error."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if "\x00" in str(value):
            self.fail("a path cannot contain a NUL character", param, ctx)
        return super().convert(value, param, ctx)
