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


# A pip package's name on conda-forge where the two differ. The same name can be another package
# there: conda-forge's `playwright` is the Node.js tool, its Python bindings are `playwright-python`.
CONDA_FORGE_NAME = {"playwright": "playwright-python"}
# conda-forge names that are not the pip package of the same name.
NOT_THE_PIP_PACKAGE = {"playwright": "the Node.js Playwright; the Python package is playwright-python"}


def environment() -> dict:
    return yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))


def conda_sections() -> tuple[dict[str, str], dict[str, str]]:
    """(conda-forge name -> version, pip name -> version) from environment.yml's two sections."""
    conda, pip = {}, {}
    for entry in environment()["dependencies"]:
        specs, into, pattern = (
            (entry["pip"], pip, r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s=]+)")
            if isinstance(entry, dict)
            else ([entry], conda, r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*([^\s=]+)")
        )
        for spec in specs:
            match = re.fullmatch(pattern, str(spec))
            if match:
                into[canonical(match.group(1))] = match.group(2)
    return conda, pip


def conda_pins() -> dict[str, str]:
    """pip name -> version as environment.yml installs it: conda-forge entries under their pip identity."""
    conda, pip = conda_sections()
    to_pip = {forge: name for name, forge in CONDA_FORGE_NAME.items()}
    return {**{to_pip.get(name, name): version for name, version in conda.items()}, **pip}


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


def test_conda_forge_entries_are_the_packages_pip_installs():
    """Each conda-forge entry is the same package as the pip pin it mirrors, not a namesake."""
    conda, _ = conda_sections()
    for name, other in NOT_THE_PIP_PACKAGE.items():
        assert name not in conda, f"environment.yml: conda-forge's {name} is {other}"
    for name, forge in CONDA_FORGE_NAME.items():
        if name in direct_dependencies():
            _, pip = conda_sections()
            assert forge in conda or name in pip, f"environment.yml should list {name} as {forge} (conda-forge)"


def test_conda_environment_installs_the_project():
    """`-e .` in the pip section, so `import helpers` works in the conda environment as in .venv."""
    pip_section = next(e["pip"] for e in environment()["dependencies"] if isinstance(e, dict))
    assert "-e ." in pip_section
