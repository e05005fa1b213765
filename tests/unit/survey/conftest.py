"""A writable copy of the real survey folder for the loader tests that break one thing in it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.core import paths


@pytest.fixture
def survey_dir(tmp_path: Path) -> Path:
    """A writable copy of the real survey folder."""
    return Path(shutil.copytree(paths.LOCALIS_2011, tmp_path / "localis_2011"))
