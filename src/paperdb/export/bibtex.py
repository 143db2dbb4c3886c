"""BibTeX export, written by pybtex: one entry per paper, keyed by :mod:`paperdb.export.keys`.

Entry type by venue kind: ``@inproceedings`` for conferences and workshops,
``@article`` for journals, ``@misc`` for preprints and unknown venues. Text fields are
plain text turned into LaTeX by pylatexenc (``β`` -> ``\\ensuremath{\\beta}``, ``%`` ->
``\\%``), so pdflatex reads them without a Unicode error; the title is braced once more
to keep its capitalisation. ``url``, ``doi`` and ``eprint`` are verbatim fields in
BibTeX, biblatex and pandoc, so they are written exactly as stored. An entry without
authors gets a ``key`` field (BibTeX sorts by it).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pybtex.database import Entry
    from pylatexenc.latexencode import UnicodeToLatexEncoder

VERBATIM = frozenset({"url", "doi", "eprint"})


@cache
def _encoder() -> UnicodeToLatexEncoder:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    # Characters with no LaTeX name (CJK) are kept: lossless, and xelatex/lualatex or a
    # CJK package read them.
    return UnicodeToLatexEncoder(
        non_ascii_only=False,
        unknown_char_policy="keep",
        unknown_char_warning=False,
        replacement_latex_protection="braces-all",  # {\"U}nal: one character to BibTeX
    )


_SPECIAL_RE = re.compile(r'[^ -~]|["#$%&<>\\^_{}~]')  # what pylatexenc would change


def latex(text: str) -> str:
    r"""Plain text as LaTeX. Braces that are not in pairs become commands, so every brace
    in the result is one of a pair (BibTeX counts braces without looking at backslashes).

    >>> print(latex("β-VAE: 50% of {R&D} costs $5 #1 a_b ~x^2 \\o/"))
    {\ensuremath{\beta}}-VAE: 50{\%} of {\{}R{\&}D{\}} costs {\$}5 {\#}1 a{\_}b {\textasciitilde}x{\textasciicircum}2 {\textbackslash}o/
    >>> print(latex("a { b"), latex("Zoë"))
    a {\textbraceleft{}} b Zo{\"e}
    >>> latex("Plain ASCII: fast path")
    'Plain ASCII: fast path'
    """
    if not _SPECIAL_RE.search(text):
        return text
    encoded = str(_encoder().unicode_to_latex(text))
    if balanced(encoded):  # \{ ... \} in pairs: what every reader knows
        return encoded
    return encoded.replace("\\{", "\\textbraceleft{}").replace("\\}", "\\textbraceright{}")


def balanced(value: str) -> bool:
    """Whether every ``{`` has its ``}`` (as BibTeX counts them).

    >>> balanced("{a}{b}"), balanced("}{"), balanced("{")
    (True, False, False)
    """
    depth = 0
    for ch in value:
        if ch in "{}":
            depth += 1 if ch == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def verbatim(value: str) -> str:
    """A verbatim field's value: as stored, unbalanced braces percent-encoded.

    >>> verbatim("https://x.org/a_b%20c#d"), verbatim("https://x.org/{a")
    ('https://x.org/a_b%20c#d', 'https://x.org/%7Ba')
    """
    return value if balanced(value) else value.replace("{", "%7B").replace("}", "%7D")


def entry_type(kind: str | None) -> str:
    return {"conference": "inproceedings", "workshop": "inproceedings", "journal": "article"}.get(
        kind or "", "misc"
    )


def _entry(paper: dict[str, Any]) -> Entry:
    from pybtex.database import Entry, Person

    kind = entry_type(paper.get("venue_kind"))
    fields: dict[str, str] = {"title": "{" + latex(paper["title"]) + "}"}
    if paper.get("venue"):
        place = {"inproceedings": "booktitle", "article": "journal"}.get(kind, "howpublished")
        fields[place] = latex(paper["venue"])
    if paper.get("year"):
        fields["year"] = str(paper["year"])
    if paper.get("arxiv_id"):
        fields["eprint"] = verbatim(paper["arxiv_id"])
        fields["archiveprefix"] = "arXiv"
    if paper.get("paper_url"):
        fields["url"] = verbatim(paper["paper_url"])
    notes = [paper["presentation"]] if paper.get("presentation") else []
    notes += [f"code: {repo['url']}" for repo in paper.get("code", [])]
    if notes:
        fields["note"] = latex("; ".join(notes))
    authors = paper.get("authors") or []
    if not authors:
        fields["key"] = latex(paper["title"])
    persons = {"author": [Person(latex(name)) for name in authors]} if authors else {}
    return Entry(kind, fields=fields, persons=persons)


def _writer() -> Any:
    from pybtex.database.output.bibtex import Writer

    class _Writer(Writer):  # pybtex is untyped: see the mypy override in pyproject.toml
        """pybtex's writer for values that are already LaTeX (or verbatim)."""

        def _encode(self, text: str) -> str:
            return text

        def quote(self, s: str) -> str:
            # Balanced by construction (latex(), verbatim()); pybtex's own check is a
            # full BibTeX scan that took half the export's time.
            if not balanced(s):
                raise ValueError(f"unbalanced braces in a BibTeX value: {s!r}")
            return "{" + s + "}"

    return _Writer()


def render(papers: Iterable[dict[str, Any]], keys: Mapping[int, str]) -> str:
    """The .bib text, entries in the order given; empty when there are no papers."""
    from pybtex.database import BibliographyData

    data = BibliographyData({keys[p["id"]]: _entry(p) for p in papers})
    if not data.entries:
        return ""
    stream = io.StringIO()
    _writer().write_stream(data, stream)
    return stream.getvalue()
