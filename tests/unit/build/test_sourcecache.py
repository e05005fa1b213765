"""The jobs of a config as last checked are reused only while nothing they were read from changed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from helpers.build import sourcecache
from helpers.build.sourcecache import SourceCache, cache_path
from helpers.core import filememo
from helpers.core.errors import DataError

SETTLED_NS = 2 * 10**8  # 0.2 s here: far above any file system's clock tick, and quick to wait for
CONFIG = "jobs:\n  - name: a\n    notebook: n.ipynb\n    inputs: [extra.txt]\n    parameters:\n      x: 2\n"


def notebook(path: Path, params: str = "x = 1\noutput_dir = 'out'") -> None:
    cell = {"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "source": params, "outputs": []}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def settle() -> None:
    time.sleep(SETTLED_NS / 1e9 + 0.05)


@pytest.fixture
def config(tmp_path: Path, monkeypatch) -> Path:
    """A config, its notebook and its input, settled, with the jobs read and remembered once."""
    monkeypatch.setattr(filememo, "SETTLED_NS", SETTLED_NS)
    notebook(tmp_path / "n.ipynb")
    (tmp_path / "extra.txt").write_text("e")
    (tmp_path / "reports.yaml").write_text(CONFIG)
    settle()
    cache = SourceCache(tmp_path / "reports.yaml")
    assert [j.parameters for j in cache.jobs()] == [{"x": 2}]
    cache.save()
    return tmp_path / "reports.yaml"


def reads(monkeypatch) -> list:
    """Record each time the config is read and checked again."""
    calls: list = []
    real = sourcecache.load_config
    monkeypatch.setattr(sourcecache, "load_config", lambda path: calls.append(path) or real(path))
    return calls


def test_unchanged_sources_give_the_jobs_without_reading_the_config(config: Path, monkeypatch) -> None:
    calls = reads(monkeypatch)
    jobs = SourceCache(config).jobs()
    assert calls == [] and [(j.name, j.notebook, j.parameters, j.inputs) for j in jobs] == [
        ("a", config.parent / "n.ipynb", {"x": 2}, ("extra.txt",))
    ]


def same_size_and_mtime(path: Path, text: str) -> None:
    """Rewrite a file keeping its size and mtime: only its ctime tells."""
    before = path.stat()
    assert len(text) == before.st_size
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_changed_config_is_read_again_however_sly_the_edit(config: Path, monkeypatch) -> None:
    calls = reads(monkeypatch)
    same_size_and_mtime(config, CONFIG.replace("x: 2", "x: 3"))
    assert [j.parameters for j in SourceCache(config).jobs()] == [{"x": 3}] and len(calls) == 1


def test_a_changed_notebook_is_checked_again(config: Path, monkeypatch) -> None:
    calls = reads(monkeypatch)
    notebook(config.parent / "n.ipynb", "y = 1\noutput_dir = 'out'")  # x is no longer declared
    with pytest.raises(DataError, match="parameters.x"):
        SourceCache(config).jobs()
    assert len(calls) == 1


def test_a_missing_input_is_refused_again(config: Path) -> None:
    (config.parent / "extra.txt").unlink()
    with pytest.raises(DataError, match="existing files or folders"):
        SourceCache(config).jobs()


def test_changed_helpers_or_pins_read_the_config_again(config: Path, monkeypatch) -> None:
    calls = reads(monkeypatch)
    monkeypatch.setattr(sourcecache, "helpers_hash", lambda: "other helpers")
    SourceCache(config).jobs()
    monkeypatch.setattr(sourcecache, "requirements_hash", lambda: "other pins")
    SourceCache(config).jobs()
    assert len(calls) == 2


def test_a_config_changed_in_the_last_two_seconds_is_not_remembered(config: Path, monkeypatch) -> None:
    config.write_text(CONFIG.replace("x: 2", "x: 4"))
    cache = SourceCache(config)
    assert [j.parameters for j in cache.jobs()] == [{"x": 4}]
    cache.save()
    calls = reads(monkeypatch)
    SourceCache(config).jobs()  # an edit in the same clock tick as that read could not have been seen
    assert len(calls) == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_text("{not json"),
        lambda p: p.write_text('{"format": 1, "config": {"jobs": [{"name": 5}]}, "files": [[1, 2, 3, 4]]}'),
        lambda p: p.chmod(0o666),  # others could have written it
        lambda p: (p.rename(p.with_name("elsewhere")), p.symlink_to(p.with_name("elsewhere"))),
    ],
    ids=["not-json", "wrong-types", "writable-by-others", "a-link"],
)
def test_a_cache_that_is_not_the_builds_own_is_ignored(config: Path, monkeypatch, damage) -> None:
    damage(cache_path(config))
    calls = reads(monkeypatch)
    assert [j.parameters for j in SourceCache(config).jobs()] == [{"x": 2}] and len(calls) == 1


def test_the_index_is_trusted_only_byte_for_byte(tmp_path: Path) -> None:
    cache = SourceCache(tmp_path / "reports.yaml")
    index = tmp_path / "index.html"
    index.write_text("<p>page</p>")
    cache.index_written(index, "a" * 64, "<p>page</p>")
    cache.save()
    again = SourceCache(tmp_path / "reports.yaml")
    assert again.index_holds(index, "a" * 64)
    assert not again.index_holds(index, "b" * 64)  # other entries
    index.write_text("<p>Page</p>")
    assert not again.index_holds(index, "a" * 64)
    index.unlink()
    assert not again.index_holds(index, "a" * 64)


def test_jobs_whose_values_json_cannot_carry_exactly_are_not_remembered(config: Path, monkeypatch) -> None:
    notebook(config.parent / "n.ipynb", "x = 1\nwhen = None\noutput_dir = 'out'")
    config.write_text(CONFIG + "      when: 2011-02-03\n")  # a date: JSON would bring it back as text
    settle()
    first = SourceCache(config)
    assert first.jobs()[0].parameters["when"].isoformat() == "2011-02-03"
    first.save()
    calls = reads(monkeypatch)
    assert SourceCache(config).jobs()[0].parameters["when"].isoformat() == "2011-02-03" and len(calls) == 1
