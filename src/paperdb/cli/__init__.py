"""The ``paperdb`` command line: parse options, call one library function, render, exit.

One module per command group registers its commands on :data:`app`: ``admin``
(import, db-path, migrate), ``query`` (export and the query commands), ``web`` (serve,
publish).

Data goes to stdout; progress, summaries, warnings and errors go to stderr. Heavy modules
(sqlite_utils, the importers) are imported inside the commands so ``paperdb --help``
starts fast.
"""

from __future__ import annotations

import errno
import io
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.models import CommandFunctionType

from paperdb import __version__
from paperdb.cli.help import PlainCommand
from paperdb.cli.lazy import LazyGroup
from paperdb.cli.values import FilePath
from paperdb.errors import PaperdbError

if TYPE_CHECKING:
    from rich.console import Console


def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def report_output_error(exc: OSError) -> None:
    """Say in one line that the output could not be written (a closed pipe is the
    reader's choice, ``paperdb search x | head -1``: no message); stdout is then pointed
    at /dev/null so nothing can fail on it again."""
    _stdout_to_devnull()
    if exc.errno != errno.EPIPE:
        where = exc.filename if exc.filename is not None else "output"
        with suppress(OSError):  # stderr is gone too: the exit code is all that is left
            print_error(f"cannot write {where}: {exc.strerror or exc}")


class _ClosedStdout(io.TextIOBase):
    """Stands in for a closed stdout (``paperdb search x >&-``, where Python gives None):
    writing data fails as writing to a closed descriptor does, and is reported so."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _stand_in_for_closed_streams() -> None:
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    if sys.stderr is None:  # messages have nowhere to go; the exit code still tells
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


class _App(typer.Typer):
    """The Typer app; its entry point also ends a failed write of the output in one line.

    Every command's output, and click's own ``--help`` and ``--version`` text, is
    flushed here, so a full disk or a closed pipe is seen in this one place. Its
    commands have plain help (:class:`~paperdb.cli.help.PlainCommand`) and are built
    when needed (:class:`~paperdb.cli.lazy.LazyGroup`).
    """

    def command(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        kwargs.setdefault("cls", PlainCommand)
        return super().command(*args, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        _stand_in_for_closed_streams()
        try:
            try:
                return super().__call__(*args, **kwargs)
            finally:
                sys.stdout.flush()
        except OSError as exc:
            report_output_error(exc)
            sys.exit(1)


app = _App(
    cls=LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    # Plain click help and errors: a usage error ends in one "Error: ..." line instead of a
    # rich box, and --help does not import rich (and through it markdown-it): ~0.2 s saved.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Import markdown paper lists into one SQLite database and query it.",
)


@dataclass(slots=True)
class State:
    """What the root callback hands to every command."""

    db: Path
    chosen: bool = False  # --db or PAPERDB_DB named it (not the default location)


def err_console() -> Console:
    """A console on stderr (created per call so test runners' stream swaps are seen)."""
    from rich.console import Console

    # Not a terminal (logs, CI, test runners): wide enough that summaries never wrap.
    # emoji=False: user text such as "file.md:100: ..." must not become "file.md💯 ...".
    width = None if sys.stderr.isatty() else 200
    return Console(stderr=True, highlight=False, emoji=False, width=width)


def say(message: str) -> None:
    """One line of plain text on stderr, control characters made inert: a note, a count,
    ``no papers match``. Written directly: a console (rich) costs ~0.05 s to import."""
    from paperdb.output import inert

    sys.stderr.write(inert(message) + "\n")
    sys.stderr.flush()


_current: list[State] = []  # the running command's state (for messages outside a ctx)


def _current_db_label() -> str:
    """The database path of the running command, for messages."""
    return str(_current[-1].db) if _current else "the database"


def print_error(message: str) -> None:
    """One red ``error:`` line on stderr, control characters made inert."""
    from rich.markup import escape

    from paperdb.output import inert

    err_console().print(f"[red]error:[/red] {escape(inert(message))}", soft_wrap=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a PaperdbError into one red line on stderr and exit 1; Ctrl-C exits 130.

    An sqlite3 error that escaped the library (a damaged file noticed mid-query, a full
    disk) is also a user error: it is named by its SQLite error code, not a traceback.
    A failed write of the output (OSError) is one line too (:func:`report_output_error`,
    which the entry point also calls for what is written after the block).
    """
    try:
        yield
    except PaperdbError as exc:
        print_error(str(exc))
        raise typer.Exit(code=1) from None
    except sqlite3.Error as exc:
        from paperdb.db import translate_error

        print_error(str(translate_error(exc, _current_db_label())))
        raise typer.Exit(code=1) from None
    except OSError as exc:
        report_output_error(exc)
        raise typer.Exit(code=1) from None
    except KeyboardInterrupt:
        err_console().print("[red]interrupted[/red]", soft_wrap=True)
        raise typer.Exit(code=130) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"paperdb {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="PAPERDB_DB",
            metavar="FILE",
            help="Database file. Default: paperdb.db in the user data folder.",
            show_default=False,
            click_type=FilePath(dir_okay=False),
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Import markdown paper lists into one SQLite database and query it."""
    from paperdb.db import default_db_path

    if db is not None and not db.parent.is_dir():
        # A typo must not quietly get a database (and folders) of its own.
        raise typer.BadParameter(
            f"{db.parent}: no such folder; create it first or fix the path",
            param_hint="--db / PAPERDB_DB",
        )
    ctx.obj = State(db=db if db is not None else default_db_path(), chosen=db is not None)
    _current[:] = [ctx.obj]


def state(ctx: typer.Context) -> State:
    state = ctx.obj
    assert isinstance(state, State)
    return state


def _first_use(path: Path, chosen: bool) -> None:
    """Make the database when ``path`` names nothing yet.

    The default location is built from the bundled seeds, so paperdb answers right after
    install; a file named with ``--db`` / ``PAPERDB_DB`` starts as an empty database.
    A symbolic link is the user's choice of file: a read command never builds through
    one (the read path then says where it points), only a write command does.
    """
    if os.path.lexists(path):
        return
    from paperdb.ingest.seed import ensure_seeded  # the importers: only for a first build
    from paperdb.output import inert

    if chosen:
        from paperdb.db import open_db

        open_db(path).close()
        return
    err_console().print(
        f"building {inert(str(path))} from the bundled seed lists", soft_wrap=True, markup=False
    )
    ensure_seeded(path)


def open_for_query(ctx: typer.Context) -> sqlite3.Connection:
    """The read path (:func:`paperdb.db.open_reader`), after the first-use build."""
    from paperdb.db import open_reader

    path = state(ctx).db
    _first_use(path, state(ctx).chosen)
    return open_reader(path)


@contextmanager
def reader(ctx: typer.Context) -> Iterator[sqlite3.Connection]:
    """The read path for a query command; the connection is closed at the end."""
    conn = open_for_query(ctx)
    try:
        yield conn
    finally:
        conn.close()


def open_for_write(ctx: typer.Context) -> sqlite3.Connection:
    """The write path (:func:`paperdb.db.open_db`), after the first-use build
    (which follows a symbolic link to its target, as every write does)."""
    from paperdb.db import database_file, open_db

    path = state(ctx).db
    _first_use(database_file(path), state(ctx).chosen)
    return open_db(path)


def _file_mode(path: Path) -> int:
    """The mode writing ``path`` with a plain open() gives: an existing file keeps its
    own, a new one gets 0o666 less the umask (mkstemp's temporary file is 0o600)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def output_file(value: str, *, force: bool) -> Path | None:
    """The file an ``-o`` option names, checked before anything is computed; None for
    ``-``, the usual name for stdout.

    Raises:
        InputError: it names a folder (or ends with a slash), its folder does not exist,
            or it exists and ``force`` is not given.
    """
    from paperdb.errors import InputError

    if "\x00" in value:
        raise InputError(f"{value!r}: a file name cannot contain a NUL character")
    if value == "-":
        return None
    path = Path(value)
    if value.endswith(("/", os.sep)) or path.is_dir():
        raise InputError(f"{value}: names a folder, not a file; give the file to write")
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: no such folder")
    if path.is_file() and not force:
        raise InputError(f"{path} exists; pass --force to overwrite it")
    return path


def write_output(target: Path | None, text: str | Iterable[str]) -> None:
    """A command's output: to stdout (``target`` None; see :func:`paperdb.output.write_out`)
    or to the ``-o`` file from :func:`output_file`, written atomically and named on stderr.

    Raises:
        InputError: the file cannot be written (nothing is left behind).
    """
    from paperdb.errors import InputError
    from paperdb.output import write_out

    if target is None:
        write_out(text)
        return
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror})") from None
    say(f"wrote {target}")


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (or its pieces) to a temporary file beside ``path``, then move it into place.

    The file ends with the mode a plain write would give it (see :func:`_file_mode`). A
    path that exists and is not a regular file (``/dev/stdout``, a named pipe) is
    written directly: moving a file over it would replace the device or pipe itself.
    """
    if path.exists() and not path.is_file():
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            handle.writelines([text] if isinstance(text, str) else text)
        return
    mode = _file_mode(path)
    import tempfile  # only for -o FILE: ~5 ms of every other command's start-up

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines([text] if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
