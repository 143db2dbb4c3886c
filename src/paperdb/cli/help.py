"""``--help`` in words a person reads: ``QUERY``, ``PATH...``, ``--limit N``.

Typer writes its own forms into help: ``--limit LIMIT`` for a number, ``<a|b>`` for a
choice argument (0.29 writes Python types: ``{query}``, ``--venue <list[str]>``).
:class:`PlainCommand` writes click's plain forms instead, for every command (the app
registers each with it):

- arguments by their metavar or upper-case name, ``...`` when they repeat, ``[..]`` when
  optional: ``Usage: paperdb import [OPTIONS] PATH...``;
- an option without a metavar gets one from its type: ``N`` for numbers, ``FILE`` /
  ``DIR`` for paths, ``[a|b|c]`` for choices, else its long name (``--venue VENUE``).

SQLite's integer limit is left out of ranges by the option's type
(:class:`paperdb.cli.values.WholeNumber`).
"""

from __future__ import annotations

import enum
from typing import Any

from typer.core import TyperArgument, TyperCommand


def _argument_name(param: Any) -> str:
    name = param.metavar or str(param.name or "").upper().replace("_", "-")
    return str(name) if param.nargs == 1 or name.endswith("...") else f"{name}..."


def _option_metavar(param: Any) -> str:
    """A metavar from the option's click type (its long name if the type says nothing)."""
    kind: Any = param.type
    if kind.name == "choice":
        values = (c.value if isinstance(c, enum.Enum) else c for c in kind.choices)
        return "[" + "|".join(str(v) for v in values) + "]"
    if kind.name in ("int", "int range", "float", "float range"):
        return "N"
    if kind.name in ("file", "directory", "path"):
        return {"file": "FILE", "directory": "DIR"}.get(kind.name, "PATH")
    longs = [opt for opt in param.opts if opt.startswith("--")]
    return (longs[0][2:] if longs else str(param.name)).upper()


class PlainCommand(TyperCommand):
    """A Typer command whose help and usage read like click's (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument) or param.metavar is not None:
                continue
            if not (getattr(param, "is_flag", False) or getattr(param, "count", False)):
                param.metavar = _option_metavar(param)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        params = self.get_params(ctx)
        arguments = [
            (_argument_name(p), p.help or "")
            for p in params
            if isinstance(p, TyperArgument) and not p.hidden
        ]
        options = [
            record
            for p in params
            if not isinstance(p, TyperArgument) and (record := p.get_help_record(ctx))
        ]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
