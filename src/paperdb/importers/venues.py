"""Venue and year from the short fragments lists write them in.

``[CVPR '16]``, ``(**NIPS2018**)``, ``ICML2023--Oral`` (a badge), ``2026-ASPLOS``,
``Findings of ACL: EMNLP 2024``, ``Proceedings of the IEEE, 2018``: one recognizer reads
them all. A fragment is a venue only when it names a known venue, looks like an acronym
(``TMLR``, ``ACM CCS``), or, where ``loose`` allows it (the venue slot of a citation), is a
short capitalised name; anything else is not a venue, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from paperdb import normalize as nz
from paperdb.importers.names import is_person_name


@dataclass(frozen=True, slots=True)
class VenueYear:
    venue: str | None  # canonical (``NeurIPS``) or as written for unknown venues
    venue_raw: str | None
    year: int | None
    presentation: str | None


_YEAR4 = r"(?:19[5-9][0-9]|20[0-4][0-9])"
_YEAR_RE = re.compile(
    rf"(?<![0-9A-Za-z.])(?P<y4>{_YEAR4})(?![0-9])|(?<=[A-Za-z])(?P<g4>{_YEAR4})(?![0-9])"
    r"|[’'‘`]\s?(?P<y2>[0-9]{2})(?![0-9])"
)
_TRAILING_2DIGIT_RE = re.compile(r"^(?P<venue>[A-Za-z][A-Za-z&\- ]*?)\s+(?P<y2>[0-9]{2})$")
# Words that qualify a venue without being its name.
_QUALIFIER_RE = re.compile(
    r"\b(?:oral|spotlight|poster|best paper|best|workshops?|demo|highlight|short|long|"
    r"main|accepted|submitted|camera[- ]ready|(?:long|short) paper|track)\b",
    re.I,
)
_NOT_VENUE_RE = re.compile(
    r"^(?:under review|preprint|blog|github|thesis|tech(?:nical)? report|report|website|"
    r"project|code|none|n/?a|tbd|arxiv preprint|online|accepted|submitted|pdf|paper|link|"
    r"video|slides|talk|book|survey|stars?|new|hot|updated?)$",
    re.I,
)
_ACRONYM_RE = re.compile(r"^(?=.*[A-Z]{2})[A-Z][A-Za-z&]*(?:[ -][A-Z][A-Za-z&]*){0,3}$")
_PLAIN_NAME_RE = re.compile(r"^[A-Z][\w&.:'’\- ]{2,80}$")


def _year_of(match: re.Match[str]) -> int:
    if match.group("y2"):
        two = int(match.group("y2"))
        return 2000 + two if two <= 49 else 1900 + two
    return int(match.group("y4") or match.group("g4"))


def _strip(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" \t-–—,.;:()[]{}*_`'’|/").strip()


@lru_cache(maxsize=8192)  # lists repeat the same tags on every line
@lru_cache(maxsize=8192)  # tags and segments repeat ("arXiv 2020", "CVPR")
def read_venue_year(fragment: str, *, loose: bool = False) -> VenueYear | None:
    """Venue, year and presentation of a tag-like fragment, or None.

    >>> read_venue_year("CVPR '16"), read_venue_year("**NIPS2018**")
    (VenueYear(venue='CVPR', venue_raw='CVPR', year=2016, presentation=None), VenueYear(venue='NeurIPS', venue_raw='NIPS', year=2018, presentation=None))
    >>> read_venue_year("ICML2023-Oral").presentation, read_venue_year("2026-ASPLOS").venue
    ('oral', 'ASPLOS')
    >>> read_venue_year("ACM CCS '18").venue, read_venue_year("CVPR Workshop 2024")
    ('CCS', VenueYear(venue='CVPR', venue_raw='CVPR Workshop', year=2024, presentation='workshop'))
    >>> read_venue_year("Findings of ACL: EMNLP 2024").venue, read_venue_year("NAACL'24 Findings").venue
    ('Findings of ACL: EMNLP', 'NAACL Findings')
    >>> read_venue_year("Thesis' 10"), read_venue_year("Under Review")
    (VenueYear(venue=None, venue_raw='Thesis', year=2010, presentation=None), None)
    >>> read_venue_year("Kaiming He") is None, read_venue_year("Proceedings of the IEEE, 2018", loose=True).venue
    (True, 'Proceedings of the IEEE')
    """
    text = nz.clean_text(fragment).replace("--", "-")
    if not text or len(text) > 120:
        return None
    year = None
    years = list(_YEAR_RE.finditer(text))
    if years:
        year = _year_of(years[-1])
        rest = text[: years[-1].start()] + " " + text[years[-1].end() :]
    else:
        two = _TRAILING_2DIGIT_RE.match(text)
        if two and nz.lookup_venue(two.group("venue").strip()):
            year, rest = 2000 + int(two.group("y2")), two.group("venue")
        else:
            rest = text
    venue, raw, presentation = _venue(rest, loose=loose, dated=year is not None)
    if venue is None and year is None:
        return None
    if venue is None and presentation is None and not _plain_year_fragment(rest):
        # "Kaiming He 2019" is not a venue tag; "Thesis' 10" gives only the year.
        raw = _strip(rest) or None
    return VenueYear(venue, raw, year, presentation)


def _plain_year_fragment(rest: str) -> bool:
    return not re.search(r"[A-Za-z]", rest)


_VOLUME_RE = re.compile(r"\b[0-9]+(?:[.:()\-–][0-9]+)*\b|\(\s*\)|:\s*$")
_PARENS_RE = re.compile(r"\(([^()]*)\)")


def _venue(rest: str, *, loose: bool, dated: bool) -> tuple[str | None, str | None, str | None]:
    """(canonical venue, as written, presentation) of what is left beside the year.

    Without a year only a known venue counts (``(PixelCNN)`` is a nickname, not a venue);
    an unknown acronym needs the year beside it, a long name also the venue slot.
    """
    presentation = None
    for inner in _PARENS_RE.findall(rest):
        if nz.lookup_venue(_strip(inner)) is None:
            presentation = presentation or nz.parse_presentation(inner)
            rest = rest.replace(f"({inner})", " ")
    rest = _VOLUME_RE.sub(" ", rest)  # "Nature 521.7553 (2015): 436-444", "Chemical science 11.4"
    plain = re.sub(r"\s+-\s*|\s*-\s+", "-", _strip(rest))
    if not plain:
        return None, None, presentation
    presentation = presentation or nz.parse_presentation(plain)
    name = _name(plain)
    if not name or _NOT_VENUE_RE.match(name):
        return None, None, presentation
    venue, workshop = _known(name)
    if venue is None and dated and _unknown_ok(name):
        venue = name
    if venue is None:
        return None, None, presentation
    return venue, plain, presentation or ("workshop" if workshop else None)


_LEAD_RE = re.compile(
    r"^(?:(?:Conference|Journal|Workshop|Venue)\b[:\s-]*(?=[A-Z]{2})"
    r"|(?:Accepted (?:by|at|to)|Published (?:in|at)|In)\s+)"
)


def _name(plain: str) -> str:
    """The venue's name: qualifiers (Oral, Workshop) and lead words (Accepted at) removed."""
    name = _strip(_QUALIFIER_RE.sub(" ", plain)) if _QUALIFIER_RE.search(plain) else plain
    return _strip(_LEAD_RE.sub("", name).strip())


def _known(name: str) -> tuple[str | None, bool]:
    """A known venue, ``FOMO at ICML`` (its workshop) or a compound; (None, False) else."""
    info = nz.lookup_venue(name)
    if info is not None:
        return info.name, False
    head = re.split(r"\s+(?:at|@)\s+", name)
    if len(head) == 2 and nz.lookup_venue(head[1]):
        return nz.canonical_venue(head[1])[0], True
    return _compound(name), False


def _unknown_ok(name: str) -> bool:
    """An unknown venue beside a year: an acronym (TMLR) or a short capitalised name."""
    if _ACRONYM_RE.match(name) and len(name) <= 24:
        return True
    return bool(_PLAIN_NAME_RE.match(name) and len(name.split()) <= 10 and not is_person_name(name))


def _compound(name: str) -> str | None:
    """``ACL-IJCNLP``, ``ICLR-W``, ``NAACL Findings``, ``Findings of ACL: EMNLP``: as written."""
    parts = [p for p in re.split(r"[\s\-/:()]+", name) if p]
    if not parts or len(parts) > 5:
        return None
    known = [p for p in parts if nz.lookup_venue(p)]
    rest = [
        p
        for p in parts
        if not nz.lookup_venue(p) and p.casefold() not in ("of", "findings", "w", "the")
    ]
    if known and all(p.isupper() or p[:1].isupper() for p in rest) and len(rest) <= 1:
        if len(parts) == 2 and parts[1].upper() == "W":
            return nz.canonical_venue(parts[0])[0]
        return name
    return None
