"""Paper tables: column roles from the header, one entry per row (two when side by side).

Headers come in any order and several languages (``Title``, ``Paper``, ``论文``,
``Venue``/``Conference``/``Pub``, ``Date``, ``Code``/``Github``, ``Links``), combined
(``Title & Authors``, ``Paper & Code``); the title cell is read with the entry
recognizers, so ``![stars](badge) <br> [**Title**](url) <br> authors`` works as a cell.
"""

from __future__ import annotations

import re
from functools import lru_cache

from paperdb import normalize as nz
from paperdb.importers import links as lk
from paperdb.importers import tail, urls
from paperdb.importers.authors import clean_run, split_author_run, split_names
from paperdb.importers.entry import Fields, read_entry
from paperdb.importers.venues import VenueYear, read_venue_year

_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.I))
    for role, pattern in (
        (
            "title",
            r"^(?:title|titles|paper|papers|paper title|name|work|article|论文|标题|题目|名称)$",
        ),
        ("authors", r"^(?:authors?|作者)$"),
        (
            "nickname",
            r"^(?:nickname|nick|abbr\.?|abbreviation|short name|alias|acronym|"
            r"algorithm name|method name|简称)$",
        ),
        (
            "venue",
            r"^(?:venue|venues|conf|conference|conferences|published|publication|pub|journal|"
            r"source|会议|期刊|发表)$",
        ),
        ("year", r"^(?:year|years|date|time|published date|年份|时间|日期)$"),
        ("code", r"^(?:code|codes|implementation|github|repo|repository|代码|源码)$"),
        ("links", r"^(?:links?|urls?|pdf|paper link|resources?|materials?|链接)$"),
        ("type", r"^(?:type|类型|category)$"),
        (
            "note",
            r"^(?:notion|note|notes|comments?|remarks?|description|keywords?|tl;?dr|备注|笔记|"
            r"summary|highlights?)$",
        ),
    )
)
_COMBINED_RE = re.compile(r"\s*(?:&|and|/|\+|,|与|和)\s*", re.I)


_TITLE_RANK = {
    "title": 3,
    "titles": 3,
    "paper title": 3,
    "paper": 2,
    "papers": 2,
    "work": 2,
    "article": 2,
}


@lru_cache(maxsize=256)  # every row of a table asks with the same header
def table_columns(header: tuple[str, ...]) -> tuple[dict[str, int], ...]:
    """Role -> column maps, one per entry a row holds (two when the header repeats).

    Of several title-like columns the most specific is the title (``Title`` over
    ``Paper`` over ``Name``) and the others hold links; a header written twice across
    the table holds two entries per row.

    >>> table_columns(("Title", "Venue", "Type", "Notion"))
    ({'title': 0, 'venue': 1, 'type': 2, 'note': 3},)
    >>> table_columns(("Title & Authors", "Paper & Code"))
    ({'title': 0, 'authors': 0, 'code': 1, 'links': 1},)
    >>> table_columns(("Paper", "Conf", "Paper", "Conf"))
    ({'title': 0, 'venue': 1}, {'title': 2, 'venue': 3})
    >>> table_columns(("Name", "Paper", "Type", "Modalities")), table_columns(("Date", "Title", "Paper", "Code"))
    (({'title': 1, 'links': 0, 'type': 2},), ({'year': 0, 'title': 1, 'links': 2, 'code': 3},))
    """
    names = [_plain(cell) for cell in header]
    width = _repeat_width(names)
    if width:
        halves = [table_columns(tuple(header[i : i + width])) for i in range(0, len(header), width)]
        return tuple(
            {r: c + n * width for r, c in m.items()} for n, h in enumerate(halves) for m in h[:1]
        )
    roles: dict[str, int] = {}
    rank = 0
    for index, cell in enumerate(header):
        for role in _roles_of(cell):
            if role == "title":
                mine = _TITLE_RANK.get(names[index], 1)
                if "title" in roles and mine <= rank:
                    roles.setdefault("links", index)
                    continue
                if "title" in roles:
                    roles.setdefault("links", roles["title"])
                rank = mine
            elif role in roles:
                continue
            roles[role] = index
    if "links" in roles and roles["links"] == roles.get("title"):
        del roles["links"]
    return (roles,) if "title" in roles else ()


def _plain(cell: str) -> str:
    return nz.clean_text(lk.html_to_markdown(cell)).strip(" :").casefold()


def _repeat_width(names: list[str]) -> int:
    """The width of a header written several times across (``Paper | Conf | Paper | Conf``)."""
    for width in range(2, len(names) // 2 + 1):
        if len(names) % width == 0 and all(names[i] == names[i % width] for i in range(len(names))):
            return width
    return 0


def _roles_of(cell: str) -> list[str]:
    name = nz.clean_text(lk.html_to_markdown(cell)).strip(" :").casefold()
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name) or name  # "Title (Link)", "Date (YYYY.MM)"
    name = re.sub(r"[^\w&/+, \-;.]", "", name).strip()
    roles: list[str] = []
    for part in [name, *_COMBINED_RE.split(name)] if _COMBINED_RE.search(name) else [name]:
        for role, pattern in _ROLES:
            if pattern.match(part.strip()) and role not in roles:
                roles.append(role)
                break
    if set(roles) == {"title", "code"} and not re.search(r"title|name", name):
        roles = ["code", "links"]  # "Paper & Code": a column of links
    return roles


def read_row(
    cells: tuple[str, ...], columns: dict[str, int], defs: dict[str, str]
) -> Fields | None:
    """One entry of a paper table row; None when its title cell is empty."""

    def cell(role: str) -> str:
        index = columns.get(role)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    title_cell = cell("title")
    if not nz.clean_text(lk.html_to_markdown(title_cell)).strip(" -—"):
        return None
    fields = read_entry(title_cell, defs)
    if fields is None:
        return None
    if fields.nickname is None:
        fields.nickname, fields.title = nz.split_glued_nickname(fields.title)
    if columns.get("authors") == columns.get("title"):
        fields.authors = fields.authors or _authors_in_cell(title_cell)
    elif _filled(cell("authors")):
        fields.authors = split_names(clean_run(lk.html_to_markdown(cell("authors"))))
    _venue_cell(cell("venue"), fields)
    _year_cell(cell("year"), fields)
    used = {columns[r] for r in ("title", "venue", "year", "authors") if r in columns}
    _other_cells([c for i, c in enumerate(cells) if i not in used], defs, fields)
    nickname = nz.clean_text(_strip_links(cell("nickname")))
    if _filled(nickname) and len(nickname) <= 40:
        fields.nickname = nickname
    for role in ("type", "note"):
        values = re.split(r"\s*;\s+", nz.clean_text(_strip_links(cell(role))))
        fields.tags.extend(v for v in values if _filled(v) and len(v) <= 80)
    fields.shape = "table"
    return fields


def _filled(value: str) -> bool:
    return bool(value.strip()) and value.strip() not in ("-", "—")


def _other_cells(cells: list[str], defs: dict[str, str], fields: Fields) -> None:
    """Links (code, paper, badges) and venues in the columns with no other role."""
    fallback = None
    for value in cells:
        if not value.strip():
            continue
        found = _link_cell(lk.resolve_references(lk.html_to_markdown(value), defs), fields)
        fallback = fallback or found
    if fields.paper_url is None and not fields.broken_link:
        fields.paper_url = fallback


def _authors_in_cell(cell: str) -> tuple[str, ...] | None:
    for part in re.split(r"<br\s*/?>|\n", cell, flags=re.I)[1:]:
        names, _ = split_author_run(clean_run(_strip_links(part)))
        if names:
            return names
    return None


def _strip_links(text: str) -> str:
    return re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", lk.html_to_markdown(text))


def _venue_cell(value: str, fields: Fields) -> None:
    text = lk.html_to_markdown(value)
    plain = nz.clean_text(_strip_links(text))
    if not plain or plain in ("-", "—"):
        return
    found = read_venue_year(plain, loose=True)
    if found is None or found.venue is None:
        # The column says it is a venue: take what it holds (CVPRW, a journal's name).
        year = found.year if found else None
        bare = re.sub(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])", " ", plain).strip(" ,-")
        venue, presentation = nz.canonical_venue(bare) if len(bare.split()) <= 8 else (None, None)
        found = VenueYear(venue, bare or None, year, presentation) if venue or year else None
    if found is not None:
        if found.venue:
            fields.venue, fields.venue_raw = found.venue, found.venue_raw
        if found.year:
            fields.year = found.year
        fields.presentation = found.presentation or fields.presentation
    for link in lk.find_links(text):
        if link.kind != "badge" and urls.is_url(link.url):
            fields.set_paper_url(link.url)


def _year_cell(value: str, fields: Fields) -> None:
    year = re.search(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])", nz.clean_text(value))
    if year:
        fields.year = int(year.group(1))


def _link_cell(value: str, fields: Fields) -> str | None:
    """Another column: its links (as after a title), or a venue written alone."""
    if lk.find_links(value):
        return tail.read_links(value, fields)
    fields.set_venue(read_venue_year(nz.clean_text(value)))
    return None
