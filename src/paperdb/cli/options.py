"""Options shared by several commands: one ``Annotated`` alias each, and make_filters().

Choices come from the library's own constants (sort orders and presentations from
:mod:`paperdb.filters`, stats keys from :mod:`paperdb.stats`, export formats from the
registry in :mod:`paperdb.export`), so a new sort, key or exporter appears here without
an edit. A command that takes the filters declares the eight filter aliases and passes
them to :func:`make_filters` by name; a new shared option is one alias here.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar, cast

import typer

from paperdb.cli.values import SQLITE_MAX_INT, WholeNumber
from paperdb.export import EXPORTERS
from paperdb.filters import PRESENTATIONS, SORTS
from paperdb.output import Format
from paperdb.stats import KEYS as STATS_KEYS

if TYPE_CHECKING:
    from paperdb.filters import Filters, YearRange

ROW_FORMATS = tuple(f.value for f in Format)  # table, json, csv
EXPORT_FORMATS = tuple(EXPORTERS)
# `paperdb new`: rows, or any export format that is not also a row format.
NEW_FORMATS = ROW_FORMATS + tuple(f for f in EXPORT_FORMATS if f not in ROW_FORMATS)


# A choice option is an enum of the library's names, built here (Typer shows and checks
# the choices; its callback hands the command the plain name). To mypy it is a str.
def _enum(name: str, values: Iterable[str]) -> type[StrEnum]:
    # A member is named after its value, made an identifier that str does not use.
    members = [(v.replace("-", "_") + ("_" if hasattr(str, v) else ""), v) for v in values]
    # The functional API makes a class; mypy reads the call as a lookup by value.
    return cast(type[StrEnum], StrEnum(name, members))


def _plain(value: object) -> object:
    """The chosen name(s) as plain strings, the way the library takes them."""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return None if value is None else str(value)


if TYPE_CHECKING:
    ExportFormat: TypeAlias = str
    NewFormat: TypeAlias = str
    Presentation: TypeAlias = str
    Sort: TypeAlias = str
    StatsKey: TypeAlias = str
else:
    ExportFormat = _enum("ExportFormat", EXPORT_FORMATS)
    NewFormat = _enum("NewFormat", NEW_FORMATS)
    Presentation = _enum("Presentation", PRESENTATIONS)
    Sort = _enum("Sort", SORTS)
    StatsKey = _enum("StatsKey", STATS_KEYS)


# -- output -----------------------------------------------------------------------------

FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="table for people; json or csv for scripts.")
]
ExportFormatOpt = Annotated[
    ExportFormat,
    typer.Option("--format", "-f", callback=_plain, help="Output format.", show_default=False),
]
NewFormatOpt = Annotated[
    NewFormat,
    typer.Option(
        "--format",
        "-f",
        callback=_plain,
        help="table, json or csv rows, or an export format"
        f" ({', '.join(f for f in NEW_FORMATS if f not in ROW_FORMATS)}).",
    ),
]
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to this file instead of stdout (- is stdout).",
        show_default=False,
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Overwrite the --output file if it exists.")
]
LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        click_type=WholeNumber(min=1, max=SQLITE_MAX_INT),
        help="At most this many rows.",
        show_default=False,
    ),
]
SortOpt = Annotated[Sort, typer.Option("--sort", callback=_plain, help="Row order.")]
StatsKeyOpt = Annotated[
    list[StatsKey],
    typer.Option(
        "--by",
        callback=_plain,
        help="Count by this; twice for a cross table (--by venue --by year).",
    ),
]
PaperIdArg = Annotated[
    int,
    typer.Argument(
        metavar="ID",
        help="Paper id (from search).",
        click_type=WholeNumber(min=1, max=SQLITE_MAX_INT),
        show_default=False,
    ),
]

# -- filters ----------------------------------------------------------------------------

_F = "Filters"
VenueOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--venue",
        help="Venue name or alias (NIPS), any case; repeat for any of several.",
        show_default=False,
        rich_help_panel=_F,
    ),
]
YearOpt = Annotated[
    str | None,
    typer.Option(
        "--year",
        help="Year or range: 2020, 2019..2022, 2019.., ..2018.",
        show_default=False,
        rich_help_panel=_F,
    ),
]
TopicOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--topic",
        help="Topic slug, name or alias (量化); repeat for any of several.",
        show_default=False,
        rich_help_panel=_F,
    ),
]
AuthorOpt = Annotated[
    str | None,
    typer.Option(
        "--author",
        help="Part of an author's name, any case.",
        show_default=False,
        rich_help_panel=_F,
    ),
]
HasCodeOpt = Annotated[
    bool,
    typer.Option("--has-code", help="Only papers with a code repository.", rich_help_panel=_F),
]
FrameworkOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--framework",
        help="Code framework (PyTorch, TensorFlow, ...); repeatable.",
        show_default=False,
        rich_help_panel=_F,
    ),
]
PresentationOpt = Annotated[
    list[Presentation] | None,
    typer.Option(
        "--presentation",
        callback=_plain,
        help=f"{', '.join(PRESENTATIONS[:-1])} or {PRESENTATIONS[-1]}; repeatable.",
        show_default=False,
        rich_help_panel=_F,
    ),
]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        help="List file name (or its start, e.g. 001); repeatable.",
        show_default=False,
        rich_help_panel=_F,
    ),
]


def _year(value: str | None) -> YearRange | None:
    from paperdb.errors import QueryError
    from paperdb.filters import parse_year

    if value is None:
        return None
    try:
        return parse_year(value)
    except QueryError as exc:
        raise typer.BadParameter(str(exc), param_hint="--year") from None


# The filter options in the order --help lists them: (parameter name, alias, default).
FILTER_OPTIONS: tuple[tuple[str, object, object], ...] = (
    ("venue", VenueOpt, None),
    ("year", YearOpt, None),
    ("topic", TopicOpt, None),
    ("author", AuthorOpt, None),
    ("has_code", HasCodeOpt, False),
    ("framework", FrameworkOpt, None),
    ("presentation", PresentationOpt, None),
    ("source", SourceOpt, None),
)

Command = TypeVar("Command", bound=Callable[..., None])


def filter_options(command: Command) -> Command:
    """Give a command the filter options in place of its ``filters`` parameter.

    Typer reads a command's parameters from its signature, so the wrapper's signature is
    the command's with ``filters`` replaced by the eight options of
    :data:`FILTER_OPTIONS`; the wrapper turns their values into one
    :class:`~paperdb.filters.Filters` (:func:`make_filters`) and calls the command with
    it. A new filter option is one alias and one row there.
    """
    signature = inspect.signature(command, eval_str=True)
    params: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        if param.name != "filters":
            params.append(param)
            continue
        params += [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=alias
            )
            for name, alias, default in FILTER_OPTIONS
        ]

    def wrapper(*args: Any, **kwargs: Any) -> None:
        values = {name: kwargs.pop(name) for name, _, _ in FILTER_OPTIONS}
        command(*args, filters=make_filters(**values), **kwargs)

    functools.update_wrapper(wrapper, command)
    # What Typer (through inspect) reads: the signature and the evaluated annotations.
    wrapper.__dict__["__signature__"] = signature.replace(parameters=params)
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return cast(Command, wrapper)


def make_filters(
    *,
    venue: list[str] | None = None,
    year: str | None = None,
    topic: list[str] | None = None,
    author: str | None = None,
    has_code: bool = False,
    framework: list[str] | None = None,
    presentation: list[str] | None = None,
    source: list[str] | None = None,
) -> Filters:
    """The library's :class:`~paperdb.filters.Filters` from the filter options' values.

    A bad ``--year`` is a usage error (exit 2) naming the option.
    """
    from paperdb.filters import Filters

    return Filters(
        venues=tuple(venue or ()),
        year=_year(year),
        topics=tuple(topic or ()),
        authors=(author,) if author else (),
        has_code=has_code,
        frameworks=tuple(framework or ()),
        presentations=tuple(presentation or ()),
        sources=tuple(source or ()),
    )
