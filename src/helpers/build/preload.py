"""What the fork server imports before forking kernels: the notebooks' third-party imports.

Found by reading the notebooks' code cells and, through the project's modules they import, every
import statement those modules hold (lazy ones inside functions too), without importing anything.
The project's own modules are never preloaded: each kernel imports them itself (see kernels.py).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path


def notebook_imports(notebook: Path) -> list[str]:
    """The top-level import statements of a notebook's code cells (parsed: multi-line ones count)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    statements = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics: the kernel reports those itself
            continue
        statements += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return statements


PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/helpers
PROJECT = PACKAGE_DIR.name  # this package ("helpers"): its modules are left for each kernel to import


def _project_modules(node: ast.Import | ast.ImportFrom, package: str) -> list[str] | None:
    """The project modules an import statement in `package` may load, or None if it is not the project's."""
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: `from . import x`, `from .x import y`
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = f"{base}.{node.module}" if node.module else base
        elif node.module.split(".")[0] == PROJECT:
            module = node.module
        else:
            return None
        return [module, *(f"{module}.{alias.name}" for alias in node.names)]  # `from pkg import module` too
    names = [alias.name for alias in node.names if alias.name.split(".")[0] == PROJECT]
    return names or None


def _module_file(name: str) -> Path | None:
    parts = name.split(".")[1:]
    candidates = [PACKAGE_DIR.joinpath(*parts, "__init__.py")]
    if parts:
        candidates.insert(0, PACKAGE_DIR.joinpath(*parts).with_suffix(".py"))
    return next((c for c in candidates if c.is_file()), None)


def preload_statements(notebooks: list[Path]) -> list[str]:
    """What the fork server imports: the third-party imports of the notebooks and of the project
    modules they reach (lazy ones inside functions too), never the project's own modules.

    The project's modules stay out because importing one can change shared state (helpers.present.charts
    picks matplotlib's backend): each kernel imports them itself, as a fresh kernel would, and
    quickly, since what they import is already loaded.
    """
    statements: list[str] = []
    queue: list[str] = []
    for notebook in notebooks:
        for statement in notebook_imports(notebook):
            node = ast.parse(statement).body[0]
            project = _project_modules(node, PROJECT)
            if project is None:
                statements.append(statement)
            else:
                queue += project
    seen: set[str] = set()
    while queue:
        name = queue.pop()
        if name in seen or (path := _module_file(name)) is None:
            continue
        seen.add(name)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", "") != "__future__":
                project = _project_modules(node, package)
                if project is None:
                    statements.append(ast.unparse(node))
                else:
                    queue += project
    return sorted(set(statements), key=statements.index)
