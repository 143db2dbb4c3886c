"""Labelled fields: ``**Venue:** ICML 2023``, ``- Paper: https://...``, ``**Authors:** a, b``.

Some lists give an entry as a title line followed by labelled lines (in the same
paragraph, as nested bullets, or as the bullets after a bold title or a heading). A
labelled line is never an entry of its own; it belongs to the entry above it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from paperdb import normalize as nz
from paperdb.importers import links as lk
from paperdb.importers import urls
from paperdb.importers.authors import split_author_run, split_names
from paperdb.importers.structure import MARKER_RE, Block, Row, join_lines
from paperdb.importers.venues import read_venue_year

if TYPE_CHECKING:
    from paperdb.importers.entry import Fields

_LABEL_RE = re.compile(
    r"^\s*(?:(?P<bold>\*\*|__)(?P<l1>[^:：*_\[\]()]{1,28}?)\s*(?:[:：]\s*(?P=bold)|(?P=bold)\s*[:：])"
    r"|(?P<l2>[^\W\d_][^:：*\[\]()]{0,28}?)\s*[:：])\s*(?P<value>.*)$"
)
_ROLES = tuple(
    (role, re.compile(rf"^(?:{pattern})$", re.I))
    for role, pattern in (
        ("authors", r"authors?|作者|by"),
        (
            "venue",
            r"venue|conference|conf|published(?: in| at)?|publication|pub|journal|"
            r"accepted(?: at| by| to)?|proceedings|会议|期刊",
        ),
        ("year", r"year|date|年份"),
        ("paper", r"paper|papers|pdf|arxiv|link|url|论文|论文链接"),
        ("code", r"code|codes|github|repo|repository|implementation|代码|源码"),
        ("title", r"title|标题"),
    )
)


def read_label(text: str) -> tuple[str, str] | None:
    """(role, value) of a labelled line; ``note`` for other bold labels; None otherwise.

    >>> read_label("**Venue:** ICML 2023"), read_label("Paper: https://arxiv.org/abs/1")
    (('venue', 'ICML 2023'), ('paper', 'https://arxiv.org/abs/1'))
    >>> read_label("- **Metrics:** CHAIRs, POPE"), read_label("中文解读：https://mp.weixin.qq.com/s/x")
    (('note', 'CHAIRs, POPE'), ('page', 'https://mp.weixin.qq.com/s/x'))
    >>> read_label("**DianNao: A Small-Footprint Accelerator.** (CAS)") is None, read_label("A ConvNet for the 2020s") is None
    (True, True)
    """
    match = _LABEL_RE.match(re.sub(r"^\s*(?:[-*+]|[0-9]{1,4}[.)])\s+", "", text))
    if not match:
        return None
    label = nz.clean_text(match.group("l1") or match.group("l2")).strip()
    value = match.group("value").strip()
    for role, pattern in _ROLES:
        if pattern.match(label):
            return (role, value) if _fits(role, value, bold=bool(match.group("bold"))) else None
    if match.group("bold") and len(label.split()) <= 4 and not lk.find_links(value):
        return "note", value
    if re.match(r"^(?:<)?https?://\S+>?$", value):
        return "page", value
    return None


def _fits(role: str, value: str, *, bold: bool) -> bool:
    """Whether a value is what its label says ("URL: Layer-wise ..." is a title, not a link)."""
    if role in ("paper", "code"):
        return bool(lk.find_links(value))
    if role in ("venue", "year"):
        return read_venue_year(nz.clean_text(value), loose=True) is not None
    if role == "authors":
        return bold or bool(split_author_run(value)[0])
    return bold


def apply_labels(labels: tuple[tuple[str, str], ...], fields: Fields) -> None:
    """Fill the fields an entry's labelled lines give (its own text wins)."""
    fallback = None
    for role, value in labels:
        if role in ("paper", "page", "code"):
            fallback = fallback or _label_links(role, value, fields)
        elif role == "authors" and fields.authors is None:
            fields.authors = split_names(value)
        elif role in ("venue", "year"):
            found = read_venue_year(nz.clean_text(value), loose=True)
            fields.set_venue(found)
            if found is not None and found.year and fields.year is None:
                fields.year = found.year
    if fields.paper_url is None and not fields.broken_link and fallback:
        fields.paper_url = fallback


def _label_links(role: str, value: str, fields: Fields) -> str | None:
    """The links of a ``Paper:``/``Code:``/other labelled line; a page link to fall back on."""
    found = lk.find_links(_as_links(value))
    if role == "code":
        for link in found:
            fields.add_code(link.url, link.label)
        return None
    url = next((k.url for k in found if urls.is_url(k.url)), None)
    if url is None:
        return None
    if role == "paper":
        fields.set_paper_url(url)
    elif lk.is_code_host(url):
        fields.add_code(url)
    else:
        return url
    return None


def _as_links(value: str) -> str:
    """A bare URL as a markdown link, so link classification reads it."""
    value = value.strip().strip("<>")
    return f"[link]({value})" if re.match(r"^https?://\S+$", value) else value


def attach(items: list[Block | Row]) -> list[Block | Row]:
    """Give each labelled line to the entry above it in the same section.

    Labelled lines inside an entry's own paragraph or item (``**1. Title** [[Paper](u)]``
    then ``**Venue:** ICML 2023`` on the next line) are split off first. A labelled line
    with no entry above it is not an entry either.
    """
    out: list[Block | Row] = []
    for block in items:
        if isinstance(block, Block):
            block = _own_labels(block)
            owner = out[-1] if out else None
            if isinstance(owner, Block) and _continues(owner, block):
                out[-1] = replace(
                    owner, text=f"{owner.text} | {block.text}", raw=f"{owner.raw}\n{block.raw}"
                )
                continue
            found = read_label(block.text)
            if found is not None:
                owner = out[-1] if out else None
                if isinstance(owner, Block) and owner.context == block.context:
                    out[-1] = replace(
                        owner, labels=(*owner.labels, found), raw=f"{owner.raw}\n{block.raw}"
                    )
                continue
        out.append(block)
    return out


_CONTINUATION_RE = re.compile(r"^\s*(?:\*[^*\s]|_[^_\s])")


def _continues(owner: Block, block: Block) -> bool:
    """A paragraph of authors and links (``*Surname, Given. VLDB 1997* [[paper](u)]``) under
    a paragraph holding only a title: two paragraphs, one entry."""
    return (
        owner.kind == block.kind == "paragraph"
        and owner.context == block.context
        and bool(_CONTINUATION_RE.match(block.text))
        and not lk.find_links(re.sub(r"!\[[^\]]*\]\([^)]*\)", "", owner.text))
    )


def _own_labels(block: Block) -> Block:
    lines = block.raw.split("\n")
    for k in range(1, len(lines)):
        if read_label(lines[k]) is not None:
            labels = [found for line in lines[k:] if (found := read_label(line)) is not None]
            head = lines[:k]
            head[0] = MARKER_RE.sub("", head[0], count=1)
            return replace(block, text=join_lines(head), labels=(*block.labels, *labels))
    return block
