"""The optional Dask extra's pins: pyproject.toml's [dask], requirements-dask.txt and environment.yml agree."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
import yaml

from helpers.core import paths

# conda-forge ships PyPI's `dask` as `dask-core` (its `dask` is a bundle with bokeh and more).
CONDA_NAME = {"distributed": "distributed", "dask": "dask-core"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def extra_pins() -> dict[str, str]:
    """name -> version of pyproject.toml's `dask` extra."""
    doc = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = doc["project"]["optional-dependencies"]["dask"]
    pins = {}
    for spec in specs:
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)", spec)
        assert match, f"not an exact pin in pyproject.toml's dask extra: {spec!r}"
        pins[canonical(match.group(1))] = match.group(2)
    return pins


def file_pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            match = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)", line)
            assert match, f"not an exact pin in {name}: {line!r}"
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def conda_pins() -> dict[str, str]:
    doc = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    entries = [e for e in doc["dependencies"] if isinstance(e, str)]
    return {canonical(e.split("=", 1)[0]): e.split("=", 1)[1] for e in entries if "=" in e}


def test_the_extra_pins_distributed_and_dask():
    assert set(extra_pins()) == {"distributed", "dask"}


@pytest.mark.parametrize("name", sorted(CONDA_NAME))
def test_requirements_dask_matches_the_extra(name):
    assert file_pins("requirements-dask.txt").get(name) == extra_pins()[name], (
        f"{name}: requirements-dask.txt and pyproject.toml's dask extra pin different versions"
    )


@pytest.mark.parametrize("name", sorted(CONDA_NAME))
def test_environment_yml_matches_the_extra(name):
    conda = conda_pins().get(CONDA_NAME[name])
    assert conda == extra_pins()[name], (
        f"environment.yml pins {CONDA_NAME[name]}={conda}, pyproject {extra_pins()[name]}"
    )


def test_requirements_dask_adds_only_what_requirements_txt_lacks():
    """Installed on top of requirements.txt, it must not move one of its pins."""
    core = file_pins("requirements.txt")
    overlap = {n: (v, core[n]) for n, v in file_pins("requirements-dask.txt").items() if n in core}
    assert not overlap, f"pinned in both files (dask file, core file): {overlap}"


def test_the_installed_extra_is_the_pinned_one():
    try:
        installed = {name: metadata.version(name) for name in CONDA_NAME}
    except metadata.PackageNotFoundError:
        pytest.skip("distributed is not installed (the optional extra: pip install -r requirements-dask.txt)")
    assert installed == extra_pins(), "the installed dask extra differs from its pins: reinstall requirements-dask.txt"
