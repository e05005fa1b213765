"""What a notebook's cell tagged `parameters` declares: each name, its default and the types it accepts.

The build checks every parameter in reports.yaml against this before any kernel starts. A notebook
that is not JSON, or a parameters cell that is not Python, is one DataError naming the notebook.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import DataError, Problem
from ..core.paths import shown


@dataclass(frozen=True)
class Declared:
    """A parameter as a notebook declares it: name, default and the types it accepts."""

    name: str
    default: object
    types: tuple[str, ...]

    def accepts(self, value) -> bool:
        kind = _type_name(value)
        if kind in self.types or "any" in self.types:
            return True
        return kind == "int" and "float" in self.types


def _type_name(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "bool"
    for kind, name in ((int, "int"), (float, "float"), (str, "str"), (list, "list"), (dict, "dict")):
        if isinstance(value, kind):
            return name
    return "any"


def _annotation_types(node: ast.expr | None) -> tuple[str, ...] | None:
    """Types named by an annotation such as `int | None`, `Optional[float]` or `Union[int, str, None]`."""
    if node is None:
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return (_annotation_types(node.left) or ()) + (_annotation_types(node.right) or ())
    if isinstance(node, ast.Constant) and node.value is None:
        return ("None",)
    if isinstance(node, ast.Name):
        name = {"Path": "str", "object": "any", "Any": "any"}.get(node.id, node.id)
        return (name,)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        if node.value.id == "Optional":
            return (_annotation_types(node.slice) or ()) + ("None",)
        if node.value.id == "Union":  # the form papermill can read
            members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return tuple(t for member in members for t in (_annotation_types(member) or ()))
        return (node.value.id.lower(),)
    return ("any",)


def _notebook_problem(notebook: Path, column: str | None, expected: str, line: int | None = None) -> DataError:
    return DataError([Problem(shown(notebook), line, column, expected)])


def _parameters_source(notebook: Path) -> str | None:
    """The source of a notebook's cell tagged `parameters` (None when it has none); DataError when unreadable."""
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except OSError as exc:
        raise _notebook_problem(notebook, None, f"a readable notebook ({exc.strerror or exc})") from None
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError too: a notebook is UTF-8 JSON
        raise _notebook_problem(notebook, None, f"a notebook in JSON (UTF-8, nbformat 4): {exc}") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise _notebook_problem(notebook, "cells", "a notebook whose cells are a list of cells")
    tagged = [c for c in cells if "parameters" in ((c.get("metadata") or {}).get("tags") or [])]
    if not tagged:
        return None
    source = tagged[0].get("source", "")
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    if isinstance(source, str):
        return source
    raise _notebook_problem(notebook, "parameters", "a parameters cell whose source is text")


def declared_parameters(notebook: Path) -> dict[str, Declared]:
    """Read the cell tagged `parameters` of a notebook: each assignment's name, default and type.

    A notebook that is not JSON, or a parameters cell that is not Python, is a DataError naming it.
    Read once per build while the file is unchanged (several jobs and checks share a notebook).
    """
    from ..core.filememo import memoised

    return dict(memoised("parameters", Path(notebook), _read_declared))


def _read_declared(notebook: Path) -> dict[str, Declared]:
    source = _parameters_source(notebook)
    if source is None:
        return {}
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
        raise DataError(
            [Problem(str(notebook), line, "parameters", f"a parameters cell in Python ({message}, in that cell)")]
        ) from None
    out: dict[str, Declared] = {}
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, annotation = node.targets[0].id, node.value, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, value, annotation = node.target.id, node.value, node.annotation
        else:
            continue
        try:
            default = ast.literal_eval(value) if value is not None else None
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            default = None
        types = _annotation_types(annotation) or ((_type_name(default),) if default is not None else ("any",))
        out[name] = Declared(name, default, types)
    return out
