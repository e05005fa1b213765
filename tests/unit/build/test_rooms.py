"""The build stays in rooms a newcomer can hold: no module over 400 lines, no function over 80."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers.core import paths

BUILD = paths.ROOT / "src" / "helpers" / "build"


@pytest.mark.parametrize("module", sorted(BUILD.glob("*.py")), ids=lambda p: p.name)
def test_modules_and_functions_fit(module: Path) -> None:
    text = module.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400
    long = [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > 80
    ]
    assert long == []
