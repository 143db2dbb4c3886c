"""The command group loads command modules when needed (paperdb.cli.lazy), and a read
command imports nothing it does not use (issue 12): a behaviour test, not a timing one."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

from paperdb.cli import app
from paperdb.cli.lazy import MODULES, command_name
from paperdb.db import open_db, seed_dir
from paperdb.ingest import import_paths


def test_modules_name_every_command_where_it_is_registered() -> None:
    for module in sorted(set(MODULES.values())):
        importlib.import_module(f"paperdb.cli.{module}")
    registered = [(command_name(i), i.callback.__module__) for i in app.registered_commands]
    assert [name for name, _ in registered] == list(MODULES)
    assert all(where == f"paperdb.cli.{MODULES[name]}" for name, where in registered)


PROBE = """
import json, sys
from paperdb.cli import app
try:
    app(sys.argv[1:], prog_name="paperdb")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _imported(*argv: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True
    )
    return set(__import__("json").loads(result.stderr.strip().splitlines()[-1]))


def test_a_query_loads_its_own_module_only(tmp_path: Path) -> None:
    path = tmp_path / "seed.db"
    conn = open_db(path)
    import_paths(conn, sorted(seed_dir().glob("*.txt"))[:1])
    conn.close()
    modules = _imported("--db", str(path), "search", "pruning", "-f", "json")
    commands = {m for m in modules if m.startswith("paperdb.cli.")}
    assert commands >= {"paperdb.cli.query", "paperdb.cli.lazy"}
    assert not commands & {"paperdb.cli.admin", "paperdb.cli.curate", "paperdb.cli.web"}
    # Not needed to answer a query: pydantic, a console for a pipe, the importers.
    assert not {"pydantic", "rich", "sqlite_utils", "paperdb.importers"} & modules


def test_help_lists_every_command() -> None:
    modules = _imported("--help")
    assert {f"paperdb.cli.{m}" for m in MODULES.values()} <= modules
    assert "pydantic" not in modules


def test_messages_on_stderr_need_no_console(db_path: Path) -> None:
    # "no papers match" (and search's notes) are plain lines, not a rich console.
    assert "rich" not in _imported("--db", str(db_path), "filter", "--year", "1900")
