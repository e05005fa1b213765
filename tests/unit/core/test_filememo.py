"""A value computed from a file is reused only while the file's stat holds, and only once the file has settled."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from helpers.core import filememo, paths
from helpers.core.hashing import file_hash, files_below

SETTLED_NS = 2 * 10**8  # 0.2 s here: far above any file system's clock tick, and quick to wait for


@pytest.fixture(autouse=True)
def fresh_memo(monkeypatch):
    """An empty memo for each test, and a short settling time."""
    monkeypatch.setattr(filememo, "_MEMO", {})
    monkeypatch.setattr(filememo, "_USED", set())
    monkeypatch.setattr(filememo, "_NEW", [False])
    monkeypatch.setattr(filememo, "SETTLED_NS", SETTLED_NS)


def settle() -> None:
    time.sleep(SETTLED_NS / 1e9 + 0.05)


def reader(calls: list):
    def read(path):
        calls.append(path)
        return Path(path).read_text()

    return read


def test_a_file_just_written_is_read_every_time(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("one")
    calls: list = []
    assert filememo.memoised("text", path, reader(calls)) == "one"
    path.write_text("two")  # same size, likely the same clock tick: only a new read can tell
    assert filememo.memoised("text", path, reader(calls)) == "two"
    assert len(calls) == 2


def test_a_settled_file_is_read_once_until_its_stat_changes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("one")
    settle()
    calls: list = []
    assert [filememo.memoised("text", path, reader(calls)) for _ in range(3)] == ["one"] * 3
    assert len(calls) == 1
    before = path.stat()
    path.write_text("two")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size and mtime: only the ctime moved
    assert filememo.memoised("text", path, reader(calls)) == "two"
    assert len(calls) == 2


def test_values_carried_to_another_process_spare_the_read(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n")
    settle()
    digest = file_hash(path)
    entries, new = filememo.export(("sha256",))
    assert new and entries == [["sha256", str(path), list(filememo.signature(path.stat())), digest]]
    monkeypatch.setattr(filememo, "_MEMO", {})  # as a new process finds it
    filememo.absorb([(k, p, tuple(s), v) for k, p, s, v in entries])
    monkeypatch.setattr("helpers.core.hashing._read_hash", lambda p: pytest.fail(f"{p} was read again"))
    assert file_hash(path) == digest
    assert filememo.export(("sha256",))[1] is False  # nothing new to keep


def test_a_remembered_value_of_a_file_since_changed_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n")
    settle()
    old = file_hash(path)
    path.write_text("a,b\n1,3\n")
    assert file_hash(path) != old


def rglob_names(folder: Path) -> list[str]:
    """How tree_hashes named a folder's files before it walked them itself."""
    return sorted(paths.shown(p) for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts)


def test_the_files_of_a_folder_are_found_and_named_as_rglob_did(tmp_path: Path) -> None:
    (tmp_path / "sub" / "__pycache__").mkdir(parents=True)
    (tmp_path / "sub" / "__pycache__" / "m.pyc").write_bytes(b"x")
    (tmp_path / "sub" / "b.txt").write_text("b")
    (tmp_path / ".hidden").write_text("h")
    (tmp_path / "link").symlink_to(tmp_path / "sub" / "b.txt")
    (tmp_path / "dirlink").symlink_to(tmp_path / "sub")  # not entered
    (tmp_path / "broken").symlink_to(tmp_path / "nowhere")
    (tmp_path / "inside").symlink_to(paths.ROOT / "README.md")  # named by what it points to
    for folder in (tmp_path, tmp_path / "sub", paths.ROOT / "src" / "helpers", paths.RAW):
        assert sorted(name for name, _ in files_below(folder)) == rglob_names(folder)
