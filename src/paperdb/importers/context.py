"""Section context: what the headings above an entry say about it.

A heading may name a venue (``## NeurIPS``), a year (``### 2019``, ``2016 ISCA``), a topic,
or a kind of section that holds no papers. Two kinds of non-paper section: *hard* ones
(contents, people, news, contributing, licence...) hold nothing to read, and *soft* ones
(tools, libraries, blogs, tutorials, books, talks, datasets...) hold papers only where an
entry links a paper host. A "Contents" heading one level above the paper sections covers
only its own list of anchors, never the sections after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperdb import normalize as nz

_HARD_RE = re.compile(
    r"^(?:people|researchers|news|updates?|latest news|what'?s new|copyright|licen[cs]e|"
    r"contribut\w*|how to contribute|citation|cite|citing|how to cite|acknowledge?ments?|"
    r"contacts?|contact us|about|about us|star history|stargazers|changelog|change log|to ?do|"
    r"todo list|authors?|maintainers?|contributors|sponsors?|join us|discussion|faq|"
    r"目录|联系\w*|致谢|更新日志|引用)\b",
    re.I,
)
# Lists of venues, not of papers ("## Conferences"; "Conference Papers" is papers).
_VENUES_RE = re.compile(
    r"^(?:(?:related |top |main )?(?:venues?|conferences?|journals?|workshops?)"
    r"(?:\s*(?:and|&|/)\s*(?:venues?|conferences?|journals?|workshops?))?)$",
    re.I,
)
_CONTENTS_RE = re.compile(r"^(?:(?:table of )?contents?|toc|目录)\s*$", re.I)
# The head nouns of sections that list things other than papers. A heading is such a
# section when one of its parts ends in one ("Talks and Tutorials", "Related Repos",
# "Inference Framework/Design"), not when the word only qualifies a topic
# ("Video-level anomaly detection", "Dataset Distillation").
_SOFT_RE = re.compile(
    r"(?:tools?|toolkits?|toolbox(?:es)?|librar(?:y|ies)|frameworks?|software|blogs?|"
    r"tutorials?|books?|courses?|lectures?|talks?|videos?|podcasts?|datasets?|benchmarks?|"
    r"implementations?|repos?|repositories|resources?|references?|thesis|theses|projects?|"
    r"open[- ]source|codebases?|slides|posts?|articles?|interviews?|"
    r"competitions?|challenges?|leaderboards?|demos?|工具|教程|博客|书籍|课程|数据集)",
    re.I,
)
_PARTS_RE = re.compile(r"\s*(?:\band\b|&|,|/|\+|、|和)\s*", re.I)
_GENERIC_TOPIC_RE = re.compile(
    r"^(?:papers?|paper list|list|the list|reading list|all papers|selected papers|"
    r"conference papers|journal papers|preprints?|others?|misc\w*|general|uncategori[sz]ed|unknown(?: venue| year| topic)?|undated|no (?:venue|year|topic)|surveys? papers?)$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int
    years: tuple[int, ...] = ()
    venue: str | None = None
    presentation: str | None = None
    topic: str | None = None
    kind: str = "papers"  # papers | contents | hard | soft

    @classmethod
    def read(cls, level: int, raw: str, line: int) -> Heading:
        """Read a heading's text (markdown, links, emoji and numbering removed).

        >>> h = Heading.read(3, "2016 ISCA", 1); (h.years, h.venue, h.kind)
        ((2016,), 'ISCA', 'papers')
        >>> Heading.read(2, "Table of Contents", 1).kind, Heading.read(2, "Software", 1).kind
        ('contents', 'soft')
        >>> Heading.read(3, "📖Trending LLM/VLM Topics ([©️back👆🏻](#paperlist))", 1).text
        'Trending LLM/VLM Topics'
        """
        text = _heading_text(raw)
        years = tuple(nz.years_in(text))
        venue = presentation = None
        bare = re.sub(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])", " ", text).strip(" -_:()")
        if re.match(r"^arxiv\s*[0-9]{4}$", text, re.IGNORECASE):
            venue = "arXiv"  # "arxiv2001": preprints of January 2020
        elif bare and nz.lookup_venue(bare) is not None:
            venue, presentation = nz.canonical_venue(bare)
        topic = None if venue or not bare else _topic(text)
        return cls(level, text, line, years, venue, presentation, topic, _kind(text))


def _heading_text(raw: str) -> str:
    text = re.sub(
        r"\(\s*\[[^\]]*\]\(#[^)]*\)\s*\)|\[[^\]]*\]\(#[^)]*\)", " ", raw
    )  # back-to-top links
    text = nz.clean_text(re.sub(r"<[^>]+>", " ", text)).strip("# ").strip()
    text = re.sub(r"^[^\w(\[]+", "", text)  # leading emoji
    text = re.sub(
        r"^(?:[0-9]{1,2}(?:\.[0-9]{1,2})*\.?|[IVX]{1,4}\.)\s+(?=\S)", "", text
    )  # "2.1 Topic"
    return text.strip()


def _kind(text: str) -> str:
    if _CONTENTS_RE.match(text):
        return "contents"
    if _HARD_RE.match(text) or _VENUES_RE.match(text):
        return "hard"
    heads = [part.split()[-1] for part in _PARTS_RE.split(text) if part.split()]
    if any(_SOFT_RE.fullmatch(head.strip("()[]:.")) for head in heads):
        return "soft"
    return "papers"


def _topic(text: str) -> str | None:
    """A known topic's slug, else the heading in lower case; None for generic headings."""
    slug = nz.canonical_topic(text)
    if slug is not None:
        return slug
    # "Uncategorized / 2015": a path of headings (paperdb's own export writes them)
    parts = [
        part.strip(" -_:()")
        for part in re.split(r"\s+/\s+", re.sub(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])", " ", text))
    ]
    if not any(_topical(part) for part in parts):
        return None
    return text.casefold()


def _topical(part: str) -> bool:
    """A heading (or a part of a ``A / B`` path) that names neither a venue nor nothing."""
    return bool(
        part
        and re.search(r"[^\W\d]", part)
        and not _GENERIC_TOPIC_RE.match(part)
        and nz.lookup_venue(part) is None
    )


@dataclass(frozen=True, slots=True)
class Context:
    """What the headings above an entry say about it (worked out once: every entry
    under the same headings shares one context)."""

    path: tuple[Heading, ...]
    section: tuple[str, ...] = field(init=False, repr=False, compare=False)
    # papers | soft | hard: contents headings count only for what is directly under them.
    kind: str = field(init=False, repr=False, compare=False)
    # The nearest heading naming a year; a heading naming several gives none.
    year: int | None = field(init=False, repr=False, compare=False)
    venue: str | None = field(init=False, repr=False, compare=False)
    presentation: str | None = field(init=False, repr=False, compare=False)
    topic: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        path = self.path
        put = object.__setattr__
        put(self, "section", tuple(h.text for h in path))
        put(self, "kind", _kind_of(path))
        put(self, "year", _year_of(path))
        nearest = next((h for h in reversed(path) if h.venue), None)
        put(self, "venue", nearest.venue if nearest else None)
        put(self, "presentation", nearest.presentation if nearest else None)
        put(self, "topic", next((h.topic for h in reversed(path) if h.topic), None))

    @property
    def non_paper(self) -> bool:
        return self.kind == "hard"


def _kind_of(path: tuple[Heading, ...]) -> str:
    found = "papers"
    for index, heading in enumerate(path):
        if heading.kind == "hard":
            return "hard"
        if heading.kind == "contents" and index == len(path) - 1:
            return "hard"
        if heading.kind == "soft":
            found = "soft"
    return found


def _year_of(path: tuple[Heading, ...]) -> int | None:
    for heading in reversed(path):
        if heading.years:
            return heading.years[0] if len(heading.years) == 1 else None
    return None
