"""The ``paperdb`` command group, whose command modules load when a command is needed.

A command module (``admin``, ``curate``, ``living``, ``query``, ``web``) registers its
commands on the one Typer app when it is imported, as always; the group imports it when
one of its commands runs or ``--help`` lists them. So ``paperdb search`` neither imports
the other modules nor builds the other thirteen commands (~0.02 s of its start-up), and
``--help`` and every command are what they were: one app, the same order, the same text.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

# The module of paperdb.cli that registers each command, in the order --help lists them
# (tests/test_cli_lazy.py holds it to what the modules register).
MODULES: dict[str, str] = {
    "import": "admin",
    "db-path": "admin",
    "migrate": "admin",
    "dedupe": "curate",
    "check": "curate",
    "sync": "living",
    "new": "living",
    "search": "query",
    "filter": "query",
    "show": "query",
    "stats": "query",
    "export": "query",
    "serve": "web",
    "publish": "web",
}


def command_name(info: Any) -> str:
    """The name a registered command has on the command line (Typer's rule)."""
    return str(info.name or typer.main.get_command_name(info.callback.__name__))


def build(app: typer.Typer, module: str) -> dict[str, Any]:
    """Import ``paperdb.cli.<module>`` and build the click commands it registers on ``app``."""
    importlib.import_module(f"paperdb.cli.{module}")
    return {
        command_name(info): typer.main.get_command_from_info(
            info,
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
        )
        for info in app.registered_commands
        if MODULES.get(command_name(info)) == module
    }


class _Commands(MutableMapping[str, Any]):
    """The group's commands by name; one named in :data:`MODULES` is built when looked up."""

    def __init__(self, built: MutableMapping[str, Any]) -> None:
        self._built = dict(built)

    def __getitem__(self, name: str) -> Any:
        if name not in self._built and name in MODULES:
            from paperdb.cli import app

            self._built.update(build(app, MODULES[name]))
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*MODULES, *self._built]))

    def __len__(self) -> int:
        return len(MODULES.keys() | self._built.keys())


class LazyGroup(TyperGroup):
    """The app's group (``typer.Typer(cls=LazyGroup)``): commands from :class:`_Commands`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self.commands)
