"""The make targets researchers use: lab as root with extra arguments, clean keeping .venv."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from helpers.core import paths

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(*args: str) -> str:
    done = subprocess.run(["make", "-n", *args], cwd=paths.ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def test_make_lab_passes_allow_root_for_root_and_lab_args() -> None:
    line = next(x for x in dry_run("lab", "LAB_ARGS=--port 8889").splitlines() if "jupyter lab" in x)
    assert "--port 8889" in line
    assert ("--allow-root" in line) == (os.getuid() == 0)


def test_make_clean_keeps_the_environment_and_clean_env_removes_it() -> None:
    assert ".venv" not in dry_run("clean") and "reports/*" in dry_run("clean")
    assert "rm -rf .venv" in dry_run("clean-env")
