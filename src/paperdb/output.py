"""Render rows for people (a rich table) or for scripts (json, csv, tsv).

``render(rows, fmt)`` is the one formatter the CLI uses. Rows are dicts whose key
order is the column order. JSON and CSV are contracts: JSON is a list of objects
(``[]`` when empty), CSV always has a header row; list values are joined with
``"; "`` in CSV/TSV. When stdout is not a terminal the "table" format falls back to
plain tab-separated values, so pipes get stable text with no colour.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from json.encoder import encode_basestring  # the C encoder json.dumps uses for a str
from typing import Any

# C0/C1 control characters (terminal escape sequences start with ESC) are made inert.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def inert(text: str) -> str:
    """Replace control characters (escape sequences, NUL, BEL) by U+FFFD.

    >>> inert("ok\\x1b[31mred")
    'ok\\ufffd[31mred'
    """
    return _CONTROL_RE.sub("\ufffd", text)


def cell_text(value: Any, *, keep_controls: bool = False) -> str:
    """A value as one line of text: lists joined with "; ", None as empty.

    Control characters are made inert for people (tables, TSV); CSV keeps them
    (``keep_controls``): it is data, and :func:`write_out` neutralizes it on a terminal.
    """
    if value is None:
        return ""
    if type(value) is int:
        return int.__repr__(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v, keep_controls=keep_controls) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value) if keep_controls else inert(str(value))
    return text.replace("\n", " ").replace("\t", " ")


def indented_json(value: Any, pad: str = "") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, the same text, ~4x faster;
    ``pad`` starts every line after the first (the value nested in an outer one).

    The json module encodes with C code only without ``indent``; this walks the
    containers in Python once and leaves strings to the same C encoder. A dict whose
    keys are not all strings goes through ``json.dumps`` (it turns keys into strings).

    >>> print(indented_json({"id": 1, "tags": ["a", None], "code": [], "ok": True}))
    {
      "id": 1,
      "tags": [
        "a",
        null
      ],
      "code": [],
      "ok": true
    }
    """
    out: list[str] = []
    try:
        _write_json(value, pad, out)
    except _NotPlain:
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + pad)
    return "".join(out)


class _NotPlain(Exception):
    """A dict key that is not a string: json.dumps decides how it is written."""


_JSON_CONSTANTS = {None: "null", True: "true", False: "false"}


def _write_json(value: Any, pad: str, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is int:
        out.append(int.__repr__(value))
    elif value is None or kind is bool:
        out.append(_JSON_CONSTANTS[value])
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = pad + "  "
        sep = "{\n" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            out.append(sep)
            out.append(encode_basestring(key))
            out.append(": ")
            _write_json(item, inner, out)
            sep = ",\n" + inner
        out.append("\n" + pad + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = pad + "  "
        sep = "[\n" + inner
        for item in value:
            out.append(sep)
            _write_json(item, inner, out)
            sep = ",\n" + inner
        out.append("\n" + pad + "]")
    else:  # floats, str or int subclasses, anything else json itself judges
        out.append(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + pad))


def to_json(rows: Sequence[dict[str, Any]]) -> str:
    return indented_json(list(rows)) + "\n"


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    columns = list(columns or (rows[0].keys() if rows else []))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell_text(row.get(c), keep_controls=True) for c in columns])
    return out.getvalue()


def to_tsv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    columns = list(columns or (rows[0].keys() if rows else []))
    lines = ["\t".join(columns)]
    lines.extend("\t".join(cell_text(row.get(c)) for c in columns) for row in rows)
    return "\n".join(lines) + "\n"


def write_out(text: str | Iterable[str]) -> None:
    """Write command output (``text`` or its pieces) to stdout and flush: the one writer
    of data on stdout.

    On a terminal, control characters are made inert (:func:`inert`): a title in a list
    must not drive the terminal (set its title, move the cursor, hide text). Files and
    pipes get the text as written. A write error (a full disk) propagates as OSError;
    the CLI's entry point turns it into one line.
    """
    pieces = [text] if isinstance(text, str) else text
    if sys.stdout.isatty():
        pieces = (inert(piece) for piece in pieces)
    for piece in pieces:
        sys.stdout.write(piece)
    sys.stdout.flush()


def use_color() -> bool:
    """Colour only on a terminal and only when NO_COLOR is unset."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def json_pieces(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """:func:`to_json` of the rows, a row at a time (the same text, flat memory).

    >>> rows = [{"a": [1, {"b": None}], "t": "x\\ny"}, {"a": []}]
    >>> "".join(json_pieces(rows)) == to_json(rows) and "".join(json_pieces([])) == to_json([])
    True
    """
    first = True
    for row in rows:
        yield ("[\n  " if first else ",\n  ") + indented_json(row, "  ")
        first = False
    yield "[]\n" if first else "\n]\n"


def _lines(
    rows: Iterator[dict[str, Any]], columns: Sequence[str] | None, sep: str
) -> Iterator[str]:
    """CSV (``sep`` ",") or TSV lines of the rows, header first, a row at a time."""
    first = next(rows, None)
    names = list(columns or (first.keys() if first else []))
    if sep == "\t" and first is None:
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    yield to_csv([], names) if sep == "," else "\t".join(names) + "\n"
    for row in itertools.chain([first] if first else [], rows):
        if sep == ",":
            writer.writerow([cell_text(row.get(c), keep_controls=True) for c in names])
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        else:
            yield "\t".join(cell_text(row.get(c)) for c in names) + "\n"


def render(
    rows: Iterable[dict[str, Any]],
    fmt: Format | str = Format.table,
    *,
    columns: Sequence[str] | None = None,
    wrap: Sequence[str] = ("title",),
    title: str | None = None,
) -> None:
    """Write rows to stdout in ``fmt``; ``wrap`` names the columns that may wrap.

    ``rows`` may be an iterator: json, csv and tsv are written as the rows come (a
    million proposals never sit in memory as text); a table needs them all first."""
    fmt = Format(fmt)
    if fmt is Format.json:
        write_out(json_pieces(rows))
    elif fmt is Format.csv:
        write_out(_lines(iter(rows), columns, ","))
    elif not sys.stdout.isatty():
        write_out(_lines(iter(rows), columns, "\t"))
    else:
        _rich_table(list(rows), columns, wrap, title)
        sys.stdout.flush()


def _rich_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str] | None,
    wrap: Sequence[str],
    title: str | None,
) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    columns = list(columns or (rows[0].keys() if rows else []))
    console = Console(no_color=not use_color(), highlight=False, emoji=False)
    table = Table(title=title, header_style="bold", expand=False, show_lines=False)
    for name in columns:
        if name in wrap:
            table.add_column(name, overflow="fold", ratio=1, min_width=20)
        else:
            numeric = bool(rows) and all(
                isinstance(r.get(name), int | float) or r.get(name) is None for r in rows
            )
            table.add_column(
                name,
                no_wrap=True,
                overflow="ellipsis",
                max_width=40,
                justify="right" if numeric else "left",
            )
    for row in rows:
        table.add_row(*(Text(cell_text(row.get(c))) for c in columns))
    console.print(table)
