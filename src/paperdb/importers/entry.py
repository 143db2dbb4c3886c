"""Read one entry's inline text into fields, with the same recognizers for every list.

An entry is a prefix (numbering, a date like ``2019-ICLR-``, 【tags】, a ``[[VENUE](url)]``
link, a ``**[Nick]**``, badges), a title (a title link, a bold or quoted span, or the
leading plain text), then the rest: links (paper, code, pages, badges), venue-year tags
in brackets or parentheses, an author run, a citation tail ``Venue Year``, notes.
Nothing here knows about headings; the caller applies them to fields left empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from paperdb import normalize as nz
from paperdb.importers import links as lk
from paperdb.importers import prefixes, tail, urls
from paperdb.importers.names import split_title_authors
from paperdb.importers.venues import VenueYear
from paperdb.models import CodeLink


@dataclass(slots=True)
class Fields:
    """What an entry says about itself (before heading context is applied)."""

    title: str = ""
    shape: str = ""  # how the title was found: link | bold | quoted | plain | cell
    year: int | None = None
    venue: str | None = None
    venue_raw: str | None = None
    presentation: str | None = None
    paper_url: str | None = None
    broken_link: bool = False
    authors: tuple[str, ...] | None = None
    nickname: str | None = None
    code: list[CodeLink] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    date_year: int | None = None  # a preprint date (2022.11): the venue's year wins

    def set_venue(self, found: VenueYear | None, *, year_too: bool = True) -> bool:
        """Take a venue-year reading for fields still empty; whether it gave a venue."""
        if found is None:
            return False
        if found.venue and self.venue is None:
            self.venue, self.venue_raw = found.venue, found.venue_raw
            if found.year and year_too:
                self.year = found.year
        elif found.year and self.year is None and year_too and not found.venue:
            self.year = found.year
        if found.presentation and self.presentation is None:
            self.presentation = found.presentation
        return found.venue is not None

    def add_code(self, url: str, label: str = "") -> None:
        if url and urls.is_url(url) and all(c.url != url for c in self.code):
            official = bool(re.search(r"\((?:author|authors|official)\)|official", label, re.I))
            self.code.append(CodeLink(url, _framework(label), official))

    def set_paper_url(self, target: str) -> None:
        if self.paper_url is None and not self.broken_link:
            url, broken = url_or_broken(target)
            self.paper_url, self.broken_link = url, broken

    @property
    def final_year(self) -> int | None:
        return self.year if self.year is not None else self.date_year


def url_or_broken(target: str) -> tuple[str | None, bool]:
    """A link target as a URL, or (None, True) when it is not one (the title, say)."""
    target = target.strip().strip("<>")
    if not target:
        return None, False
    if urls.is_url(target) or _BARE_HOST_RE.match(target):
        return target, False  # "arxiv.org/abs/1": a link without a scheme, kept as written
    return None, True


_BARE_HOST_RE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/\S*$", re.I)


_FRAMEWORK_RE = re.compile(
    r"\b(pytorch|tensorflow|tf|keras|jax|caffe2?|mxnet|paddle\w*|theano|chainer|mindspore|matlab|torch7?)\b",
    re.I,
)


def _framework(label: str) -> str | None:
    """``code(Torch-7)`` -> Torch-7, ``PyTorch(Author)`` -> PyTorch, ``[code]`` -> None."""
    inner = re.sub(r"\((?:author|authors|official)\)", "", nz.clean_text(label), flags=re.I)
    inner = re.sub(
        r"^\W*(?:official\s+)?(?:code|codes|github|repo|implementation)\b", "", inner, flags=re.I
    )
    inner = inner.strip(" ()[]:")
    if inner and (_FRAMEWORK_RE.search(inner) or "+" in inner) and len(inner.split()) <= 2:
        return urls.canonical_framework(inner)
    return None


def read_entry(
    text: str,
    defs: dict[str, str] | None = None,
    title_words: Callable[[], frozenset[str]] = frozenset,
) -> Fields | None:
    """The fields of one entry's text (list marker removed), or None when it has no title.

    >>> f = read_entry("[[ICML](https://proceedings.mlr.press/v1.html)] Some Title [[code](https://github.com/a/b)]")
    >>> f.venue, f.title, f.paper_url, [c.url for c in f.code]
    ('ICML', 'Some Title', 'https://proceedings.mlr.press/v1.html', ['https://github.com/a/b'])
    >>> f = read_entry('"Distilling the Knowledge", ICCV, 2023. [[paper](https://arxiv.org/abs/1)]')
    >>> f.title, f.venue, f.year, f.paper_url
    ('Distilling the Knowledge', 'ICCV', 2023, 'https://arxiv.org/abs/1')
    >>> f = read_entry("Deep Learning for Anomaly Detection: A Survey  | **[arXiv' 19]** |[`[pdf]`](https://arxiv.org/pdf/1901.03407.pdf)")
    >>> f.title, f.venue, f.year, f.paper_url
    ('Deep Learning for Anomaly Detection: A Survey', 'arXiv', 2019, 'https://arxiv.org/pdf/1901.03407.pdf')
    """
    text = lk.html_to_markdown(text)
    if defs:
        text = lk.resolve_references(text, defs)
    fields = Fields()
    text = prefixes.read_prefix(text, fields)
    rest = _read_title(text, fields, title_words)
    if rest is None or not _title_ok(fields.title):
        return None
    tail.read_rest(rest, fields)
    if fields.shape == "plain" and words(fields.title) < 2 and not _vouched(fields):
        return None  # "See [the docs](u)": one plain word is a title only beside a venue or code
    if fields.shape == "plain" and _DANGLING_RE.search(fields.title):
        return None  # "On a high level, the idea is similar to the [paper](u)": prose
    if fields.year is None and fields.date_year is not None:
        fields.year = fields.date_year
    return fields


_DANGLING_RE = re.compile(
    r"\b(?:the|a|an|of|to|and|or|in|with|for|by|on|is|are|see|from|that|this|our|at)$", re.I
)


_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def words(title: str) -> int:
    """Words of a title; CJK titles have no spaces, so two characters count as one word.

    >>> words("Deep Compression"), words("面向目标检测的剪枝方法"), words("BERT")
    (2, 6, 1)
    """
    return len(title.split()) + len(_CJK_RE.findall(title)) // 2


def _vouched(fields: Fields) -> bool:
    return bool(fields.venue or fields.year or fields.date_year or fields.code or fields.authors)


_GENERIC_TITLES = frozenset(
    {
        "paper",
        "pdf",
        "code",
        "link",
        "arxiv",
        "github",
        "project",
        "website",
        "slides",
        "video",
        "blog",
        "here",
        "this",
    }
)


def _title_ok(title: str) -> bool:
    plain = title.strip(" .:-|*[]()")
    return (
        len(plain) >= 2
        and plain.casefold() not in _GENERIC_TITLES
        and bool(re.search(r"\w", plain))
    )


def _read_title(text: str, fields: Fields, title_words: Callable[[], frozenset[str]]) -> str | None:
    """Find the title span; set title (and its link); return the text after it."""
    text = text.strip()
    if not text:
        return None
    for reader in (_title_link, _bold_title, _quoted_title):
        rest = reader(text, fields)
        if rest is not None:
            return rest
    return _plain_title(text, fields, title_words)


def _title_link(text: str, fields: Fields) -> str | None:
    link = lk.scan_link(text) if text.startswith("[") else None
    if link is None:
        return None
    end, label, target = link
    if lk.label_kind(label) is not None or label.strip().startswith("!["):
        return None
    title, year = _title_and_year(label)
    if not title:
        return None
    fields.title, fields.shape = title, "link"
    if year:
        fields.date_year = year
    url, broken = url_or_broken(target)
    fields.paper_url, fields.broken_link = url, broken
    if url and lk.is_code_host(url):
        fields.add_code(url)
    return text[end:]


_YEAR_IN_TITLE_RE = re.compile(r"\s*[(\[]((?:19|20)[0-9]{2})[)\]]\s*$")


def _title_and_year(label: str) -> tuple[str, int | None]:
    """``Title (2023)``: the year in a title link is the year, not part of the title.

    >>> _title_and_year("Pruning Filters (2017)"), _title_and_year("**Bold** title.")
    (('Pruning Filters', 2017), ('Bold title', None))
    """
    year = _YEAR_IN_TITLE_RE.search(label)
    if year:
        return nz.normalize_title(label[: year.start()]), int(year.group(1))
    return nz.normalize_title(label), None


_BOLD_RE = re.compile(r"^(\*\*|__)(?!\s)(.+?)(?<!\s)\1")
_QUOTED_RE = re.compile(r"[\"“](?:\*\*)?([^\"“”]{3,}?)(?:\*\*)?[,.]?[\"”]")


def _bold_title(text: str, fields: Fields) -> str | None:
    match = _BOLD_RE.match(text)
    if not match:
        return None
    inner = match.group(2).strip()
    if inner.startswith("[") and inner.endswith("]"):
        return None  # **[CVPR'19]**: a tag, read with the rest
    link = lk.scan_link(inner) if inner.startswith("[") else None
    if link is not None and not inner[link[0] :].strip():
        rest = _title_link(inner, fields)  # **[Title](url)**
        return text[match.end() :] if rest is not None else None
    title, year = _title_and_year(inner)
    if not title or (len(title.split()) < 2 and len(title) < 4):
        return None
    rest = text[match.end() :]
    subtitle = re.match(r"^\s*[:：]\s*(?=\w)", rest)
    if subtitle:  # **GatorTron**: A Large Language Model for ...
        cut = tail.title_end(rest[subtitle.end() :])
        title = f"{title}: {nz.normalize_title(rest[subtitle.end() : subtitle.end() + cut])}"
        rest = rest[subtitle.end() + cut :]
    fields.title, fields.shape = title, "bold"
    fields.date_year = fields.date_year or year
    return rest


def _quoted_title(text: str, fields: Fields) -> str | None:
    match = _QUOTED_RE.search(text)
    if not match:
        return None
    before = text[: match.start()].strip()
    if before and not before.endswith((".", ",", ":", "-")):
        return None  # a quoted word inside a plain title
    title = nz.normalize_title(match.group(1))
    if len(title.split()) < 2:
        return None
    fields.title, fields.shape = title, "quoted"
    year = re.search(r"\s*\(((?:19|20)[0-9]{2})\)\s*", before)
    if year:  # Mordvintsev, Alexander; Olah, Christopher (2015). "Title"
        fields.date_year = int(year.group(1))
        before = before[: year.start()] + before[year.end() :]
    if before:
        tail.read_authors(before, fields)
    return text[match.end() :]


def _plain_title(
    text: str, fields: Fields, title_words: Callable[[], frozenset[str]]
) -> str | None:
    """Leading plain text; trailing names (``Title First Last, First Last``) are authors."""
    rest = tail.read_openreview(text, fields, title_words) if "Readers:" in text else None
    if rest is not None:
        return rest
    cut = tail.title_end(text, comma=False)
    body, authors = text[:cut].strip(), None
    if "," in body:  # "Title First Last, First Last": two names at least
        body, authors = split_title_authors(body, title_words=title_words())
    if authors is None:  # no "Title First Last, First Last": maybe "Title, Venue, 2023"
        cut = tail.comma_cut(text, cut)
        body = text[:cut].strip()
    title = nz.normalize_title(body)
    if not title:
        return None
    fields.title, fields.shape = title, "plain"
    if authors:
        fields.authors = authors
    return text[cut:]
