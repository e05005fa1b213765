"""docs/architecture.md names every module of `helpers`, so a newcomer finds each one's job in one place."""

from __future__ import annotations

import re

from helpers.core import paths

PACKAGE = paths.ROOT / "src" / "helpers"


def test_every_module_is_listed_under_its_package() -> None:
    text = (paths.ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = set()
    package = None
    for line in text.splitlines():
        heading = re.fullmatch(r"### `([\w.]+)`", line)
        if heading:
            package = heading.group(1)
        item = re.match(r"- `(\w+)`: ", line)
        if item and package:
            listed.add(f"{package}.{item.group(1)}")
    modules = {
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        for p in PACKAGE.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    }
    assert sorted(modules - listed) == [], "modules docs/architecture.md does not list"
    assert sorted(listed - modules) == [], "docs/architecture.md lists modules that do not exist"
