"""A build with nothing changed reads no source again and loads none of the notebook machinery, yet sees every change.

The sources are left to settle first (two seconds), as they are when someone runs `make reports`
again: from then on the build knows them by their stat, and each check below runs in a process of
its own, so all it knows is what the previous build wrote down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from build_runs import build_command
from nbformat.v4 import new_code_cell, new_notebook

KERNEL = {"name": "commissioning-workbench", "display_name": "Python (commissioning workbench)", "language": "python"}
# What a build with nothing to do has no use for: the YAML parser, the notebook machinery, the page
# renderer, the filelock package.
HEAVY = (
    "yaml",
    "filelock",
    "papermill",
    "nbformat",
    "nbclient",
    "nbconvert",
    "jupyter_client",
    "jinja2",
    "tqdm",
    "ctypes",
    "helpers.build.render",
)
RUN = """
import sys
from helpers.build.cli import main
code = main(sys.argv[2:])
print("LOADED", [m for m in sys.argv[1].split(",") if m in sys.modules])
sys.exit(code)
"""
CONFIG = (
    "jobs:\n  - name: tiny\n    notebook: sum.ipynb\n    group: Tests\n"
    "    parameters:\n      data_file: {data}\n    sweep:\n      scale: [1.0, 2.0]\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny project (one notebook reading one data file, swept twice), built once after its sources settled."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "numbers.txt").write_text("1\n2\n3\n")
    nb = new_notebook(
        cells=[
            new_code_cell('data_file = "x"\nscale = 1.0\noutput_dir = "out"', metadata={"tags": ["parameters"]}),
            new_code_cell(
                "from pathlib import Path\n"
                "total = sum(float(x) for x in Path(data_file).read_text().split()) * scale\n"
                "Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
                "(Path(output_dir) / 'results.csv').write_text(f'statistic,estimate\\ntotal,{total}\\n')"
            ),
        ]
    )
    nb.metadata["kernelspec"] = KERNEL
    nbformat.write(nb, tmp_path / "sum.ipynb")
    (tmp_path / "reports.yaml").write_text(CONFIG.format(data=tmp_path / "data" / "numbers.txt"))
    time.sleep(2.1)  # settled: an edit from now on changes each file's stat
    done = subprocess.run(build_command(tmp_path), capture_output=True, text=True)
    assert done.returncode == 0 and "2 built" in done.stdout, done.stdout + done.stderr
    return tmp_path


def run(project: Path, *options: str) -> tuple[str, list[str]]:
    """A build in a process of its own: what it printed, and which of HEAVY it loaded."""
    args = build_command(project, *options)[3:]
    done = subprocess.run([sys.executable, "-c", RUN, ",".join(HEAVY), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    out, _, loaded = done.stdout.rpartition("LOADED ")
    return out, json.loads(loaded.replace("'", '"'))


def same_size_and_mtime(path: Path, text: str) -> None:
    """Rewrite a file keeping its size and mtime: only its ctime tells."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_no_op_build_loads_none_of_the_machinery_and_says_what_it_checked(project: Path) -> None:
    out, loaded = run(project)
    assert loaded == []
    assert "0 built, 2 up to date, 0 failed" in out
    assert out.count("up to date") == 3  # each job's row and the last line, as before


def edit_data(p: Path) -> None:
    same_size_and_mtime(p / "data" / "numbers.txt", "1\n2\n4\n")


def edit_config(p: Path) -> None:
    same_size_and_mtime(p / "reports.yaml", (p / "reports.yaml").read_text().replace("[1.0, 2.0]", "[1.0, 3.0]"))


def edit_notebook(p: Path) -> None:
    nb = nbformat.read(p / "sum.ipynb", 4)
    nb.cells.append(new_code_cell("print('more')"))
    nbformat.write(nb, p / "sum.ipynb")


def edit_report(p: Path) -> None:
    same_size_and_mtime(p / "reports" / "tiny-1.0" / "results.csv", "statistic,estimate\ntotal,7.0\n")


@pytest.mark.parametrize(
    "change, reason",
    [
        (edit_data, "input changed:"),
        (edit_config, "would build tiny-3.0: not built yet"),
        (edit_notebook, "the notebook's cells changed"),
        (lambda p: (p / "reports" / "tiny-1.0" / "results.csv").unlink(), "file missing: results.csv"),
        (edit_report, "file changed: results.csv"),
        (lambda p: (p / "reports" / "tiny-2.0" / "build.json").write_text("[]"), "build.json is not one"),
    ],
    ids=["raw-input", "reports-yaml", "notebook", "report-file-missing", "report-file-changed", "bad-build-json"],
)
def test_after_a_no_op_every_change_still_makes_its_report_stale(project: Path, change, reason) -> None:
    run(project)  # a no-op first, so what follows is checked against what it wrote down
    change(project)
    out, _ = run(project, "--dry-run")
    assert reason in out, out


def test_force_still_rebuilds_what_is_up_to_date(project: Path) -> None:
    out, _ = run(project, "--dry-run", "--force")
    assert "would build tiny-1.0: --force" in out and "2 would be built" in out
