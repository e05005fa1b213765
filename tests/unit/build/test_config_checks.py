"""The config check: every bad notebook, template or output name is one DataError naming the job, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.build.config import load_config
from helpers.core.errors import DataError


def notebook(folder: Path, params: str = 'x = "a"\nmsg = "m"\noutput_dir = "out"', name: str = "n.ipynb") -> None:
    cells = [{"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "source": params, "outputs": []}]
    doc = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / name).write_text(json.dumps(doc))


def config(folder: Path, job: str) -> Path:
    (folder / "reports.yaml").write_text("jobs:\n  - name: j\n    notebook: n.ipynb\n" + job)
    return folder / "reports.yaml"


def refused(path: Path) -> str:
    with pytest.raises(DataError) as info:
        load_config(path)
    return str(info.value)


@pytest.mark.parametrize(
    "template",
    ['"r-{"', '"r-}"', '"r-{0}"', '"{}"', '"{msg:>999999999}"', '"{x!r}"', '"{x.__class__}"', '"{x[0]}"', '"{nope}"'],
)
def test_an_output_template_takes_only_plain_parameter_names(tmp_path: Path, template: str) -> None:
    notebook(tmp_path)
    message = refused(config(tmp_path, f"    parameters:\n      msg: hello\n    output: {template}\n"))
    assert "reports.yaml, line" in message and "job 'j'" in message and "output" in message


def test_a_plain_template_names_each_swept_report(tmp_path: Path) -> None:
    notebook(tmp_path)
    jobs = load_config(
        config(tmp_path, '    parameters:\n      msg: m\n    sweep:\n      x: [a, b]\n    output: "r-{x}-{msg}"\n')
    )
    assert [j.output for j in jobs] == ["r-a-m", "r-b-m"]


@pytest.mark.parametrize(
    "output",
    [
        "index.html",
        "INDEX.HTML",
        "Index.Htm",
        "_failed",
        ".staging",
        ".build.lock",
        ".build.lock.json",
        ".trash",
        ".timings.json",
        "assets",
        "..",
        "nul",
        "a" * 101,
    ],
)
def test_no_output_replaces_what_the_build_keeps_in_reports(tmp_path: Path, output: str) -> None:
    notebook(tmp_path)
    message = refused(config(tmp_path, f'    output: "{output}"\n'))
    assert "job 'j'" in message and "output" in message


@pytest.mark.parametrize("value", ["index.html", "_failed", ".build.lock"])
def test_no_swept_value_names_what_the_build_keeps(tmp_path: Path, value: str) -> None:
    notebook(tmp_path)
    message = refused(config(tmp_path, f'    sweep:\n      x: [ok, "{value}"]\n    output: "{{x}}"\n'))
    assert "job '" in message and "the build's own" in message


@pytest.mark.parametrize(
    "content, said",
    [
        ("{not json", "a notebook in JSON"),
        ("[]", "cells"),
        ('{"cells": 3}', "cells"),
        (b"\xff\xfe".decode("latin-1"), "JSON"),
    ],
)
def test_a_notebook_that_is_not_a_notebook_is_one_message(tmp_path: Path, content: str, said: str) -> None:
    (tmp_path / "n.ipynb").write_text(content, encoding="latin-1")
    message = refused(config(tmp_path, ""))
    assert "job 'j'" in message and "n.ipynb" in message and said in message


@pytest.mark.parametrize("params", ["x = (", "def f(:\n  pass", "x = 1\n  y = 2", "\x00"])
def test_a_parameters_cell_that_does_not_parse_is_one_message(tmp_path: Path, params: str) -> None:
    notebook(tmp_path, params)
    message = refused(config(tmp_path, ""))
    assert "job 'j'" in message and "parameters cell in Python" in message
