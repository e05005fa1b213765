"""Planning a large sweep stays linear: jobs are found by name, never compared whole with each other.

A job carries its parameters and the sweep's values, so comparing two jobs compares all of them;
doing that for every pair made a 10,000-job sweep take minutes to plan (docs/scaling.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.build import config
from helpers.build.config import Job, expand_needs, load_config
from helpers.core.errors import DataError


def sweep_project(folder: Path, n: int) -> Path:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "id": "p",
                "metadata": {"tags": ["parameters"]},
                "source": 'x = 1\noutput_dir = "out"\n',
            },
            {"cell_type": "code", "id": "c", "metadata": {}, "source": "print(x)\n"},
        ],
        "metadata": {"kernelspec": {"name": "commissioning-workbench"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (folder / "n.ipynb").write_text(json.dumps(notebook))
    values = ", ".join(str(i) for i in range(n))
    (folder / "reports.yaml").write_text(
        f"jobs:\n  - name: sweep\n    notebook: n.ipynb\n    sweep:\n      x: [{values}]\n"
        "  - name: reader\n    notebook: n.ipynb\n    needs: [sweep]\n"
    )
    return folder / "reports.yaml"


def test_loading_a_sweep_never_compares_whole_jobs(tmp_path, monkeypatch) -> None:
    compared = []
    monkeypatch.setattr(Job, "__eq__", lambda self, other: compared.append(1) or self is other)
    jobs = load_config(sweep_project(tmp_path, 300))
    assert len(jobs) == 301
    assert compared == []


def test_a_job_without_needs_does_not_scan_the_others() -> None:
    class Untouchable(list):
        def __iter__(self):
            raise AssertionError("scanned the job list")

    job = Job("a", Path("n.ipynb"), "a", "a", "g", "", {})
    assert expand_needs(job, Untouchable()) == []


def test_the_reader_still_needs_every_variant(tmp_path) -> None:
    jobs = load_config(sweep_project(tmp_path, 5))
    reader = next(j for j in jobs if j.name == "reader")
    assert [j.name for j in expand_needs(reader, jobs)] == [j.name for j in jobs if j.base == "sweep"]
    assert config.select(jobs, ["sweep"])[0] == [j for j in jobs if j.base == "sweep"]


def test_duplicate_names_are_still_refused(tmp_path) -> None:
    path = sweep_project(tmp_path, 2)
    path.write_text(path.read_text() + "  - name: reader\n    notebook: n.ipynb\n")
    with pytest.raises(DataError, match="unique job names"):
        load_config(path)


def test_a_job_nothing_reads_starts_after_those_a_reader_waits_for(tmp_path: Path) -> None:
    """It can then run beside the reader at the end, instead of leaving a core idle there."""
    from helpers.build.plan import run_order

    notebook = tmp_path / "n.ipynb"
    sweep_project(tmp_path, 2)
    jobs = [
        Job(name="alone", notebook=notebook, output="alone", title="", group="", description="", parameters={}),
        Job(name="read", notebook=notebook, output="read", title="", group="", description="", parameters={}),
        Job(
            name="reader",
            notebook=notebook,
            output="reader",
            title="",
            group="",
            description="",
            parameters={},
            needs=("read",),
        ),
    ]
    timings = {"alone": 10.0, "read": 5.0, "reader": 8.0}
    assert [j.name for j in run_order(jobs, jobs, timings)] == ["read", "alone", "reader"]
    assert [j.name for j in run_order(jobs, jobs, {**timings, "alone": 20.0})] == ["alone", "read", "reader"]


def test_a_reader_starts_once_what_it_reads_has_started_ahead_of_shorter_jobs_nothing_reads(tmp_path: Path) -> None:
    """List scheduling: never before what it needs (a worker would wait on a job not started), never needlessly last."""
    from helpers.build.plan import run_order

    def job(name: str, *needs: str) -> Job:
        return Job(
            name=name,
            notebook=tmp_path / "n.ipynb",
            output=name,
            title="",
            group="",
            description="",
            parameters={},
            needs=needs,
        )

    jobs = [job("alone"), job("reader", "read", "later"), job("read"), job("later")]
    timings = {"alone": 3.0, "reader": 8.0, "read": 5.0, "later": 1.0}
    assert [j.name for j in run_order(jobs, jobs, timings)] == ["read", "later", "reader", "alone"]
    assert [j.name for j in run_order(jobs, jobs, {**timings, "alone": 9.5})] == ["read", "alone", "later", "reader"]
