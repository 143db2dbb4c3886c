"""Per-family grammars for the text of one list item or table row.

Each ``read_*`` function takes an item's text (list marker removed) and returns
:class:`Fields` when the text is an entry of its family, or ``None`` when it is
not. They are pure; headings are applied later by the caller.

Families (see DESIGN.md):

- ``numbered``: ``1. Title`` plain text, optionally with an OpenReview author/date
  tail or an ACL page range.
- ``table``: rows of ``| Title | Venue | Type | Notion/Code |`` tables.
- ``blog``: ``* 【CVPR2020】【Apple】[Title](url)`` bullets.
- ``dated``: ``- 2019-ICLRo-[Title](url) [[code](url)] (note)`` bullets.
- ``nickname``: ``- **[Nick]** Title, Venue Year, [[paper]](url), [[code(FW)]](url)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from paperdb import normalize as nz
from paperdb.models import CodeLink


@dataclass(slots=True)
class Fields:
    """What an item says about itself (before heading context is applied)."""

    fmt: str
    title: str
    year: int | None = None
    year_given: bool = False  # the item fixes the year itself (even to "none")
    venue: str | None = None
    venue_raw: str | None = None
    venue_given: bool = False  # the item fixes the venue itself (even to "none")
    presentation: str | None = None
    paper_url: str | None = None
    broken_link: bool = False
    authors: tuple[str, ...] | None = None
    nickname: str | None = None
    code: list[CodeLink] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- links


def scan_link(text: str, start: int = 0) -> tuple[int, str, str] | None:
    """Read ``[label](target)`` at ``start`` with balanced brackets.

    Returns (end, label, target) or None. Targets may hold spaces (lists put the
    title there by mistake) and balanced parentheses.

    >>> scan_link("[A [b] c](http://x/(y)) rest")
    (23, 'A [b] c', 'http://x/(y)')
    >>> scan_link("[ZeroQ: A Framework](ZeroQ: A Framework)")
    (40, 'ZeroQ: A Framework', 'ZeroQ: A Framework')
    """
    if start >= len(text) or text[start] != "[":
        return None
    depth = 0
    for match in _BRACKET_RE.finditer(text, start):
        ch = match.group()
        if ch[0] == "\\":
            continue  # an escaped character
        depth += 1 if ch == "[" else -1
        if depth == 0:
            close = match.start()
            break
    else:
        return None
    if close + 1 >= len(text) or text[close + 1] != "(":
        return None
    depth = 0
    for match in _PAREN_CHAR_RE.finditer(text, close + 1):
        depth += 1 if match.group() == "(" else -1
        if depth == 0:
            return match.end(), text[start + 1 : close], text[close + 2 : match.start()].strip()
    return None


_BRACKET_RE = re.compile(r"\\.|[\[\]]", re.DOTALL)
_PAREN_CHAR_RE = re.compile(r"[()]")


_EXTRA_LINK_RE = re.compile(r"\[\[([^\[\]]*)\]\]\(([^()\s]*)\)|\[([^\[\]]*)\]\(([^()\s]*)\)")
_CODE_LABEL_RE = re.compile(r"^\s*(?:code|github|repo|implementation)\b\s*\(?\s*([^)\]]*)\)?", re.I)
_PAPER_LABEL_RE = re.compile(r"^\s*(?:paper|pdf|arxiv|openreview|link)\s*$", re.I)
_PAREN_RE = re.compile(r"\(([^()]{1,300})\)")


def _url_or_broken(target: str) -> tuple[str | None, bool]:
    target = target.strip().strip("<>")
    if not target:
        return None, False
    return (target, False) if nz.is_url(target) else (None, True)


def read_extras(rest: str, fields: Fields) -> None:
    """Code links, paper links, notes and presentation marks after the title link."""
    leftover = []
    pos = 0
    for match in _EXTRA_LINK_RE.finditer(rest):
        leftover.append(rest[pos : match.start()])
        pos = match.end()
        label = match.group(1) if match.group(1) is not None else match.group(3)
        target = (match.group(2) if match.group(1) is not None else match.group(4)) or ""
        label = label.strip()
        code = _CODE_LABEL_RE.match(label)
        if code and target:
            fields.code.append(CodeLink(target, nz.canonical_framework(code.group(1)), False))
        elif _PAPER_LABEL_RE.match(label) and fields.paper_url is None:
            fields.paper_url, broken = _url_or_broken(target)
            fields.broken_link = fields.broken_link or broken
    leftover.append(rest[pos:])
    remainder = " ".join(leftover)
    for note in _PAREN_RE.findall(remainder):
        note = nz.clean_text(note)
        if not note:
            continue
        presentation = nz.parse_presentation(note) if len(note) < 20 else None
        if presentation:
            fields.presentation = fields.presentation or presentation
        else:
            fields.tags.append(note)


def _title_link(text: str, fields_fmt: str) -> tuple[Fields, str] | None:
    link = scan_link(text)
    if link is None:
        return None
    end, label, target = link
    title = nz.normalize_title(label)
    if not title:
        return None
    fields = Fields(fmt=fields_fmt, title=title)
    fields.paper_url, fields.broken_link = _url_or_broken(target)
    return fields, text[end:]


# --------------------------------------------------------------------------- dated

_DATED_RE = re.compile(
    r"^(?P<year>(?:19|20)[0-9]{2})(?:\.(?P<month>[01]?[0-9]))?\s*-\s*(?:(?P<venue>[^\[\]]*?)\s*-\s*)?(?=\[)"
)


def read_dated(text: str) -> Fields | None:
    """``2019-ICLRo-[Title](url) [[code](url)] (note)`` and ``2018.05-[Title](url)``.

    >>> f = read_dated("2017-NIPSw-[Data-Free KD](https://arxiv.org/abs/1710.07535) [[code](https://github.com/a/b)]")
    >>> f.year, f.venue, f.presentation, f.title, [c.url for c in f.code]
    (2017, 'NeurIPS', 'workshop', 'Data-Free KD', ['https://github.com/a/b'])
    >>> read_dated("2018.11-[Rethinking ImageNet Pre-training](https://arxiv.org/abs/1811.08883) (Kaiming He)").tags
    ['Kaiming He']
    """
    match = _DATED_RE.match(text)
    if not match:
        return None
    got = _title_link(text[match.end() :], "dated")
    if got is None:
        return None
    fields, rest = got
    prefix = text[: match.end()]
    # A list sometimes repeats the prefix inside the link text: [2018-CVPR-Deep Image Prior].
    dup = re.match(r"^(?:19|20)[0-9]{2}(?:\.[0-9]{1,2})?-(?:[^\s\[\]-]+-)?", fields.title)
    if dup and prefix.replace(" ", "").startswith(dup.group(0)):
        fields.title = fields.title[dup.end() :].strip()
    fields.year, fields.year_given = int(match.group("year")), True
    fields.venue_given = True
    raw_venue = (match.group("venue") or "").strip()
    if raw_venue:
        fields.venue_raw = raw_venue
        fields.venue, fields.presentation = nz.canonical_venue(raw_venue)
    read_extras(rest, fields)
    return fields


# --------------------------------------------------------------------------- blog

_TAG_RE = re.compile(r"\s*【([^】]*)】")  # used with .match(text, pos)
_TAG_VENUE_RE = re.compile(r"^([A-Za-z][A-Za-z0-9&]*?)\s*((?:19|20)[0-9]{2})(?:\s*-\s*(.+))?$")


def read_tag(tag: str, fields: Fields) -> None:
    """A 【...】 tag: ``CVPR2020`` gives venue and year, the rest are tags.

    >>> f = Fields("blog", "t"); read_tag("ASPLOS2020-CCF-A", f); (f.venue, f.year, f.tags)
    ('ASPLOS', 2020, ['CCF-A'])
    >>> f = Fields("blog", "t"); read_tag("MLSys2020-workshop", f); (f.venue, f.presentation)
    ('MLSys', 'workshop')
    >>> f = Fields("blog", "t"); read_tag("Extended version of the NeurIPS2018", f); (f.venue, f.tags)
    (None, ['Extended version of the NeurIPS2018'])
    """
    for part in re.split(r"\s*[,，]\s*", nz.clean_text(tag)):
        if not part:
            continue
        match = _TAG_VENUE_RE.match(part)
        name = match.group(1) if match else ""
        known = nz.lookup_venue(name) is not None
        acronym = len(name) >= 2 and name.upper() == name and any(c.isalpha() for c in name)
        if match and (known or acronym) and fields.venue is None:
            fields.venue, presentation = nz.canonical_venue(name)
            fields.venue_raw = part
            fields.venue_given = True
            fields.year, fields.year_given = int(match.group(2)), True
            extra = (match.group(3) or "").strip()
            mark = nz.parse_presentation(extra) if extra and len(extra) < 20 else None
            if mark:
                fields.presentation = mark
            elif extra:
                fields.tags.append(extra)
            fields.presentation = fields.presentation or presentation
        else:
            fields.tags.append(part)


def read_blog(text: str) -> Fields | None:
    """``【CVPR2020】【Apple】[Title](url)``: tags first, then the title link.

    >>> f = read_blog("【CVPR2020】[ZeroQ: A Novel Framework](ZeroQ: A Novel Framework)")
    >>> f.venue, f.year, f.paper_url, f.broken_link
    ('CVPR', 2020, None, True)
    """
    tags: list[str] = []
    pos = 0
    while True:
        match = _TAG_RE.match(text, pos)
        if not match:
            break
        tags.append(match.group(1))
        pos = match.end()
    got = _title_link(text[pos:].lstrip(), "blog")
    if got is None:
        return None
    fields, rest = got
    for tag in tags:
        read_tag(tag, fields)
    while True:  # trailing tags
        match = _TAG_RE.match(rest)
        if not match:
            break
        read_tag(match.group(1), fields)
        rest = rest[match.end() :]
    rest = _read_dash_tail(rest, fields)
    read_extras(rest, fields)
    return fields


# ``[Title](url) - Venue Year (oral) [[code]](url)``: the line shape `paperdb export
# --format markdown` writes (awesome-list style), so an export imports back losslessly.
_DASH_TAIL_RE = re.compile(
    r"^\s*[-–—]\s*(?P<venue>[^\[\]()\d][^\[\]()]*?)?\s*(?P<year>(?:19|20)[0-9]{2})?\s*(?=\(|\[|$)"
)


def _read_dash_tail(rest: str, fields: Fields) -> str:
    """Venue and year from a `` - Venue Year`` tail after the title link; the rest.

    >>> f = Fields("blog", "t"); _read_dash_tail(" - ICLR Workshop 2021 (oral)", f), f.venue, f.year
    ('(oral)', 'ICLR', 2021)
    >>> f = Fields("blog", "t"); _read_dash_tail(" - 2020 [[code]](u)", f), f.venue, f.year
    ('[[code]](u)', None, 2020)
    """
    match = _DASH_TAIL_RE.match(rest)
    if not match or not (match.group("venue") or match.group("year")):
        return rest
    venue = (match.group("venue") or "").strip()
    if venue:
        fields.venue_raw = venue
        fields.venue, presentation = nz.canonical_venue(venue)
        fields.presentation = fields.presentation or presentation
    fields.venue_given = True
    if match.group("year"):
        fields.year, fields.year_given = int(match.group("year")), True
    return rest[match.end() :]


# --------------------------------------------------------------------------- nickname

_NICK_RE = re.compile(r"^\*\*\[([^\]]+)\]\*\*\s*")
_NICK_TAIL_RE = re.compile(r",\s*[^,\[\]]*?(?:19|20)[0-9]{2}\s*,?\s*\[\[")


def read_nickname(text: str) -> Fields | None:
    """``**[Nick]** Title, Venue Year, [[paper]](url), [[code(FW)]](url)``.

    >>> f = read_nickname("**[TWN]** Ternary Weight Networks, NIPS workshop 2016, [[paper]](https://arxiv.org/abs/1605.04711), [[code(caffe)]](https://github.com/a/b)")
    >>> f.nickname, f.title, f.venue, f.year, f.presentation, f.code[0].framework
    ('TWN', 'Ternary Weight Networks', 'NeurIPS', 2016, 'workshop', 'Caffe')
    """
    nick_match = _NICK_RE.match(text)
    if not nick_match and not _NICK_TAIL_RE.search(text):
        return None
    body = text[nick_match.end() :] if nick_match else text
    links_at = body.find("[[")
    head, rest = (body, "") if links_at < 0 else (body[:links_at], body[links_at:])
    head = head.strip().rstrip(",").strip()
    title_part, venue_part = head, ""
    if "," in head:
        left, right = head.rsplit(",", 1)
        if re.search(r"(?:19|20)[0-9]{2}\s*$", right) or nz.lookup_venue(right.strip()):
            title_part, venue_part = left, right.strip()
    title = nz.normalize_title(title_part)
    if not title:
        return None
    fields = Fields(fmt="nickname", title=title)
    if nick_match:
        fields.nickname = nz.clean_text(nick_match.group(1))
    year = re.search(r"((?:19|20)[0-9]{2})\s*$", venue_part)
    if year:
        fields.year, fields.year_given = int(year.group(1)), True
        venue_part = venue_part[: year.start()].strip()
    if venue_part:
        fields.venue_raw = venue_part
        fields.venue, fields.presentation = nz.canonical_venue(venue_part)
        fields.venue_given = True
    read_extras(rest, fields)
    return fields


# --------------------------------------------------------------------------- numbered

_OPENREVIEW_RE = re.compile(
    r"^(?P<body>.+?)\s*(?P<date>[0-9]{1,2} [A-Z][a-z]{2,8}\.? [0-9]{4})\s*"
    r"(?:\(modified:[^)]*\))?\s*(?P<venue>[A-Za-z][A-Za-z ]*?)\s+(?P<year>[0-9]{4})\s+"
    r"(?P<decision>[A-Za-z][A-Za-z ()]*?)\s*Readers:.*$"
)


def read_numbered(text: str, title_words: frozenset[str] = frozenset()) -> Fields | None:
    """A plain-text item: ``Title``, ``Title. 127-141`` or ``Title Authors<OpenReview tail>``.

    >>> f = read_numbered("Dual Lottery Ticket Hypothesis Yue Bai, Huan Wang29 Sept 2021 (modified: 16 Mar 2022) ICLR 2022 Poster Readers:  EveryoneShow details")
    >>> f.title, f.authors, f.venue, f.year, f.presentation
    ('Dual Lottery Ticket Hypothesis', ('Yue Bai', 'Huan Wang'), 'ICLR', 2022, 'poster')
    """
    text = text.strip()
    if not text or scan_link(text) is not None or text.startswith("【"):
        return None
    fields = Fields(fmt="numbered", title="")
    body = text
    links_at = re.search(r"\s\[\[?[^\]]*\]\]?\(", text)
    if links_at:
        body, rest = text[: links_at.start()], text[links_at.start() :]
    else:
        rest = ""
    tail = _OPENREVIEW_RE.match(body)
    if tail:
        title, authors = nz.split_title_authors(
            tail.group("body"), title_words=title_words, require_authors=True
        )
        fields.authors = authors
        venue, _ = nz.canonical_venue(tail.group("venue"))
        fields.venue, fields.venue_raw, fields.venue_given = venue, tail.group("venue"), True
        fields.year, fields.year_given = int(tail.group("year")), True
        fields.presentation = nz.parse_presentation(tail.group("decision"))
    else:
        title, authors = nz.split_title_authors(body, title_words=title_words)
        fields.authors = authors
    fields.title = nz.normalize_title(title)
    if not fields.title:
        return None
    read_extras(rest, fields)
    return fields


# --------------------------------------------------------------------------- table

_COLUMNS = {
    "title": ("title", "paper", "papers", "name", "论文", "标题", "题目"),
    "venue": ("venue", "conf", "conference", "published", "publication", "journal", "会议", "期刊"),
    "year": ("year", "年份", "date"),
    "type": ("type", "类型", "category"),
    "code": ("code", "codes", "implementation", "github", "repo", "代码"),
    "authors": ("author", "authors", "作者"),
    "url": ("link", "url", "pdf", "paper link", "链接"),
    "note": ("notion", "note", "notes", "comment", "comments", "remark", "remarks", "备注", "笔记"),
}


@lru_cache(maxsize=256)  # every row of a table asks with the same header
def table_columns(header: tuple[str, ...]) -> dict[str, int]:
    """Map role -> column index from a table's header cells (a paper table has a title).

    >>> table_columns(("Title", "Venue", "Type", "Notion"))
    {'title': 0, 'venue': 1, 'type': 2, 'note': 3}
    """
    roles: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = nz.clean_text(cell).casefold().strip(" :")
        for role, names in _COLUMNS.items():
            if name in names and role not in roles:
                roles[role] = index
                break
    return roles


def read_code_cell(cell: str) -> list[CodeLink]:
    """``[PyTorch(Author)](url)`` -> official PyTorch code; ``-`` -> none.

    >>> read_code_cell("[TF+PT(Author)](https://github.com/optyang/proxsgd)")
    [CodeLink(url='https://github.com/optyang/proxsgd', framework='TensorFlow+PyTorch', official=True)]
    """
    links = []
    pos = 0
    while True:
        start = cell.find("[", pos)
        if start < 0:
            break
        link = scan_link(cell, start)
        if link is None:
            pos = start + 1
            continue
        pos, label, target = link
        label = nz.clean_text(label)
        official = bool(re.search(r"\((?:author|authors|official)\)", label, re.I))
        framework = re.sub(r"\([^)]*\)", "", label).strip()
        framework = _CODE_LABEL_RE.sub(lambda m: m.group(1), framework).strip()
        if target and nz.is_url(target):
            links.append(CodeLink(target, nz.canonical_framework(framework), official))
    if not links:
        for url in re.findall(r"(?:https?|ftp)://\S+", cell):
            links.append(CodeLink(url.rstrip(").,"), None, False))
    return links


def read_row(cells: tuple[str, ...], columns: dict[str, int]) -> Fields | None:
    """One row of a paper table; None when its title cell is empty."""

    def cell(role: str) -> str:
        index = columns.get(role)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    title_cell = cell("title")
    if not nz.clean_text(title_cell):
        return None
    link = scan_link(title_cell.strip())
    if link is not None and not title_cell.strip()[link[0] :].strip():
        fields = Fields(fmt="table", title=nz.normalize_title(link[1]))
        fields.paper_url, fields.broken_link = _url_or_broken(link[2])
    else:
        fields = Fields(fmt="table", title=nz.normalize_title(title_cell))
    nick, fields.title = nz.split_glued_nickname(fields.title)
    fields.nickname = nick
    venue_cell = cell("venue")
    if venue_cell and nz.clean_text(venue_cell) not in ("-", ""):
        year = re.search(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])", venue_cell)
        if year:
            fields.year, fields.year_given = int(year.group(1)), True
            venue_cell = venue_cell.replace(year.group(1), " ")
        fields.venue_raw = nz.clean_text(venue_cell)
        fields.venue, fields.presentation = nz.canonical_venue(venue_cell)
        fields.venue_given = fields.venue is not None
    year_cell = re.search(r"(?:19|20)[0-9]{2}", cell("year"))
    if year_cell:
        fields.year, fields.year_given = int(year_cell.group(0)), True
    url_cell = cell("url")
    if url_cell and fields.paper_url is None:
        link = scan_link(url_cell)
        target = link[2] if link else url_cell
        fields.paper_url, broken = _url_or_broken(target)
        fields.broken_link = fields.broken_link or broken
    authors = nz.clean_text(cell("authors"))
    if authors and authors != "-":
        fields.authors = tuple(a.strip() for a in re.split(r",|;| and ", authors) if a.strip())
    for role in ("type", "note"):
        value = nz.clean_text(cell(role))
        if value and value not in ("-", "—"):
            fields.tags.append(value)
    fields.code = read_code_cell(cell("code"))
    if not fields.title:
        return None
    return fields
