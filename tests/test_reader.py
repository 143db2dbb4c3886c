"""Reading list files: encodings, newlines, refusals, folder expansion."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperdb import reader
from paperdb.errors import InputError
from paperdb.reader import collect_paths, read_list


def test_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "list.md"
    path.write_bytes("\ufeff# 剪枝\r\n- Paper A\r\n- Paper B\rend".encode())
    text, notes = read_list(path)
    assert text == "# 剪枝\n- Paper A\n- Paper B\nend"
    assert notes == []


def test_gb18030_fallback_with_note(tmp_path: Path) -> None:
    path = tmp_path / "list.md"
    path.write_bytes("## 量化 2018\n- 论文\n".encode("gb18030"))
    text, notes = read_list(path)
    assert text == "## 量化 2018\n- 论文\n"
    assert len(notes) == 1 and "decoded as GB18030" in notes[0]


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match=r"image\.md.*binary"):
        read_list(path)


def test_undecodable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(b"# title\n\xff\xff\xff\n")
    with pytest.raises(InputError, match=r"bad\.md.*UTF-8 or GB18030"):
        read_list(path)


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_BYTES", 10)
    path = tmp_path / "big.md"
    path.write_text("x" * 11)
    with pytest.raises(InputError, match=r"big\.md.*too large"):
        read_list(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_list(tmp_path / "nope.md")


def test_collect_paths_expands_folders_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("b/z.md", "a.markdown", "c.txt", "notes.pdf", ".git/x.md", "b/y.MD"):
        (tmp_path / name).write_text("x")
    explicit = tmp_path / "notes.pdf"
    got = collect_paths([tmp_path, explicit, tmp_path / "c.txt"])
    rel = [p.relative_to(tmp_path).as_posix() for p in got]
    assert rel == ["a.markdown", "b/y.MD", "b/z.md", "c.txt", "notes.pdf"]


def test_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nothere\.md: no such file or folder"):
        collect_paths([tmp_path / "nothere.md"])


def test_folder_without_lists_is_refused(tmp_path: Path) -> None:
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    with pytest.raises(InputError, match=r"no .*md.* files in this folder"):
        collect_paths([tmp_path])
