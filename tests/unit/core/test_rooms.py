"""Rooms that fit: no module of the survey and core packages over 400 lines, no function over 80."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers.core import paths

PACKAGES = ["survey", "core"]
MAX_MODULE, MAX_FUNCTION = 400, 80


def modules():
    return sorted(p for name in PACKAGES for p in (paths.ROOT / "src" / "helpers" / name).glob("*.py"))


@pytest.mark.parametrize("module", modules(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_module_and_functions_fit(module: Path) -> None:
    source = module.read_text(encoding="utf-8")
    assert source.count("\n") <= MAX_MODULE, f"{module.name} has {source.count(chr(10))} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION
    ]
    assert not long, f"{module.name}: {', '.join(long)}"
