"""What follows a title: links, venue-year tags, an author run, a citation tail, notes.

``title_end`` says where a plain-text title stops; ``read_rest`` reads everything after
the title into the fields still empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from paperdb import normalize as nz
from paperdb.importers import links as lk
from paperdb.importers import urls
from paperdb.importers.authors import clean_run, is_name, split_author_run
from paperdb.importers.names import split_title_authors
from paperdb.importers.venues import VenueYear, read_venue_year

if TYPE_CHECKING:
    from paperdb.importers.entry import Fields

# Where a plain title ends: a separator, a link or badge, an emphasis or code span, a tag.
# Each alternative starts with its stop character, so the scan is quick; the whitespace
# before a stop is trimmed from the title by the caller.
_STOP_RE = re.compile(
    r"\|(?=\s)|(?<=\s)\||(?<=\s)[-–—]{1,2}(?=\s)|(?<=\s)[–—]|[–—](?=\s)"
    r"|(?<!\b[A-Z])\.(?=\s+[A-Z*\[(_\"“0-9`<!])|(?<=\s)\*\*|!\[|\[|【|`|(?<=\s)\*(?=[^*\s])"
    r"|<(?=[A-Za-z/!])"
)
# Every alternative of _STOP_RE consumes one of these first: trying it only there is
# quicker than letting it try (and look behind) at every character.
_STOP_CHAR_RE = re.compile(r"[|\-–—.*!\[【`<]")


def _stops(text: str, start: int) -> Iterator[re.Match[str]]:
    """``_STOP_RE.finditer(text, start)``, tried only where a stop character is."""
    end = start
    for char in _STOP_CHAR_RE.finditer(text, start):
        if char.start() < end:
            continue
        stop = _STOP_RE.match(text, char.start())
        if stop is not None:
            end = stop.end()
            yield stop


_PAREN_RE = re.compile(r"\s*\(([^()]*)\)")
_DATE_RE = re.compile(r"(?<![0-9.])((?:19|20)[0-9]{2})[./-](0?[1-9]|1[0-2])(?![0-9])")
_MONTH_YEAR_RE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+((?:19|20)[0-9]{2})\b"
)
_ARXIV_ID_RE = re.compile(r"\barXiv:\s*([0-9]{2})([0-9]{2})\.[0-9]{4,5}", re.I)
# Citation segments: split at separators and sentence ends, not after an initial ("J. Smith").
_SEGMENT_RE = re.compile(r"\s*\|\s*|(?<!\b[A-Z])\.\s+|\s+[-–—]\s+")
_FRAGMENT_RE = re.compile(
    r"\*\*\[([^\]]+)\]\*\*|\[([^\[\]]+)\](?!\()|\(\*\*([^*]+)\*\*\)|\(([^()]+)\)|\*\*([^*]+)\*\*"
    r"|(?<![*\w])\*([^*]+)\*(?![*\w])|(?<![\w])_([^_]+)_(?![\w])|`([^`]+)`|【([^】]*)】"
)


def title_end(text: str, *, comma: bool = True) -> int:
    """Where the plain-text title at the start of ``text`` ends.

    >>> t = "Deep Learning for Anomaly Detection: A Survey  | **[arXiv' 19]** | x"; t[: title_end(t)]
    'Deep Learning for Anomaly Detection: A Survey'
    >>> t = "Low-Power Unit Based “Spin-Memristor” for Apps. (Purdue University)"; t[: title_end(t)]
    'Low-Power Unit Based “Spin-Memristor” for Apps'
    >>> t = "Title words (NeurIPS 2020) [[paper]](u)"; t[: title_end(t)]
    'Title words'
    >>> t = "Fast Models (Extended) and More"; t[: title_end(t)]
    'Fast Models (Extended) and More'
    """
    cut = len(text)
    for stop in _stops(text, 3):
        if stop.group() in ("-", "--", "–", "—") and not _tail_after_dash(text[stop.end() :]):
            continue  # "Title - A Statistical Perspective": a subtitle, not a separator
        cut = len(text[: stop.start()].rstrip())
        break
    for paren in _PAREN_RE.finditer(text, 0, cut):
        inner = paren.group(1)
        after = text[paren.end() : cut].strip()
        if _is_tag(inner) or (not after and _affiliation(inner)):
            cut = paren.start()
            break
    return comma_cut(text, cut) if comma else cut


def comma_cut(text: str, cut: int) -> int:
    """Where a ``Title, Venue, 2023`` comma tail starts before ``cut`` (else ``cut``)."""
    tail_at = _comma_tail(text[:cut])
    return tail_at if tail_at is not None else cut


def _tail_after_dash(after: str) -> bool:
    """Whether what follows `` - `` is an entry's tail (authors, a venue, links, a note)."""
    after = after.strip()
    if not after or after[0] in "[(!<*`" or after[0].islower():
        return True
    names, _ = split_author_run(clean_run(after.split(". ")[0]))
    found = read_venue_year(after.split(". ")[0])
    return bool(names) or (found is not None and found.venue is not None)


_AFFILIATION_RE = re.compile(
    r"\b(?:Universit\w*|Institute|College|Lab\w*|Academy|Inc|Corp\w*|Research|Google|Microsoft|Meta|NVIDIA|IBM|Intel|MIT|CMU|ETH|EPFL)\b|^@"
)


def _affiliation(inner: str) -> bool:
    """``(University of Toronto, Google)``, ``(@hpcaitech)``: who wrote it, not the title."""
    return bool(_AFFILIATION_RE.search(inner))


def _is_tag(inner: str) -> bool:
    plain = nz.clean_text(inner)
    found = read_venue_year(plain)
    return (found is not None and found.venue is not None) or bool(
        nz.parse_presentation(plain) and len(plain) < 25
    )


def _comma_tail(text: str) -> int | None:
    """``Title, ICCV, 2023`` / ``Title, First Last, 2019``: where the title's comma tail starts."""
    parts = text.rstrip(" ,;").split(",")
    if len(parts) < 2 or not re.search(r"[0-9]{2}|[A-Z]{2}", parts[-1]):
        return None  # a tail ends with a year or a venue's acronym
    for i in range(max(1, len(parts) - 12), len(parts)):
        tail_text = ",".join(parts[i:]).strip().rstrip(".")
        names, rest = split_author_run(tail_text)
        found = read_venue_year(rest or tail_text)
        if found and (found.venue or found.year) and (names or _short(rest or tail_text)):
            return len(",".join(parts[:i]))
    return None


def _short(text: str) -> bool:
    return len(text.split()) <= 6


# The tail OpenReview's pages carry when a title is copied with them:
# "Title Authors29 Sept 2021 (modified: 16 Mar 2022) ICLR 2022 Poster Readers: Everyone".
_OPENREVIEW_RE = re.compile(
    r"^(?P<body>.+?)\s*(?P<date>[0-9]{1,2} [A-Z][a-z]{2,8}\.? [0-9]{4})\s*"
    r"(?:\(modified:[^)]*\))?\s*(?P<venue>[A-Za-z][A-Za-z ]*?)\s+(?P<year>[0-9]{4})\s+"
    r"(?P<decision>[A-Za-z][A-Za-z ()]*?)\s*Readers:[^\[]*"
)


def read_openreview(
    text: str, fields: Fields, title_words: Callable[[], frozenset[str]]
) -> str | None:
    """``Title Authors<OpenReview tail>``: title, authors, venue, year, decision; the rest.

    >>> from paperdb.importers.entry import Fields
    >>> f = Fields(); read_openreview("Dual Lottery Ticket Hypothesis Yue Bai, Huan Wang29 Sept 2021 (modified: 16 Mar 2022) ICLR 2022 Poster Readers:  EveryoneShow details", f, frozenset)
    ''
    >>> f.title, f.authors, f.venue, f.year, f.presentation
    ('Dual Lottery Ticket Hypothesis', ('Yue Bai', 'Huan Wang'), 'ICLR', 2022, 'poster')
    """
    match = _OPENREVIEW_RE.match(text)
    if not match:
        return None
    title, authors = split_title_authors(
        match.group("body"), title_words=title_words(), require_authors=True
    )
    fields.title, fields.shape, fields.authors = nz.normalize_title(title), "plain", authors
    fields.venue, _ = nz.canonical_venue(match.group("venue"))
    fields.venue_raw = match.group("venue")
    fields.year = int(match.group("year"))
    fields.presentation = nz.parse_presentation(match.group("decision"))
    return text[match.end() :]


def read_authors(text: str, fields: Fields) -> str:
    """Authors from a run at the start of ``text`` (when still unknown); the rest."""
    names, rest = split_author_run(clean_run(text))
    if names and fields.authors is None:
        fields.authors = names
        return rest
    return text


def read_rest(rest: str, fields: Fields) -> None:
    """Everything after the title: links, tags, authors, venue and year, notes."""
    if not _WORDY_RE.search(rest):
        return  # nothing after the title but punctuation
    found = lk.find_links(rest)
    fallback = read_links(rest, fields, found)
    plain = _replace_links(rest, found)
    plain = _read_fragments(plain, fields)
    _read_segments(plain, fields)
    if fields.paper_url is None and not fields.broken_link and fallback:
        fields.paper_url = fallback


def read_links(rest: str, fields: Fields, links: list[lk.Link] | None = None) -> str | None:
    """Paper, code and badge links; returns a page link to use when no paper link is found
    (a link to a paper host first)."""
    fallback = None
    for link in lk.find_links(rest) if links is None else links:
        if link.kind == "badge":
            fields.set_venue(read_venue_year(link.badge) if link.badge else None)
        elif link.kind == "code":
            fields.add_code(link.url, link.label)
        elif link.kind == "paper":
            fields.set_paper_url(link.url)
        elif link.kind in ("page", "text"):
            # A text link to a repository with a short label is already "code" (links._classify).
            if link.kind == "page" and lk.is_code_host(link.url):
                fields.add_code(link.url, link.label)
                continue
            found = read_venue_year(link.label) if link.kind == "text" else None
            if found is not None and found.venue:
                fields.set_venue(found)
                fields.set_paper_url(link.url)
            elif urls.is_url(link.url) and (fallback is None or _better(link.url, fallback)):
                fallback = link.url
    return fallback


def _better(url: str, than: str) -> bool:
    return bool(lk.PAPER_HOST_RE.match(url)) and not lk.PAPER_HOST_RE.match(than)


def _replace_links(rest: str, found: list[lk.Link]) -> str:
    """The text with each link and image replaced by a separator."""
    if not found:
        return rest
    out, pos = [], 0
    for link in found:
        out.append(rest[pos : link.start])
        out.append(" | ")
        pos = link.end
    out.append(rest[pos:])
    return "".join(out)


def _read_fragments(plain: str, fields: Fields) -> str:
    """Bracketed, parenthesised, bold, italic and code fragments; the text without them."""
    out, pos = [], 0
    for match in _FRAGMENT_RE.finditer(plain):
        index = match.lastindex or 0
        inner = nz.clean_text(match.group(index) or "")
        consumed = _fragment(inner, index, fields)
        if consumed:
            out.append(plain[pos : match.start()])
            out.append(" | ")
            pos = match.end()
    out.append(plain[pos:])
    return "".join(out)


def _fragment(inner: str, kind: int, fields: Fields) -> bool:
    """Read one fragment; whether it was used (and should leave the text)."""
    if not inner:
        return True
    if kind == 9:  # 【tag】
        from paperdb.importers.prefixes import read_tag

        read_tag(inner, fields)
        return True
    if _venue_tag(inner, kind, fields):
        return True
    if kind in (6, 7) and _italic(inner, fields):  # *italic*: an author run or a venue
        return True
    if kind == 1 and fields.nickname is None and len(inner.split()) <= 3:
        fields.nickname = inner  # **[Nick]** after the title
        return True
    if kind in (3, 4, 8) and len(inner) <= 60:
        fields.tags.append(inner)  # (a note), `label`
        return True
    return False


def _venue_tag(inner: str, kind: int, fields: Fields) -> bool:
    """``[CVPR '16]``, ``(2019)``, ``**[Thesis' 10]**``, ``(Oral)``: a venue, year or decision."""
    found = read_venue_year(inner)
    if found is not None and (found.venue or _only_year(inner) or _year_tag(found, kind)):
        fields.set_venue(found)
        if found.venue is None and found.year and fields.year is None:
            fields.year = found.year
        return True
    mark = nz.parse_presentation(inner) if len(inner) < 25 else None
    if mark:
        fields.presentation = fields.presentation or mark
    return mark is not None


def _italic(inner: str, fields: Fields) -> bool:
    names, rest = split_author_run(clean_run(inner))
    if names and fields.authors is None:
        fields.authors = names
        if rest:
            fields.set_venue(read_venue_year(rest, loose=True))
        return True
    return fields.set_venue(read_venue_year(inner, loose=True))


def _year_tag(found: VenueYear, kind: int) -> bool:
    """``**[Thesis' 10]**``: a bracketed tag whose year stands beside a non-venue word."""
    return kind in (1, 2) and found.year is not None and len((found.venue_raw or "").split()) <= 2


def _only_year(inner: str) -> bool:
    return bool(re.fullmatch(r"\s*(?:19|20)[0-9]{2}\s*", inner))


_WORDY_RE = re.compile(r"[^\W_]")


def _read_segments(plain: str, fields: Fields) -> None:
    """The citation tail, segment by segment: authors, ``Venue Year``, dates, arXiv ids."""
    if not _WORDY_RE.search(plain):
        return
    plain = _read_dates(plain, fields)
    segments = [s.strip(" ,.;:-–—") for s in _SEGMENT_RE.split(plain)]
    for seen, segment in enumerate(s for s in segments if _WORDY_RE.search(s)):
        if fields.authors is None:
            names, segment = split_author_run(clean_run(segment))
            fields.authors = names or None
        if segment and not (seen < 3 and _venue_segment(segment, fields)):
            year = _YEAR_SEGMENT_RE.fullmatch(segment)
            if year and fields.year is None:
                fields.year = int(year.group(1))


_YEAR_SEGMENT_RE = re.compile(r"\(?((?:19|20)[0-9]{2})\)?")


def _read_dates(plain: str, fields: Fields) -> str:
    """An arXiv identifier (the venue and its month) and a preprint date; the text without."""
    arxiv = _ARXIV_ID_RE.search(plain)
    if arxiv:
        fields.set_venue(VenueYear("arXiv", "arXiv", None, None))
        fields.date_year = fields.date_year or 2000 + int(arxiv.group(1))
        plain = plain[: arxiv.start()] + " | " + plain[arxiv.end() :]
    date = _DATE_RE.search(plain) or _MONTH_YEAR_RE.search(plain)
    if date:
        fields.date_year = fields.date_year or int(date.group(1))
        plain = plain[: date.start()] + " | " + plain[date.end() :]
    return plain


def _venue_segment(segment: str, fields: Fields) -> bool:
    """``ICML 2018``, ``Proceedings of the IEEE, 2018``: a venue or year in this segment."""
    if fields.venue is not None:
        return False
    found = read_venue_year(segment, loose=_venue_slot(segment))
    if found is None or not (found.venue or found.year):
        return False
    fields.set_venue(found)
    if found.year and fields.year is None:
        fields.year = found.year
    return True


def _venue_slot(segment: str) -> bool:
    """A segment that can be a journal or proceedings name (not a sentence, not a name)."""
    words = segment.split()
    return 1 <= len(words) <= 10 and segment[:1].isupper() and not is_name(segment)
