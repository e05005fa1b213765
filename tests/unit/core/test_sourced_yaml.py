"""The one YAML reader: untrusted files cannot expand without bound or crash it; every refusal names its line."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.core.sourced_yaml import MAX_BYTES, MAX_DEPTH, load_yaml


def bomb(levels: int = 8, width: int = 9) -> str:
    """Nested aliases: a few kilobytes that expand to width**levels items."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def refused(path: Path) -> DataError:
    started = time.perf_counter()
    with pytest.raises(DataError) as info:
        load_yaml(path)
    assert time.perf_counter() - started < 3.0  # seconds: the bomb would take minutes
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "found"),
    [
        (bomb(), 1, "&a0"),
        ("id: x\nvalue: &first 1\nother: 2\n", 2, "&first"),
        ("id: x\nlist:\n  - a\n  - *missing\n", 4, "*missing"),
        ("id: x\nbase: {a: 1}\nmerged:\n  <<: *base\n", 4, "*base"),
    ],
)
def test_anchors_and_aliases_are_refused_at_their_line(tmp_path: Path, text: str, line: int, found: str) -> None:
    path = tmp_path / "any.yaml"
    path.write_text(text)
    error = refused(path)
    assert len(error.problems) == 1
    problem = error.first
    assert problem.line == line and "any.yaml" in problem.path
    assert "aliases" in problem.expected and found in str(problem.found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: " + "[" * 3000 + "]" * 3000 + "\n", f"at most {MAX_DEPTH} levels"),
        ("a: " + "{b: " * 500 + "1" + "}" * 500 + "\n", f"at most {MAX_DEPTH} levels"),
        ("a: " + "7" * 5000 + "\n", "whole number"),
        ("a: b\x00c\n", "printable text"),
        ("a: \x1b[31m\n", "printable text"),
        ("? [a, b]\n: 1\n", "plain key"),
        ("{[1]: 2}\n", "plain key"),
    ],
)
def test_deep_nesting_huge_numbers_control_characters_and_list_keys_are_one_error(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(text)
    error = refused(path)
    assert len(error.problems) == 1
    assert error.first.line == 1 and expected in error.first.expected


def test_a_merge_key_written_out_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_text("a:\n  <<: {b: 1}\n  c: 2\n")
    assert load_yaml(path) == {"a": {"b": 1, "c": 2}}


def test_the_real_files_need_no_alias() -> None:
    """Refusing aliases costs nothing: none of the project's own YAML files uses one."""
    files = list(paths.ROOT.glob("*.yaml")) + list(paths.RAW.rglob("*.yaml"))
    assert files
    for path in files:
        load_yaml(path)


def alias_bomb_in(path: Path) -> None:
    """Rewrite a real YAML file with an alias bomb appended under a new top-level key."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + bomb().replace("a0:", "x_bomb0:", 1), encoding="utf-8")


def _load_survey(folder: Path) -> None:
    from helpers.survey.schema import load_spec

    load_spec(folder)


def _load_codebook(folder: Path) -> None:
    from helpers.interviews.codebook import load_codebook

    load_codebook(folder / "codebook.yaml")


def _load_reports(folder: Path) -> None:
    from helpers.build.config import load_config

    load_config(folder / "reports.yaml")


@pytest.mark.parametrize(
    ("source", "name", "load"),
    [
        (paths.LOCALIS_2011 / "survey.yaml", "survey.yaml", _load_survey),
        (paths.LOCAL_PARTNERSHIPS_2015 / "codebook.yaml", "codebook.yaml", _load_codebook),
        (paths.ROOT / "reports.yaml", "reports.yaml", _load_reports),
    ],
)
def test_every_workbench_yaml_file_refuses_an_alias_bomb(tmp_path: Path, source: Path, name: str, load) -> None:
    shutil.copy(source, tmp_path / name)
    alias_bomb_in(tmp_path / name)
    started = time.perf_counter()
    with pytest.raises(DataError) as info:
        load(tmp_path)
    assert time.perf_counter() - started < 2.0
    assert name in info.value.first.path and "aliases" in info.value.first.expected
    assert info.value.first.line == source.read_text(encoding="utf-8").count("\n") + 2


def test_a_file_too_big_for_a_workbench_yaml_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("items:\n" + "  - x\n" * (MAX_BYTES // 6 + 1))
    error = refused(path)
    assert "at most" in error.first.expected and "huge.yaml" in error.first.path
