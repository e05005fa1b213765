"""Rooms that fit: no module of `helpers` over 400 lines, no function over 80 (import cycles: pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers.core import paths

MAX_MODULE, MAX_FUNCTION = 400, 80
PACKAGE = paths.ROOT / "src" / "helpers"


def modules():
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
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
