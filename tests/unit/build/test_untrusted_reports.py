"""A shared reports/ is untrusted: build.json, the stat cache and the build's notes are read as hostile input.

A tampered record makes only its own report stale, saying why; no name it lists is ever opened
outside its report folder, and nothing that is not a regular file is read (a FIFO would hang).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from helpers.build.record import Record, stale_reasons
from helpers.build.statcache import CACHE, StatCache

DIGEST = "0" * 64


def report(folder: Path) -> tuple[Path, dict]:
    """A report folder with one file and the build.json the build would write for it."""
    out = folder / "reports" / "r"
    out.mkdir(parents=True)
    (out / "results.csv").write_text("a,b\n1,2\n")
    inputs = {"format": "2", "notebook": "n", "parameters": {}, "data": {}, "helpers": "h", "requirements": "q"}
    record = {
        "job": "r",
        "key": "k",
        "notebook": "n.ipynb",
        "commit": "c",
        "parameters": {},
        "data": {},
        "packages": {"python": "3"},
        "inputs": inputs,
        "needs": {},
        "files": {"results.csv": hashlib.sha256(b"a,b\n1,2\n").hexdigest()},
    }
    (out / "build.json").write_text(json.dumps(record))
    return out, record


def reasons(out: Path, record: dict) -> list[str]:
    return stale_reasons(out, "k", record["inputs"], {}, StatCache(out.parent))


def test_a_sound_record_is_up_to_date(tmp_path: Path) -> None:
    out, record = report(tmp_path)
    assert reasons(out, record) == []


@pytest.mark.parametrize(
    "field, value, said",
    [
        ("needs", [], "needs"),
        ("needs", {"a": 3}, "needs.a"),
        ("files", [], "files"),
        ("files", {}, "lists no files"),
        ("files", {"results.csv": 5}, "files.results.csv"),
        ("files", {"results.csv": "abc"}, "SHA-256"),
        ("inputs", "x", "inputs"),
        ("inputs", {"format": 2}, "inputs.format"),
        ("key", None, "key"),
        ("parameters", [1], "parameters"),
        ("packages", {"python": 3}, "packages.python"),
        ("data", "x", "data"),
    ],
)
def test_a_field_of_the_wrong_type_makes_the_report_stale_saying_which(tmp_path: Path, field, value, said) -> None:
    out, record = report(tmp_path)
    (out / "build.json").write_text(json.dumps({**record, field: value}))
    found = reasons(out, {**record})
    assert len(found) == 1 and "build.json is not one the build writes" in found[0] and said in found[0]


@pytest.mark.parametrize(
    "name",
    [
        "../outside.txt",
        "/etc/hostname",
        "a/../../outside.txt",
        "./results.csv",
        "a//b",
        "C:/x",
        "a\\..\\b",
        "build.json",
    ],
)
def test_a_name_outside_the_folder_is_refused_without_opening_it(tmp_path: Path, name: str) -> None:
    out, record = report(tmp_path)
    (tmp_path / "reports" / "outside.txt").write_text("secret")
    (out / "build.json").write_text(json.dumps({**record, "files": {name: DIGEST}}))
    found = reasons(out, record)
    assert len(found) == 1 and "not a plain name inside the report folder" in found[0]


def test_a_fifo_a_device_and_a_link_out_are_never_read(tmp_path: Path) -> None:
    out, record = report(tmp_path)
    os.mkfifo(out / "pipe")
    (out / "device").symlink_to("/dev/zero")
    (tmp_path / "secret.txt").write_text("secret")
    (out / "link").symlink_to(tmp_path / "secret.txt")
    (out / "sub").symlink_to(tmp_path)
    listed = {"pipe": DIGEST, "device": DIGEST, "link": DIGEST, "sub/secret.txt": DIGEST, "results.csv": DIGEST}
    (out / "build.json").write_text(json.dumps({**record, "files": listed}))
    started = time.perf_counter()
    found = reasons(out, record)
    assert time.perf_counter() - started < 5
    assert "file changed: results.csv" in found
    assert "not a regular file: device" in found and "not a regular file: link" in found
    assert "not a regular file: pipe" in found and "and 1 more" in found


def test_a_record_that_is_a_fifo_or_not_json_is_a_reason_not_an_error(tmp_path: Path) -> None:
    out, record = report(tmp_path)
    (out / "build.json").write_text("{not json")
    assert "is not JSON" in reasons(out, record)[0]
    (out / "build.json").unlink()
    os.mkfifo(out / "build.json")
    assert "cannot be read" in reasons(out, record)[0]
    (out / "build.json").unlink()
    (out / "build.json").write_text("[" * 100_000 + "]" * 100_000)
    assert "build.json is not one the build writes" in reasons(out, record)[0]


def test_record_parse_takes_only_what_the_writer_writes(tmp_path: Path) -> None:
    _, record = report(tmp_path)
    assert Record.parse(record).files == record["files"]


# ---- the stat cache -----------------------------------------------------------------------------


def test_the_stat_cache_reads_no_file_whose_stat_holds(tmp_path: Path, monkeypatch) -> None:
    out, record = report(tmp_path)
    past = time.time_ns() - 10**10
    os.utime(out / "results.csv", ns=(past, past))
    cache = StatCache(out.parent)
    assert reasons(out, record) == []
    digest = cache.digest(out, "results.csv")
    cache.save()
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
    again = StatCache(out.parent)
    assert again.digest(out, "results.csv") == digest
    assert not any(p.endswith("results.csv") for p in opened)


def test_a_changed_file_of_the_same_size_and_mtime_is_still_caught(tmp_path: Path) -> None:
    out, record = report(tmp_path)
    past = time.time_ns() - 10**10
    os.utime(out / "results.csv", ns=(past, past))
    cache = StatCache(out.parent)
    cache.digest(out, "results.csv")
    cache.save()
    (out / "results.csv").write_text("a,b\n1,3\n")  # same size; a new ctime, and the same mtime put back
    os.utime(out / "results.csv", ns=(past, past))
    assert "file changed: results.csv" in reasons(out, record)
    (out / "results.csv").unlink()
    assert "file missing: results.csv" in reasons(out, record)


def test_a_racily_clean_entry_is_hashed_again(tmp_path: Path) -> None:
    """An entry whose file changed in the tick the cache was written is not trusted (git's racy-clean rule)."""
    out, record = report(tmp_path)
    cache = StatCache(out.parent)
    cache.digest(out, "results.csv")
    cache.save()
    assert "r/results.csv" in StatCache(out.parent).entries
    written = (out.parent / CACHE).stat().st_mtime_ns
    os.utime(out / "results.csv", ns=(written, written))  # modified in the same tick as the cache was written
    cache = StatCache(out.parent)
    cache.digest(out, "results.csv")
    cache.save()
    os.utime(out.parent / CACHE, ns=(written, written))
    assert StatCache(out.parent).entries == {}


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        "{not json",
        '{"r/results.csv": 5}',
        '{"r/results.csv": [[1, 2], "x"]}',
        '{"r/results.csv": [[1,2,3,4,"5"], "x"]}',
    ],
)
def test_a_bad_cache_only_means_hashing_again(tmp_path: Path, content: str) -> None:
    out, record = report(tmp_path)
    (out.parent / CACHE).write_text(content)
    assert reasons(out, record) == []


def test_a_forged_cache_entry_with_another_stat_does_not_hide_a_change(tmp_path: Path) -> None:
    out, record = report(tmp_path)
    (out / "results.csv").write_text("a,b\n9,9\n")
    info = os.stat(out / "results.csv")
    forged = {"r/results.csv": [[info.st_size, info.st_mtime_ns, 0, 0, 0], record["files"]["results.csv"]]}
    (out.parent / CACHE).write_text(json.dumps(forged))
    assert "file changed: results.csv" in reasons(out, record)


def test_a_report_sent_to_a_dask_worker_holds_only_its_regular_files(tmp_path: Path) -> None:
    from helpers.build import worker

    out, _ = report(tmp_path)
    (tmp_path / "secret.txt").write_text("secret")
    (out / "link").symlink_to(tmp_path / "secret.txt")
    os.mkfifo(out / "pipe")
    assert set(worker.read_tree(out)) == {"results.csv", "build.json"}
