"""Pure normalization functions: titles, venues, years, topics, links, authors.

Every function here is pure (text in, value out) and carries doctest examples
that show its rule. The alias tables live in ``paperdb/data/*.tsv`` so users
can read and extend them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

# --------------------------------------------------------------------------- tables


@dataclass(frozen=True, slots=True)
class VenueInfo:
    name: str
    kind: str


def _data_rows(name: str) -> list[list[str]]:
    text = resources.files("paperdb").joinpath("data", name).read_text(encoding="utf-8")
    return [
        line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


def _venue_key(text: str) -> str:
    return re.sub(r"[\s.\-_]", "", text).casefold()


@cache
def venue_table() -> dict[str, VenueInfo]:
    """Alias key -> canonical venue, from ``data/venues.tsv``."""
    table: dict[str, VenueInfo] = {}
    for name, kind, aliases in _data_rows("venues.tsv"):
        info = VenueInfo(name, kind)
        for alias in [name, *aliases.split(",")]:
            table[_venue_key(alias)] = info
    return table


@cache
def topic_table() -> list[tuple[str, str]]:
    """(alias, slug) pairs from ``data/topics.tsv``, longest alias first."""
    pairs: list[tuple[str, str]] = []
    for slug, _name, aliases in _data_rows("topics.tsv"):
        pairs.extend((alias.strip().casefold(), slug) for alias in aliases.split(","))
    return sorted(pairs, key=lambda p: -len(p[0]))


@cache
def topic_names() -> dict[str, str]:
    """Slug -> display name."""
    return {slug: name for slug, name, _aliases in _data_rows("topics.tsv")}


# --------------------------------------------------------------------------- titles

_LATEX = {
    r"\times": "×",
    r"\alpha": "α",
    r"\beta": "β",
    r"\gamma": "γ",
    r"\delta": "δ",
    r"\epsilon": "ε",
    r"\lambda": "λ",
    r"\mu": "μ",
    r"\pi": "π",
    r"\sigma": "σ",
    r"\ell": "ℓ",
    r"\infty": "∞",
    r"\le": "≤",
    r"\ge": "≥",
    r"\approx": "≈",
    r"\cdot": "·",
    r"\pm": "±",
    r"\sim": "~",
}
_LATEX_RE = re.compile(r"\$([^$]{1,80})\$")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!&|<>~^$%])")
_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|`|~~)")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SPACE_RE = re.compile(r"\s+")
_PAGES_RE = re.compile(r"\.\s+[0-9]{1,5}\s*[-–]\s*[0-9]{1,5}$")


def _latex(match: re.Match[str]) -> str:
    body = match.group(1).strip()
    for command, symbol in _LATEX.items():
        body = re.sub(re.escape(command) + r"(?![A-Za-z])", symbol, body)
    return body.replace("{", "").replace("}", "").replace("\\", "")


def strip_markdown(text: str) -> str:
    r"""Remove inline markdown: links keep their text, emphasis and escapes go.

    >>> strip_markdown(r"**Drive\&Segment** `x` [a](b)")
    'Drive&Segment x a'
    >>> strip_markdown(r"Up to 100$\times$ Faster")
    'Up to 100× Faster'
    """
    if not _MARKUP_RE.search(text):
        return text  # nothing to strip (most titles): skip the passes below
    # Removing one layer can reveal another ("_*_" -> "__", "\\\\{" -> "\\{"); repeat
    # until nothing changes, so that strip_markdown(strip_markdown(x)) == strip_markdown(x).
    for _ in range(_MAX_PASSES):
        stripped = _strip_once(text)
        if stripped == text:
            break
        text = stripped
    return text


_MAX_PASSES = 50  # each pass only shortens the text; real titles settle in one or two
# Anything a pass of _strip_once could change: markup characters, or whitespace to fold.
_MARKUP_RE = re.compile(r"[\[\]$\\*_`~\x00]|[^\S ]|  |^ | $")


def _strip_once(text: str) -> str:
    text = _LINK_RE.sub(r"\1", text)
    text = _LATEX_RE.sub(_latex, text)
    text = _ESCAPE_RE.sub(lambda m: "\x00" + m.group(1), text)  # protect escaped chars
    text = _EMPHASIS_RE.sub("", text)
    text = text.replace("\x00", "")
    return _SPACE_RE.sub(" ", text).strip()


def clean_text(text: str) -> str:
    """NFKC, markdown removed, whitespace collapsed (for tags, cells, names).

    >>> clean_text("  **还没看**  ")
    '还没看'
    """
    if unicodedata.is_normalized("NFKC", text) and not _MARKUP_RE.search(text):
        return text
    for _ in range(_MAX_PASSES):  # until stable: clean_text(clean_text(x)) == clean_text(x)
        cleaned = strip_markdown(unicodedata.normalize("NFKC", text).replace("\x00", ""))
        if cleaned == text:
            break
        text = cleaned
    return text


def normalize_title(text: str) -> str:
    r"""The citable title as written: markdown, page ranges, trailing dots removed.

    Typos and missing colons are kept: the list said so.

    >>> normalize_title("Attention Temperature Matters in Summarization Distillation. 127-141")
    'Attention Temperature Matters in Summarization Distillation'
    >>> normalize_title("Training Quantized Neural Networks With a Full-Precision Module.")
    'Training Quantized Neural Networks With a Full-Precision Module'
    >>> normalize_title("Efﬁcient  Integer-Arithmetic-Only Inference")
    'Efficient Integer-Arithmetic-Only Inference'
    >>> normalize_title("Approximated Oracle Filter Pruning github")
    'Approximated Oracle Filter Pruning'
    """
    title = clean_text(text)
    title = _PAGES_RE.sub("", title)
    title = re.sub(r"\s+github$", "", title, flags=re.IGNORECASE)
    title = title.rstrip(" ,;")
    while title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    return title


def title_key(title: str) -> str:
    """Exact-match key: NFKC, casefolded, only letters and digits.

    >>> title_key("Deep  Compression: Pruning!")
    'deepcompressionpruning'
    >>> title_key("A “Network Pruning Network” Approach") == title_key('A "network pruning network" approach')
    True
    """
    if title.isascii():  # NFKC leaves ASCII alone and casefold() is lower() on it
        return title.encode("ascii").lower().translate(None, _ASCII_NOT_ALNUM).decode("ascii")
    # [\W_] is exactly "not str.isalnum()", one code point at a time.
    return _NOT_ALNUM_RE.sub("", unicodedata.normalize("NFKC", title).casefold())


_ASCII_NOT_ALNUM = bytes(i for i in range(128) if not chr(i).isalnum())
_NOT_ALNUM_RE = re.compile(r"[\W_]+")


_GLUED_RE = re.compile(r"^([A-Za-z][A-Za-z0-9]{1,11})-([A-Za-z][a-z]{2,}\b)(?![-:])")


def _initials(words: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s\-]+", words.casefold()) if w and w[0].isalnum())


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def split_glued_nickname(title: str) -> tuple[str | None, str]:
    """Split an acronym glued to the title with a hyphen into (nickname, title).

    The prefix must look like an acronym (two or more capitals) whose letters are
    initials of the title's words in order, so ``DoReFa-Net: ...`` stays whole.

    >>> split_glued_nickname("HWGQ-Deep Learning With Low Precision by Half-wave Gaussian Quantization")
    ('HWGQ', 'Deep Learning With Low Precision by Half-wave Gaussian Quantization')
    >>> split_glued_nickname("APoT-addive powers-of-two quantization an efficient discretization")
    ('APoT', 'addive powers-of-two quantization an efficient discretization')
    >>> split_glued_nickname("DoReFa-Net: training low bitwidth convolutional neural networks")
    (None, 'DoReFa-Net: training low bitwidth convolutional neural networks')
    >>> split_glued_nickname("CNN-based Methods for Vision")
    (None, 'CNN-based Methods for Vision')
    """
    match = _GLUED_RE.match(title)
    if not match:
        return None, title
    nick = match.group(1)
    if sum(ch.isupper() for ch in nick) < 2:
        return None, title
    rest = title[len(nick) + 1 :]
    if not _is_subsequence(nick.casefold(), _initials(rest)):
        return None, title
    return nick, rest


# --------------------------------------------------------------------------- venues

_SUFFIX_PRESENTATION = {"o": "oral", "w": "workshop", "s": "spotlight", "b": "best"}
_PRESENTATION_WORDS = [
    (re.compile(r"best\s*(paper)?", re.I), "best"),
    (re.compile(r"\boral\b", re.I), "oral"),
    (re.compile(r"\bspotlight\b", re.I), "spotlight"),
    (re.compile(r"\bposter\b", re.I), "poster"),
    (re.compile(r"\bworkshops?\b|\bw(?:or)?ks?hp\b", re.I), "workshop"),
]


def lookup_venue(text: str) -> VenueInfo | None:
    """The canonical venue for an exact alias, or None.

    >>> lookup_venue("NIPS").name, lookup_venue("sigkdd").name, lookup_venue("NNs").name
    ('NeurIPS', 'KDD', 'Neural Networks')
    >>> lookup_venue("Foo") is None
    True
    """
    key = _venue_key(text)
    return venue_table().get(key) if key else None


def parse_presentation(text: str) -> str | None:
    """oral | spotlight | poster | workshop | best, from free text.

    >>> parse_presentation("**(Oral)**"), parse_presentation("(best paper!)")
    ('oral', 'best')
    >>> parse_presentation("ICLR 2022 Poster"), parse_presentation("Kaiming He") is None
    ('poster', True)
    """
    for pattern, value in _PRESENTATION_WORDS:
        if pattern.search(text):
            return value
    return None


@lru_cache(maxsize=4096)  # lists repeat the same few venue spellings
def canonical_venue(text: str) -> tuple[str | None, str | None]:
    """(venue, presentation) from a venue as lists write it.

    Known aliases map to canonical names; ``ICLRo``/``NIPSw``/``s``/``b`` suffixes and
    words like "workshop" or "(Oral)" give the presentation; an unknown venue is kept
    as written.

    >>> canonical_venue("NIPSw")
    ('NeurIPS', 'workshop')
    >>> canonical_venue("NIPS workshop")
    ('NeurIPS', 'workshop')
    >>> canonical_venue("`CVPR`**(oral)**")
    ('CVPR', 'oral')
    >>> canonical_venue("ICLR **(Spotlight)**")
    ('ICLR', 'spotlight')
    >>> canonical_venue("arxiv")
    ('arXiv', None)
    >>> canonical_venue("NNs")
    ('Neural Networks', None)
    >>> canonical_venue("Some Journal")
    ('Some Journal', None)
    >>> canonical_venue("")
    (None, None)
    >>> canonical_venue("Foo (x) (oral)"), canonical_venue("(())")
    (('Foo', 'oral'), (None, None))
    """
    # One pass can reveal another parenthesis or presentation word; repeat on the venue
    # until it is stable, so canonical_venue(venue) == venue for every venue it returns.
    venue, presentation = _canonical_venue_once(text)
    for _ in range(_MAX_PASSES):
        if venue is None:
            break
        again, more = _canonical_venue_once(venue)
        presentation = presentation or more
        if again == venue:
            break
        venue = again
    return venue, presentation


def _canonical_venue_once(text: str) -> tuple[str | None, str | None]:
    plain = clean_text(text)
    presentation = None
    paren = re.search(r"\(([^()]*)\)", plain)
    if paren:
        presentation = parse_presentation(paren.group(1))
        plain = (plain[: paren.start()] + plain[paren.end() :]).strip()
    words = plain.split()
    if words and parse_presentation(words[-1]) and len(words) > 1:
        presentation = presentation or parse_presentation(words[-1])
        plain = " ".join(words[:-1])
    plain = plain.strip(" -,")
    if not plain:
        return None, presentation
    info = lookup_venue(plain)
    if info:
        return info.name, presentation
    if len(plain) > 2 and plain[-1] in _SUFFIX_PRESENTATION:
        info = lookup_venue(plain[:-1])
        if info:
            return info.name, presentation or _SUFFIX_PRESENTATION[plain[-1]]
    return plain, presentation


def venue_kind(venue: str | None) -> str | None:
    """conference | journal | workshop | preprint, or None when unknown.

    >>> venue_kind("NeurIPS"), venue_kind("Pattern Recognition"), venue_kind("arXiv")
    ('conference', 'journal', 'preprint')
    >>> venue_kind("Unknown Venue") is None
    True
    """
    if not venue:
        return None
    info = lookup_venue(venue)
    return info.kind if info else None


# --------------------------------------------------------------------------- years & topics

_YEAR_RE = re.compile(r"(?<![0-9])(19[5-9][0-9]|20[0-9][0-9])(?![0-9])")
_ARXIV_HEADING_RE = re.compile(r"^arxiv\s*([0-9]{2})([01][0-9])$", re.I)


def years_in(text: str) -> list[int]:
    """Distinct four-digit years named in a heading, ``arxivYYMM`` included.

    >>> years_in("量化 2018"), years_in("arxiv2001"), years_in("量化2015 & 2016 & 2017")
    ([2018], [2020], [2015, 2016, 2017])
    >>> years_in("2022年压缩相关论文整理"), years_in("Model_Compression_Paper")
    ([2022], [])
    """
    arxiv = _ARXIV_HEADING_RE.match(text.strip())
    if arxiv:
        return [2000 + int(arxiv.group(1))]
    found: list[int] = []
    for match in _YEAR_RE.finditer(text):
        year = int(match.group(1))
        if year not in found:
            found.append(year)
    return found


@lru_cache(maxsize=4096)  # every entry under a heading asks about the same text
def canonical_topic(text: str) -> str | None:
    """The topic slug a heading names, or None for general headings.

    >>> canonical_topic("Knowledge Distillation"), canonical_topic("剪枝 2020")
    ('distillation', 'pruning')
    >>> canonical_topic("Papers-Lottery Ticket Hypothesis (LTH)"), canonical_topic("Distilation")
    ('lottery-ticket', 'distillation')
    >>> canonical_topic("Efficient Model"), canonical_topic("Papers") is None
    ('efficient-architecture', True)
    """
    lowered = unicodedata.normalize("NFKC", text).casefold()
    best: tuple[int, int, str] | None = None
    for alias, slug in topic_table():
        if alias.isascii():
            match = re.search(r"(?<![a-z0-9])" + re.escape(alias) + r"(?![a-z0-9])", lowered)
            pos = match.start() if match else -1
        else:
            pos = lowered.find(alias)
        if pos >= 0:
            candidate = (pos, -len(alias), slug)
            if best is None or candidate < best:
                best = candidate
    return best[2] if best else None
