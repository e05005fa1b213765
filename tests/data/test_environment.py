"""The environment pins: requirements.in -> requirements.txt (pip) and environment.yml (conda) agree."""

from __future__ import annotations

import re

import pytest
import yaml

from helpers.core import paths


def canonical(name: str) -> str:
    """A package name as PEP 503 compares them: PyYAML, pyyaml and py_yaml are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def strip_comment(line: str) -> str:
    return line.split("#", 1)[0].strip()


def direct_dependencies() -> list[str]:
    """The package names listed in requirements.in (extras and version markers dropped)."""
    names = []
    for line in (paths.ROOT / "requirements.in").read_text(encoding="utf-8").splitlines():
        line = strip_comment(line)
        if line and not line.startswith("-"):
            names.append(canonical(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line).group(0)))
    return names


def pip_pins() -> dict[str, str]:
    """name -> version of every `name==version` line of requirements.txt."""
    pins = {}
    for line in (paths.ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = strip_comment(line).split(";", 1)[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s\\]+)", line)
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def conda_pins() -> dict[str, str]:
    """name -> version from environment.yml: conda `name=version` entries and the `pip:` list's `name==version`."""
    doc = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for entry in doc["dependencies"]:
        specs = entry["pip"] if isinstance(entry, dict) else [entry]
        for spec in specs:
            match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*==?\s*([^\s=]+)", str(spec))
            if match:
                pins[canonical(match.group(1))] = match.group(2)
    return pins


def test_requirements_in_lists_packages():
    assert "pandas" in direct_dependencies() and len(direct_dependencies()) == len(set(direct_dependencies()))


@pytest.mark.parametrize("name", direct_dependencies())
def test_every_direct_dependency_is_pinned_for_pip(name):
    assert name in pip_pins(), f"{name} is in requirements.in but not pinned (==) in requirements.txt: run `make lock`"


@pytest.mark.parametrize("name", direct_dependencies())
def test_conda_pin_equals_pip_pin(name):
    conda, pip = conda_pins(), pip_pins()
    assert name in conda, f"{name} is in requirements.in but not pinned in environment.yml"
    assert conda[name] == pip.get(name), f"{name}: environment.yml pins {conda[name]}, requirements.txt {pip.get(name)}"


def test_every_requirements_txt_line_is_an_exact_pin():
    """No ranges or unpinned names slip into the lock file."""
    for line in (paths.ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = strip_comment(line)
        if line and not line.startswith("-"):
            assert "==" in line, f"not an exact pin in requirements.txt: {line!r}"


def test_conda_python_matches_pyproject():
    doc = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = next(
        str(e).split("=", 1)[1] for e in doc["dependencies"] if isinstance(e, str) and e.startswith("python=")
    )
    pyproject = (paths.ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">={python},<3.{int(python.split(".")[1]) + 1}"' in pyproject
