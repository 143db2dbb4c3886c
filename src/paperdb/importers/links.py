"""Links of an entry: inline HTML made markdown, references resolved, each link classified.

An entry's links say most of what it is: the title link, ``[pdf]``/``[paper]`` links,
``[code]`` links or links to a code host, project pages, and shields.io badges that
carry a venue (``badge/ICML-2023-blue``) or only stars. All functions are pure.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from paperdb import normalize as nz


@dataclass(frozen=True, slots=True)
class Link:
    """One link (or image) of an entry's text, with its span."""

    start: int
    end: int
    label: str  # the link text as written (markdown inside kept)
    url: str  # the target, "" when there is none
    kind: str  # paper | code | page | badge | anchor | text
    badge: str = ""  # for a badge: its decoded text ("ICML 2023 Oral")


# -- inline HTML -------------------------------------------------------------------------

_A_RE = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*[\"']?([^\"'\s>]+)[\"']?[^>]*>(.*?)</a\s*>", re.I | re.S
)
_IMG_RE = re.compile(r"<img\b([^>]*)/?>", re.I)
_ATTR_RE = re.compile(r"\b(src|alt)\s*=\s*[\"']([^\"']*)[\"']", re.I)
_EMPH_RE = re.compile(r"<(b|strong|i|em)>\s*(.*?)\s*</\1\s*>", re.I | re.S)
_BR_RE = re.compile(r"<br\s*/?>", re.I)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^<>]*>")
_ENTITY_RE = re.compile(
    r"&(?:#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.I
)  # not "&noteId="
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)


def html_to_markdown(text: str) -> str:
    """Inline HTML as the markdown it stands for; other tags dropped, entities decoded.

    >>> html_to_markdown('<a name="todo"></a> M<sup>3</sup>IT &amp; <a href="http://x">code</a>')
    'M3IT & [code](http://x)'
    >>> html_to_markdown('<b>ABC: A Dataset</b> (<i>x</i>)')
    '**ABC: A Dataset** (*x*)'
    >>> html_to_markdown('<img src="https://img.shields.io/badge/23-pages-green.svg" alt="23-pages"> T<br>A')
    '![23-pages](https://img.shields.io/badge/23-pages-green.svg) T ; A'
    """
    if "<" not in text and "&" not in text:
        return text
    if "<" in text:
        text = _COMMENT_RE.sub(" ", text)
        text = _A_RE.sub(
            lambda m: f"[{m.group(2).strip()}]({m.group(1)})" if m.group(2).strip() else "", text
        )
        text = _IMG_RE.sub(_img, text)
        text = _EMPH_RE.sub(
            lambda m: (
                ("**" if m.group(1).lower() in ("b", "strong") else "*")
                + m.group(2)
                + ("**" if m.group(1).lower() in ("b", "strong") else "*")
            ),
            text,
        )
        text = _BR_RE.sub(" ; ", text)
        text = _TAG_RE.sub("", text)
    text = _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _img(match: re.Match[str]) -> str:
    attrs = {k.lower(): v for k, v in _ATTR_RE.findall(match.group(1))}
    return f"![{attrs.get('alt', '')}]({attrs['src']})" if attrs.get("src") else ""


# -- reference-style links ---------------------------------------------------------------

DEFINITION_RE = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+[\"'(].*)?\s*$")
_REF_RE = re.compile(r"(\[(?:[^\[\]]|\[[^\[\]]*\])*\])\[([^\[\]]*)\]")


def definitions(text: str) -> dict[str, str]:
    """``[ref]: url`` definitions of a document, by lower-cased label.

    >>> definitions("[1.26]:https://github.com/a/b\\n[Paper]: http://x \\"t\\"")
    {'1.26': 'https://github.com/a/b', 'paper': 'http://x'}
    """
    if "]:" not in text:
        return {}
    found: dict[str, str] = {}
    for line in text.split("\n"):
        match = DEFINITION_RE.match(line)
        if match:
            found.setdefault(match.group(1).strip().casefold(), match.group(2))
    return found


def resolve_references(text: str, defs: dict[str, str]) -> str:
    """``[label][ref]`` and ``[label][]`` as inline links when ``ref`` is defined.

    >>> resolve_references("T [[code]][1.26] [x][]", {"1.26": "https://g/a", "x": "u"})
    'T [[code]](https://g/a) [x](u)'
    """
    if not defs or "][" not in text:
        return text

    def inline(match: re.Match[str]) -> str:
        label, ref = match.group(1), match.group(2)
        url = defs.get((ref or label.strip("[]")).strip().casefold())
        return f"{label}({url})" if url else match.group(0)

    return _REF_RE.sub(inline, text)


# -- finding links -----------------------------------------------------------------------

_BRACKET_RE = re.compile(r"\\.|[\[\]]", re.S)
_PAREN_RE = re.compile(r"\\.|[()]")
_BARE_URL_RE = re.compile(r"(?<![(\[<\"'=])\bhttps?://[^\s<>()\[\]]+[^\s<>()\[\].,;:'\"]")


def _close(text: str, start: int, pattern: re.Pattern[str], opener: str) -> int:
    """Index of the bracket closing the one at ``start`` (balanced), or -1."""
    closer = "]" if opener == "[" else ")"
    first = text.find(closer, start + 1)
    if first < 0:
        return -1
    if text.find(opener, start + 1, first) < 0 and text.find("\\", start + 1, first) < 0:
        return first  # nothing nested or escaped before the first closer (most links)
    depth = 0
    for match in pattern.finditer(text, start):
        ch = match.group()
        if ch[0] == "\\":
            continue
        depth += 1 if ch == opener else -1
        if depth == 0:
            return match.start()
    return -1


def scan_link(text: str, start: int = 0) -> tuple[int, str, str] | None:
    """``[label](target)`` at ``start`` with balanced brackets: (end, label, target).

    >>> scan_link("[A [b] c](http://x/(y)) rest")
    (23, 'A [b] c', 'http://x/(y)')
    >>> scan_link("[ZeroQ: A Framework](ZeroQ: A Framework)")
    (40, 'ZeroQ: A Framework', 'ZeroQ: A Framework')
    """
    if start >= len(text) or text[start] != "[":
        return None
    close = _close(text, start, _BRACKET_RE, "[")
    if close < 0 or close + 1 >= len(text) or text[close + 1] != "(":
        return None
    end = _close(text, close + 1, _PAREN_RE, "(")
    if end < 0:
        return None
    return end + 1, text[start + 1 : close], text[close + 2 : end].strip()


def find_links(text: str) -> list[Link]:
    """Every link, image and bare URL of ``text``, left to right, classified.

    >>> [(k.kind, k.url) for k in find_links("[T](https://arxiv.org/abs/1) [[code]](https://github.com/a/b) ![s](https://img.shields.io/github/stars/a/b)")]
    [('text', 'https://arxiv.org/abs/1'), ('code', 'https://github.com/a/b'), ('badge', 'https://img.shields.io/github/stars/a/b')]
    >>> [(k.kind, k.url) for k in find_links("[[pdf](https://x/p.pdf)] [![GitHub Repo stars](https://img.shields.io/github/stars/a/b)](https://github.com/a/b)")]
    [('paper', 'https://x/p.pdf'), ('code', 'https://github.com/a/b')]
    """
    links: list[Link] = []
    pos = 0
    while True:
        at = text.find("[", pos)
        if at < 0:
            break
        image = at > 0 and text[at - 1] == "!"
        link = scan_link(text, at)
        if link is None:
            pos = at + 1
            continue
        end, label, target = link
        start = at - 1 if image else at
        links.append(_classify(start, end, label, target, image=image))
        pos = end
    covered = [(k.start, k.end) for k in links]
    for match in _BARE_URL_RE.finditer(text):
        if not any(a <= match.start() < b for a, b in covered):
            links.append(_classify(match.start(), match.end(), "", match.group(), image=False))
    links.sort(key=lambda k: k.start)
    return links


# -- classifying -------------------------------------------------------------------------

# Hosts that serve papers (proceedings, preprints, DOIs): a link there is a paper's link.
PAPER_HOST_RE = re.compile(
    r"https?://(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)/|openreview\.net/|aclanthology\.org/|"
    r"aclweb\.org/anthology/|(?:papers|proceedings)\.(?:nips|neurips)\.cc/|proceedings\.mlr\.press/|"
    r"openaccess\.thecvf\.com/|ojs\.aaai\.org/|(?:www\.)?ijcai\.org/|dl\.acm\.org/|"
    r"ieeexplore\.ieee\.org/|link\.springer\.com/|(?:dx\.)?doi\.org/10\.|www\.ecva\.net/|"
    r"(?:www\.)?semanticscholar\.org/paper/|huggingface\.co/papers/)",
    re.I,
)

CODE_HOSTS = (
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "gitee.com",
    "codeberg.org",
    "sourceforge.net",
)
_CODE_LABEL_RE = re.compile(
    r"^(?:official\s+)?(?:code|codes|source code|src|github|gitlab|repo|repository|implementation|"
    r"pytorch|tensorflow|tf|keras|jax|caffe|mxnet|paddle|official|reimpl\w*|代码)\b",
    re.I,
)
_PAPER_LABEL_RE = re.compile(
    r"^(?:paper|papers|pdf|arxiv|openreview|html|doi|abs|abstract|acm|ieee|springer|"
    r"publication|article|proceedings|preprint|cvf|pmlr|acl|full ?text|论文|论文链接|"
    r"paper link|journal|conference|report|tech report|technical report)"
    r"(?:[ -](?:link|links|page|website|site|url|pdf|version))?\b",
    re.I,
)
_PAGE_LABEL_RE = re.compile(
    r"^(?:link|links|url|project|project page|website|web|page|homepage|home|site|demo|video|videos|slides?|"
    r"blog|docs?|documentation|poster|talk|dataset|data|model|models|weights|huggingface|hf|"
    r"colab|notebook|supp\w*|bibtex|bib|cite|citation|zhihu|知乎|medium|youtube|news|media|"
    r"benchmark|leaderboard|openreview forum|review|reviews|chinese|中文|english|"
    r"back|top|↑|⬆|more)(?:[ -](?:link|links|page|website|site|url|pdf|version))?\b",
    re.I,
)


@lru_cache(maxsize=4096)  # labels repeat: "pdf", "code", "[[paper]]"
def label_kind(label: str) -> str | None:
    """paper | code | page for a generic link label, None for other text.

    >>> label_kind("[pdf]"), label_kind("Code(PyTorch)"), label_kind("`[code]`"), label_kind("Project Page")
    ('paper', 'code', 'code', 'page')
    >>> label_kind("Deep Residual Learning") is None, label_kind("Model compression") is None
    (True, True)
    """
    if len(label) > 60 or label.count(" ") > 6:
        return None  # generic labels are a word or three
    plain = re.sub(
        r"^(?:the|our|a|an|see)\s+", "", nz.clean_text(label).strip(" []()`'\"*_:"), flags=re.I
    )
    if not plain:
        return None
    if _CODE_LABEL_RE.match(plain) and len(plain.split()) <= 4:
        return "code"
    # A generic label is the keyword alone, or with a qualifier: "pdf", "Paper (v2)", "Video #1".
    for kind, pattern in (("paper", _PAPER_LABEL_RE), ("page", _PAGE_LABEL_RE)):
        match = pattern.match(plain)
        if match and re.match(r"^\s*(?:$|[(:#\d|/,]|v\d|and\b|&)", plain[match.end() :]):
            return kind
    return None


def is_code_host(url: str) -> bool:
    """Whether ``url`` is a repository on a code host (not a file in one named like a paper).

    >>> is_code_host("https://github.com/a/b"), is_code_host("https://arxiv.org/abs/1")
    (True, False)
    >>> is_code_host("https://github.com/a/b/blob/main/paper.pdf"), is_code_host("https://github.com/a")
    (False, False)
    """
    match = _CODE_HOST_RE.match(url)
    return match is not None and not match.group(1).lower().endswith((".pdf", ".md"))


_CODE_HOST_RE = re.compile(
    r"^https?://(?:www\.)?(?:"
    + "|".join(re.escape(h) for h in CODE_HOSTS)
    + r")/[^/\s?#]+/([^?#\s]+?)/?(?:[?#]\S*)?$",
    re.I,
)


def _classify(start: int, end: int, label: str, target: str, *, image: bool) -> Link:
    url = target.split()[0].strip("<>") if target.strip() else ""
    if image:
        return Link(start, end, label, url, "badge", badge_text(url, label))
    inner = label.strip()
    if inner.startswith("![") and inner.endswith(")"):
        # [![alt](badge)](url): a badge that links somewhere (stars -> the repository)
        return Link(start, end, label, url, "code" if is_code_host(url) else "page")
    if url.startswith("#"):
        return Link(start, end, label, url, "anchor")
    kind = label_kind(label)
    if kind is None and is_code_host(url) and _looks_like_code_label(label):
        return Link(start, end, label, url, "code")
    return Link(start, end, label, url, kind or "text")


def _looks_like_code_label(label: str) -> bool:
    """A label that names an implementation, not a title (``PyTorch Reimpl. #1``, ``Open-Sora``)."""
    plain = nz.clean_text(label).strip(" []")
    return len(plain.split()) <= 4 and ":" not in plain


# -- badges ------------------------------------------------------------------------------

_BADGE_RE = re.compile(r"img\.shields\.io/badge/([^?#]+)", re.I)
_NOT_VENUE_BADGE_RE = re.compile(
    r"\b(?:stars?|forks?|pages?|license|licence|downloads?|citations?|visitors?|views?|"
    r"python|pytorch|build|version|release|issues|contributors|awesome|PRs)\b",
    re.I,
)


def badge_text(url: str, alt: str = "") -> str:
    """The words a shields.io badge shows (label and message), or "" for other images.

    ``--`` is a literal dash and ``_`` a space in shields.io paths; stars, pages and
    licence badges say nothing about a venue and give "".

    >>> badge_text("https://img.shields.io/badge/ICML2023--Oral-blue"), badge_text("https://img.shields.io/badge/Conference-ICML'23-blue")
    ('ICML2023-Oral', "Conference ICML'23")
    >>> badge_text("https://img.shields.io/badge/NAACL'24%20Findings-green"), badge_text("https://img.shields.io/badge/ES--FOMO_at_ICML2023-b")
    ("NAACL'24 Findings", 'ES-FOMO at ICML2023')
    >>> badge_text("https://img.shields.io/github/stars/a/b"), badge_text("https://img.shields.io/badge/23-pages-green.svg")
    ('', '')
    """
    match = _BADGE_RE.search(url)
    if not match:
        return ""
    path = unquote(match.group(1)).removesuffix(".svg").removesuffix(".png")
    parts = [
        p.replace("\x00", "-").replace("__", "\x01").replace("_", " ").replace("\x01", "_")
        for p in path.replace("--", "\x00").split("-")
    ]
    if len(parts) >= 2:
        parts = parts[:-1]  # the colour
    text = " ".join(p.strip() for p in parts if p.strip())
    return "" if not text or _NOT_VENUE_BADGE_RE.search(text) else text
