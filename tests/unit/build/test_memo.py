"""A notebook read once per build is still read again after any edit, however quick or sly."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from helpers.build.cache import notebook_fingerprint
from helpers.build.parameters import declared_parameters


def notebook(path: Path, value: int) -> None:
    cell = {
        "cell_type": "code",
        "id": "p",
        "metadata": {"tags": ["parameters"]},
        "source": f"x = {value}",
        "outputs": [],
    }
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_an_edit_right_after_a_read_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "n.ipynb"
    notebook(path, 1)
    assert declared_parameters(path)["x"].default == 1
    first = notebook_fingerprint(path)
    notebook(path, 2)  # same size, same second
    assert declared_parameters(path)["x"].default == 2 and notebook_fingerprint(path) != first


def test_an_edit_that_puts_the_old_mtime_back_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "n.ipynb"
    notebook(path, 1)
    old = time.time_ns() - 10 * 10**9
    os.utime(path, ns=(old, old))
    time.sleep(2.1)  # settled: remembered from here on
    assert declared_parameters(path)["x"].default == 1
    notebook(path, 3)
    os.utime(path, ns=(old, old))  # the ctime still moves
    assert declared_parameters(path)["x"].default == 3
