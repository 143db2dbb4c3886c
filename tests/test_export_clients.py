"""Exports read by the real tools people feed them to (issue 13).

pybtex, bibtexparser, citeproc-py and pandoc (the pypandoc_binary wheel) come with the
test extras; biber, pdflatex and bibtex are Debian packages that ``.ci/run`` installs
when it can. A test whose tool is missing skips and says which package brings it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from paperdb.export import export
from paperdb.export.keys import cite_keys
from paperdb.filters import Filters, parse_year
from paperdb.rows import full_papers


@pytest.fixture(scope="module")
def papers(seed_conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return full_papers(seed_conn)


@pytest.fixture(scope="module")
def by_key(seed_conn: sqlite3.Connection, papers: list[dict[str, Any]]) -> dict[str, Any]:
    keys = cite_keys(seed_conn, papers)
    return {keys[p["id"]]: p for p in papers}


@pytest.fixture(scope="module")
def bib(seed_conn: sqlite3.Connection, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bib") / "refs.bib"
    path.write_text(export(seed_conn, "bibtex"), encoding="utf-8")
    return path


def _stored_urls(papers: list[dict[str, Any]]) -> set[str]:
    return {p["paper_url"] for p in papers if p["paper_url"]}


def _need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (Debian package {package}; .ci/run installs it)")
    return path


def _pandoc() -> str:
    pypandoc = pytest.importorskip("pypandoc", reason="pandoc comes with pypandoc_binary")
    return str(pypandoc.get_pandoc_path())


def _pdf_uris(pdf: Path) -> set[str]:
    """Link targets of an uncompressed PDF (``\\pdfobjcompresslevel=0``)."""
    data = pdf.read_bytes()
    found = re.findall(rb"/URI\s*\(((?:\\.|[^\\)])*)\)", data)
    return {re.sub(rb"\\([()\\])", rb"\1", uri).decode("latin-1") for uri in found}


# -- BibTeX -------------------------------------------------------------------------------


def test_pybtex_reads_every_entry_with_verbatim_urls(bib: Path, by_key: dict[str, Any]) -> None:
    from pybtex.database import parse_file

    data = parse_file(str(bib), "bibtex")  # raises on any error, duplicate keys included
    assert set(data.entries) == set(by_key)
    for key, entry in data.entries.items():
        paper = by_key[key]
        assert entry.fields.get("url") == paper["paper_url"], key
        assert entry.fields.get("eprint") == paper["arxiv_id"], key
        assert ("author" in entry.persons) == bool(paper["authors"])
        assert "key" in entry.fields or paper["authors"], key  # BibTeX sorts by it


def test_bibtexparser_reads_every_entry_with_verbatim_urls(
    bib: Path, by_key: dict[str, Any]
) -> None:
    import bibtexparser

    library = bibtexparser.parse_file(str(bib))
    assert not library.failed_blocks  # parse errors and duplicate keys both land here
    urls = {e.key: e.fields_dict["url"].value for e in library.entries if "url" in e.fields_dict}
    assert urls == {k: p["paper_url"] for k, p in by_key.items() if p["paper_url"]}


def test_unicode_becomes_latex_and_keys_are_ascii(by_key: dict[str, Any], bib: Path) -> None:
    text = bib.read_text(encoding="utf-8")
    assert text.isascii()  # β, ×, curly quotes: LaTeX commands, so pdflatex reads them
    assert all(re.fullmatch(r"[a-z0-9]+(-[0-9]+)?", key) for key in by_key)
    beta = next(k for k, p in by_key.items() if p["title"].startswith("β-DARTS"))
    assert "darts" in beta and not beta.startswith("paper")


@pytest.mark.parametrize(
    "filters",
    [
        Filters(venues=("ICLR",), year=parse_year("2022")),
        Filters(topics=("pruning",)),
        Filters(has_code=True),
        Filters(year=parse_year("..2016")),
    ],
    ids=["iclr-2022", "pruning", "has-code", "old"],
)
def test_keys_are_the_same_in_every_filtered_export(
    seed_conn: sqlite3.Connection, by_key: dict[str, Any], filters: Filters
) -> None:
    from pybtex.database import parse_string

    for fmt in ("bibtex", "csl-json"):
        text = export(seed_conn, fmt, filters)
        if fmt == "bibtex":
            titles = {k: e.fields["title"] for k, e in parse_string(text, "bibtex").entries.items()}
            keys = set(titles)
        else:
            keys = {item["id"] for item in json.loads(text)}
        assert keys and keys < set(by_key)
        if fmt == "csl-json":
            assert all(item["title"] == by_key[item["id"]]["title"] for item in json.loads(text))


def test_biber_validates_the_datamodel(bib: Path, tmp_path: Path) -> None:
    biber = _need("biber", "biber")
    shutil.copy(bib, tmp_path / "refs.bib")
    result = subprocess.run(
        [biber, "--tool", "--validate-datamodel", "refs.bib"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    errors = [line for line in result.stdout.splitlines() if "ERROR" in line]
    assert errors == []
    # What remains are facts of the data (no author or year in any list), never a bad field.
    warnings = {re.sub(r"Entry '[^']*'", "Entry", line) for line in result.stdout.splitlines()
                if " WARN " in line}  # fmt: skip
    assert all("Missing mandatory field" in w for w in warnings), warnings


_LATEX_BIBLATEX = r"""\pdfobjcompresslevel=0 \pdfcompresslevel=0
\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[backend=biber]{biblatex}
\usepackage{hyperref}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""
_LATEX_BIBTEX = r"""\pdfobjcompresslevel=0 \pdfcompresslevel=0
\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{hyperref}
\begin{document}
\nocite{*}
\bibliographystyle{plainurl}
\bibliography{refs}
\end{document}
"""


def _latex(
    tmp_path: Path, bib: Path, source: str, bibliography: list[str]
) -> subprocess.CompletedProcess[str]:
    pdflatex = _need("pdflatex", "texlive-latex-base")
    shutil.copy(bib, tmp_path / "refs.bib")
    (tmp_path / "doc.tex").write_text(source, encoding="utf-8")
    run = ["-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    for command in ([pdflatex, *run], bibliography, [pdflatex, *run]):
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return result


@pytest.mark.slow
def test_biblatex_pdf_keeps_every_url(
    bib: Path, tmp_path: Path, papers: list[dict[str, Any]]
) -> None:
    biber = _need("biber", "biber")
    if subprocess.run(["kpsewhich", "biblatex.sty"], capture_output=True, check=False).returncode:
        pytest.skip("biblatex is not installed (Debian package texlive-bibtex-extra)")
    _latex(tmp_path, bib, _LATEX_BIBLATEX, [biber, "doc"])
    log = (tmp_path / "doc.log").read_text(encoding="latin-1")
    assert "Unicode" not in log.replace("Unicode definition", "")
    assert _stored_urls(papers) <= _pdf_uris(tmp_path / "doc.pdf")


@pytest.mark.slow
def test_bibtex_pdf_keeps_every_url_and_sorts(
    bib: Path, tmp_path: Path, papers: list[dict[str, Any]]
) -> None:
    bibtex = _need("bibtex", "texlive-binaries")
    _latex(tmp_path, bib, _LATEX_BIBTEX, [bibtex, "doc"])
    blg = (tmp_path / "doc.blg").read_text(encoding="latin-1")
    assert "need author or key" not in blg
    assert "error message" not in blg
    assert _stored_urls(papers) <= _pdf_uris(tmp_path / "doc.pdf")


# -- CSL-JSON and pandoc ------------------------------------------------------------------


def _pandoc_hrefs(html_text: str) -> set[str]:
    return {html.unescape(h) for h in re.findall(r'href="([^"]*)"', html_text)}


@pytest.mark.parametrize("fmt", ["csl-json", "bibtex"])
def test_pandoc_citeproc_renders_every_entry_and_url(
    seed_conn: sqlite3.Connection, tmp_path: Path, papers: list[dict[str, Any]], fmt: str
) -> None:
    pandoc = _pandoc()
    refs = tmp_path / ("refs.json" if fmt == "csl-json" else "refs.bib")
    refs.write_text(export(seed_conn, fmt), encoding="utf-8")
    (tmp_path / "doc.md").write_text('---\nnocite: "[@*]"\n---\n\n# References\n', "utf-8")
    result = subprocess.run(
        [pandoc, "doc.md", "--citeproc", "--bibliography", refs.name, "-t", "html"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.count('class="csl-entry"') == len(papers)
    assert _stored_urls(papers) <= _pandoc_hrefs(result.stdout)


# citeproc-py predates CSL 1.0.2's citation-key variable and warns that it ignores it
@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported")
def test_citeproc_py_formats_every_item(seed_conn: sqlite3.Connection, papers: list[Any]) -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    items = json.loads(export(seed_conn, "csl-json"))
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(papers)
    titles = {p["title"] for p in papers}
    assert sum(any(t in r for t in titles) for r in rendered) == len(papers)


# -- markdown -----------------------------------------------------------------------------


def test_pandoc_renders_the_markdown_with_every_link(
    seed_conn: sqlite3.Connection, tmp_path: Path, papers: list[dict[str, Any]]
) -> None:
    pandoc = _pandoc()
    (tmp_path / "list.md").write_text(export(seed_conn, "markdown"), encoding="utf-8")
    result = subprocess.run(
        [pandoc, "list.md", "-f", "gfm", "-t", "html"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    hrefs = _pandoc_hrefs(result.stdout)
    code = {repo["url"] for p in papers for repo in p["code"]}
    assert _stored_urls(papers) | code <= hrefs
    assert "" not in hrefs
    anchors = {h[1:] for h in hrefs if h.startswith("#")}
    assert anchors and anchors <= set(re.findall(r'id="([^"]*)"', result.stdout))


def test_export_import_check_strict_passes(seed_conn: sqlite3.Connection, tmp_path: Path) -> None:
    """The README's list-CI recipe on paperdb's own markdown export exits 0."""
    from typer.testing import CliRunner

    from paperdb.cli import app

    runner = CliRunner()
    seed_db = seed_conn.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "list.md"
    result = runner.invoke(app, ["--db", str(seed_db), "export", "-f", "markdown", "-o", str(out)])
    assert result.exit_code == 0, result.output
    again = str(tmp_path / "ci.db")
    result = runner.invoke(app, ["--db", again, "import", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["--db", again, "check", "--strict", "--kind", "duplicate", "--kind", "broken-link"],
    )
    assert result.exit_code == 0, result.output
