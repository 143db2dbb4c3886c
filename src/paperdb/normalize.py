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
from urllib.parse import urlsplit

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


# --------------------------------------------------------------------------- links & code

_URL_RE = re.compile(r"^(?:https?|ftp)://[^\s<>\"]+$|^www\.[^\s<>\"]+\.[a-z]{2,}\S*$", re.I)
_ARXIV_RE = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(?P<id>[0-9]{4}\.[0-9]{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/[0-9]{7})",
    re.I,
)


def is_url(target: str) -> bool:
    """Whether a link target is a URL (lists sometimes put the title there).

    >>> is_url("https://arxiv.org/abs/1803.03635"), is_url("ZeroQ: A Novel Framework")
    (True, False)
    """
    return bool(_URL_RE.match(target.strip()))


def arxiv_id(url: str | None) -> str | None:
    """The arXiv identifier of an arxiv.org abs/pdf URL, without version.

    >>> arxiv_id("https://arxiv.org/pdf/2001.02786v2.pdf"), arxiv_id("http://arxiv.org/abs/1911.08020")
    ('2001.02786', '1911.08020')
    >>> arxiv_id("https://openreview.net/forum?id=x") is None
    True
    """
    if not url:
        return None
    match = _ARXIV_RE.search(url)
    return match.group("id") if match else None


def url_host(url: str) -> str | None:
    """Host name of a URL without ``www.``.

    >>> url_host("https://www.github.com/a/b")
    'github.com'
    """
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


_FRAMEWORKS = {
    "pytorch": "PyTorch",
    "pt": "PyTorch",
    "torch": "PyTorch",
    "tensorflow": "TensorFlow",
    "tf": "TensorFlow",
    "keras": "Keras",
    "caffe": "Caffe",
    "caffe2": "Caffe2",
    "torch7": "Torch-7",
    "torch-7": "Torch-7",
    "lua": "Torch-7",
    "luatorch": "Torch-7",
    "mxnet": "MXNet",
    "gluon": "MXNet",
    "theano": "Theano",
    "lasagne": "Theano",
    "jax": "JAX",
    "flax": "JAX",
    "paddle": "PaddlePaddle",
    "paddlepaddle": "PaddlePaddle",
    "chainer": "Chainer",
    "mindspore": "MindSpore",
    "matlab": "MATLAB",
    "darknet": "Darknet",
    "tvm": "TVM",
}


@lru_cache(maxsize=1024)
def canonical_framework(label: str | None) -> str | None:
    """Normalized framework name(s); several joined with ``+``; unknown kept as written.

    >>> canonical_framework("Pytorch"), canonical_framework("TF+PT"), canonical_framework("caffe")
    ('PyTorch', 'TensorFlow+PyTorch', 'Caffe')
    >>> canonical_framework("Torch-7"), canonical_framework("") is None
    ('Torch-7', True)
    """
    if not label or not label.strip():
        return None
    names = []
    for part in re.split(r"\s*[+/&,]\s*", label.strip()):
        if not part:
            continue
        key = part.casefold().replace(" ", "")
        name = _FRAMEWORKS.get(key) or _FRAMEWORKS.get(key.replace("-", "")) or part
        if name not in names:
            names.append(name)
    return "+".join(names) or None


# --------------------------------------------------------------------------- authors

_PARTICLES = {
    "da",
    "de",
    "del",
    "della",
    "der",
    "den",
    "di",
    "do",
    "dos",
    "du",
    "la",
    "le",
    "van",
    "von",
    "bin",
    "al",
    "el",
    "ter",
    "y",
}
# Capitalised words that start or join title phrases, never a person's name.
_TITLE_FUNCTION_WORDS = {
    "a",
    "an",
    "and",
    "or",
    "the",
    "of",
    "in",
    "on",
    "for",
    "with",
    "to",
    "no",
    "not",
    "via",
    "by",
    "from",
    "at",
    "is",
    "are",
    "as",
    "into",
    "towards",
    "toward",
    "without",
    "using",
    "under",
    "over",
    "beyond",
    "do",
    "does",
    "can",
    "we",
    "you",
    "your",
    "all",
    "how",
    "what",
    "why",
    "when",
    "where",
    "which",
    "who",
    "its",
    "it",
    "be",
    "more",
    "less",
    "than",
    "through",
}
# Endings of English title words ("Convolutions", "Learning", "Efficiently"), rare in first names.
_TITLE_WORD_END_RE = re.compile(
    r"(?:s|ing|ion|ions|ed|ly|ity|al|ive|ic|ics|ous|ment|ness|ence|ance|ure|ise|ize|"
    r"ism|ist|ory|ary|ery|er|or|rt|ble|ful|less|work|ime|ck|nt|rk|ge)$"
)
_NAME_TOKEN_RE = re.compile(r"^(?:[A-Z\u00C0-\u024F][\w'’.\-]*|[A-Z]\.?)$")


def _is_name_token(token: str, *, strict: bool = False) -> bool:
    if strict and token.casefold() in _TITLE_FUNCTION_WORDS and len(token) > 1:
        return False
    return bool(_NAME_TOKEN_RE.match(token)) or token in _PARTICLES


def is_person_name(text: str) -> bool:
    """Whether a comma-separated chunk reads as one person's name.

    >>> is_person_name("Luisa M Zintgraf"), is_person_name("Joost van Amersfoort")
    (True, True)
    >>> is_person_name("and Better Transferability"), is_person_name("Any-Sparsity")
    (False, False)
    >>> is_person_name("And No Retraining Lu Miao"), is_person_name("Can Qin")
    (False, True)
    """
    tokens = text.split()
    if not 2 <= len(tokens) <= 4:
        return False
    if tokens[0] in _PARTICLES or tokens[-1] in _PARTICLES:
        return False
    strict = len(tokens) > 2
    return all(
        _is_name_token(t, strict=strict) or (i and tokens[i - 1] in _PARTICLES)
        for i, t in enumerate(tokens)
    )


def _sentence_case(tokens: list[str]) -> bool:
    """Most words after the first start lowercase ("Differentiable particle filtering ...")."""
    words = [t for t in tokens[1:] if t[:1].isalpha()]
    return bool(words) and sum(w[0].islower() for w in words) >= 0.6 * len(words)


def _could_be_first_name(token: str, title: list[str], title_words: frozenset[str]) -> bool:
    """Whether the word before a two-word name is the first of a three-word name."""
    return (
        bool(_NAME_TOKEN_RE.match(token))
        and _is_name_token(token, strict=True)
        and token.casefold() not in title_words
        and not token.isupper()
        and "-" not in token
        # In a sentence-case title a capitalised last word stands out as a name.
        and (not _TITLE_WORD_END_RE.search(token.casefold()) or _sentence_case(title))
    )


def split_title_authors(
    text: str, *, title_words: frozenset[str] = frozenset(), require_authors: bool = False
) -> tuple[str, tuple[str, ...] | None]:
    """Split ``Title First Author, Second Author, ...`` into (title, authors).

    Without ``require_authors`` (no OpenReview tail vouches for an author list) at
    least two trailing names are needed. The first author's name is cut from the
    end of the title chunk: two tokens, plus a middle initial or particle, plus
    one more capitalised word when it reads as a first name (not a word seen in
    the list's titles, not an English word ending such as -tions or -ing).

    >>> split_title_authors("Dual Lottery Ticket Hypothesis Yue Bai, Huan Wang, ZHIQIANG TAO")
    ('Dual Lottery Ticket Hypothesis', ('Yue Bai', 'Huan Wang', 'ZHIQIANG TAO'))
    >>> split_title_authors("Prototypical Contrastive Predictive Coding Kyungmin Lee", require_authors=True)
    ('Prototypical Contrastive Predictive Coding', ('Kyungmin Lee',))
    >>> split_title_authors("Spurious Correlations Aahlad Manas Puli, Lily H Zhang, Eric Karl Oermann")
    ('Spurious Correlations', ('Aahlad Manas Puli', 'Lily H Zhang', 'Eric Karl Oermann'))
    >>> split_title_authors("Faster Convergence, Higher Data-efficiency, and Better Transferability")
    ('Faster Convergence, Higher Data-efficiency, and Better Transferability', None)
    """
    chunks = [c.strip() for c in text.split(",")]
    names: list[str] = []
    while len(chunks) > 1 and is_person_name(chunks[-1]):
        names.insert(0, chunks.pop())
    while len(names) >= (0 if require_authors else 2):
        tokens = ", ".join(chunks).split()
        first = _first_author(tokens, title_words)
        if first:
            title = " ".join(tokens[: -len(first)]).rstrip(" ,")
            return title, (" ".join(first), *names)
        if not names:
            break
        # "Keep, Hide, Invert Nils Koster": the title's last chunk looked like a name.
        chunks.append(names.pop(0))
    return text, None


def _first_author(tokens: list[str], title_words: frozenset[str]) -> list[str] | None:
    """The first author's tokens at the end of ``Title First Author``, or None."""
    if len(tokens) < 3:
        return None
    take = 2
    while len(tokens) - take >= 2:
        prev, after = tokens[-take - 1], tokens[-take]
        particle_or_initial = prev in _PARTICLES or re.fullmatch(r"[A-Z]\.?", after)
        if particle_or_initial or (
            take == 2 and _could_be_first_name(prev, tokens[: -take - 1], title_words)
        ):
            take += 1
        else:
            break
    first = tokens[-take:]
    return first if all(_is_name_token(t) for t in first) else None
