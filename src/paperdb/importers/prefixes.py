"""What lists put before a title: numbering, emoji, badges, dates, 【tags】, venue links, nicknames.

``read_prefix`` consumes them one after another, sets the fields they give and returns
the text from the title on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from paperdb import normalize as nz
from paperdb.importers import links as lk
from paperdb.importers.venues import read_venue_year

if TYPE_CHECKING:
    from paperdb.importers.entry import Fields

_NUMBER_RE = re.compile(r"^(?:\*\*\[?\d{1,4}\]?\.?\*\*|\[\d{1,4}\]|\d{1,4}[.)](?=\s))\s*")
_BOLD_NUMBER_RE = re.compile(r"^(\*\*|__)\d{1,4}[.)]\s+")
_SYMBOLS_RE = re.compile(r"^[^\w\[\]*_\"“(<!`'【$\\]+")
_DATE_RE = re.compile(
    r"^(?P<year>(?:19|20)[0-9]{2})(?:[.\-/](?P<month>[01]?[0-9]))?\s*-\s*"
    r"(?P<parts>(?:[^\[\]\s-][^\[\]-]*?\s*-\s*){0,2})(?=\[)"
)
_TAG_RE = re.compile(r"^\s*【([^】]*)】")
_CHECKBOX_RE = re.compile(r"^\[[ xX]\]\s+")
_LEADING_TAG_RE = re.compile(r"^(?:\[([^\[\]]{2,60})\](?![(\[])|\(([^()]{2,60})\))\s*")
_GROUP_RE = re.compile(r"^[(\[]\s*((?:\[[^\]]*\]\([^)]*\)[\s,|/]*)+)[)\]]\s*")
_NICK_RE = re.compile(
    r"^(?:\*\*\[([^\]]{1,40})\]\*\*|\[\*\*([^\]*]{1,40})\*\*\](?![(\[])|\[([^\]\[]{1,40})\](?![(\[]))\s*"
)
_TAG_VENUE_RE = re.compile(r"^([A-Za-z][A-Za-z0-9&]*?)\s*((?:19|20)[0-9]{2})(?:\s*-\s*(.+))?$")


def read_prefix(text: str, fields: Fields) -> str:
    """Consume the prefixes of ``text`` into ``fields``; the text from the title on.

    >>> from paperdb.importers.entry import Fields
    >>> f = Fields(); read_prefix("2017-CVPR-NICK-[T](u)", f), f.year, f.venue, f.nickname
    ('[T](u)', 2017, 'CVPR', 'NICK')
    >>> f = Fields(); read_prefix("**[0]** 🔥 Bengio. x", f)
    'Bengio. x'
    >>> f = Fields(); read_prefix("【CVPR2020】【Apple】[T](u)", f), f.venue, f.year, f.tags
    ('[T](u)', 'CVPR', 2020, ['Apple'])
    """
    for _ in range(12):  # each step consumes something; lists stack a few at most
        before = text = text.lstrip()
        if not text:
            break
        first = text[0]
        if first in "*[0123456789":
            text = _NUMBER_RE.sub("", text, count=1)
            text = _BOLD_NUMBER_RE.sub(r"\1", text, count=1)
        if not text[:1].isalnum() and text[:1] not in _TITLE_STARTS:
            text = _SYMBOLS_RE.sub("", text, count=1)
        if text[:1] in "12":
            text = _date(text, fields)
        if text[:1] in "[(":
            text = _CHECKBOX_RE.sub("", text, count=1)
            text = _leading_tag(text, fields)
            text = _link_group(text, fields)
            text = _badge(text, fields)
            text = _venue_link(text, fields)
        if text[:1] in "【":
            text = _tags(text, fields)
        if text[:1] in "![":
            text = _badge(text, fields)
        if text[:1] in "*[":
            text = _nickname(text, fields)
        if text == before:
            break
    return text


_TITLE_STARTS = frozenset("[]*_\"“(<!`'【$\\")


def _date(text: str, fields: Fields) -> str:
    """``2019-ICLRo-[T]``, ``2021.4-[T]``, ``2016.07-NICK-[T]``, ``2017-CVPR-NICK-[T]``."""
    match = _DATE_RE.match(text)
    if not match or fields.year is not None:
        return text
    fields.year = int(match.group("year"))
    for part in (p.strip() for p in match.group("parts").split("-")):
        if not part:
            continue
        venue, presentation = nz.canonical_venue(part)
        if fields.venue is None and nz.lookup_venue(venue or "") is not None:
            fields.venue, fields.venue_raw = venue, part
            fields.presentation = fields.presentation or presentation
        elif fields.nickname is None:
            fields.nickname = nz.clean_text(part)
    rest = text[match.end() :]
    # A list sometimes repeats the prefix inside the link text: [2018-CVPR-Deep Image Prior].
    prefix = text[: match.end()].replace(" ", "")
    dup = re.match(r"^\[((?:19|20)[0-9]{2}(?:\.[0-9]{1,2})?-(?:[^\s\[\]-]+-)?)", rest)
    if dup and prefix.startswith(dup.group(1)):
        rest = "[" + rest[dup.end() :]
    return rest


def _leading_tag(text: str, fields: Fields) -> str:
    """``[ICML 2021] Title``, ``(2021 IEEE, Overview by X) **Title**``: a venue-year tag first."""
    match = _LEADING_TAG_RE.match(text)
    if not match or not text[match.end() :].strip():
        return text
    inner = nz.clean_text(match.group(1) or match.group(2))
    head = re.split(r"\s*[,;]\s*", inner)[0]
    found = read_venue_year(inner)
    if found is None or found.venue is None:
        found = read_venue_year(head)
    else:
        head = inner
    if found is None or (found.year is None and found.venue is None):
        return text
    if found.venue is None and not re.search(r"(?:19|20)[0-9]{2}", head):
        return text
    fields.set_venue(found)
    fields.tags.extend(t for t in re.split(r"\s*[,;]\s*", inner)[1:] if t)
    return text[match.end() :]


def _link_group(text: str, fields: Fields) -> str:
    """``([paper](u) [code](u)) Title``: generic links grouped before the title."""
    match = _GROUP_RE.match(text)
    if not match or not text[match.end() :].strip():
        return text
    found = lk.find_links(match.group(1))
    if not found or any(k.kind not in ("paper", "code", "page") for k in found):
        return text
    for link in found:
        if link.kind == "code" or lk.is_code_host(link.url):
            fields.add_code(link.url, link.label)
        elif link.kind == "paper":
            fields.set_paper_url(link.url)
    return text[match.end() :]


def _tags(text: str, fields: Fields) -> str:
    match = _TAG_RE.match(text)
    if not match:
        return text
    read_tag(match.group(1), fields)
    return text[match.end() :]


def read_tag(tag: str, fields: Fields) -> None:
    """A 【...】 tag: ``CVPR2020`` gives venue and year, the rest are tags.

    >>> from paperdb.importers.entry import Fields
    >>> f = Fields(); read_tag("ASPLOS2020-CCF-A", f); (f.venue, f.year, f.tags)
    ('ASPLOS', 2020, ['CCF-A'])
    >>> f = Fields(); read_tag("MLSys2020-workshop", f); (f.venue, f.presentation)
    ('MLSys', 'workshop')
    >>> f = Fields(); read_tag("Extended version of the NeurIPS2018", f); (f.venue, f.tags)
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
            fields.year = int(match.group(2))
            extra = (match.group(3) or "").strip()
            mark = nz.parse_presentation(extra) if extra and len(extra) < 20 else None
            if mark:
                fields.presentation = mark
            elif extra:
                fields.tags.append(extra)
            fields.presentation = fields.presentation or presentation
        else:
            fields.tags.append(part)


def _badge(text: str, fields: Fields) -> str:
    """Images and badge links before the title (page counts, stars, venue badges)."""
    if not text.startswith(("![", "[![")):
        return text
    found = lk.find_links(text)
    if not found or found[0].start != 0:
        return text
    link = found[0]
    if link.kind == "badge":
        fields.set_venue(read_venue_year(link.badge) if link.badge else None)
    elif link.kind == "code":
        fields.add_code(link.url)
    return text[link.end :]


def _venue_link(text: str, fields: Fields) -> str:
    """``[[ICML](url)] Title`` or ``[ICML 2023](url) Title``: the venue links the paper."""
    inner = text[1:] if text.startswith("[[") else text
    close = inner.find("]")
    if not inner.startswith("[") or not 0 < close <= 31:
        return text  # a venue is a short label
    link = lk.scan_link(inner)
    if link is None:
        return text
    end, label, target = link
    found = read_venue_year(label)
    if found is None or found.venue is None or len(label) > 30:
        return text
    rest = inner[end:]
    if text.startswith("[["):
        if not rest.startswith("]"):
            return text
        rest = rest[1:]
    if not rest.strip():
        return text  # the venue is the whole entry
    fields.set_venue(found)
    fields.set_paper_url(target)
    return rest


def _nickname(text: str, fields: Fields) -> str:
    """``**[Nick]** Title``, ``[**Nick**] Title``, ``[Nick] Title`` (no link)."""
    match = _NICK_RE.match(text)
    if not match or fields.nickname is not None:
        return text
    nick = nz.clean_text(next(g for g in match.groups() if g is not None))
    rest = text[match.end() :]
    known = nz.lookup_venue(re.sub(r"[\s'’]*(?:19|20)?[0-9]{2}$", "", nick)) is not None
    names_title = rest.lstrip("*_ ").casefold().startswith(nick.casefold())
    if not rest.strip() or len(nick.split()) > 6 or (known and not names_title):
        return text
    fields.nickname = nick
    return rest
