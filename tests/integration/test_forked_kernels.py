"""Kernels forked from a preloaded parent behave as freshly started ones, and leave nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from build_runs import build_command
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers.build import kernels as forked_kernels
from helpers.build import main
from helpers.build.preload import notebook_imports
from helpers.core import paths

pytestmark = pytest.mark.skipif(
    not forked_kernels.supported(), reason="forked kernels need os.fork and os.pidfd_open (Linux)"
)

KERNEL = {"name": "commissioning-workbench", "display_name": "Python (commissioning workbench)", "language": "python"}

# What a kernel sees of its process: written by the probe notebook, compared between the two modes.
PROBE = """
import json, os, sys
project_at_start = sorted(m for m in sys.modules if m.split(".")[0] == "helpers")
import matplotlib
backend_at_start = matplotlib.get_backend(auto_select=False)
import helpers.present.charts as charts
marker = getattr(charts, "_probe_marker", None)   # a module attribute left by another kernel would show here
charts._probe_marker = tag
Path = __import__("pathlib").Path
Path(output_dir).mkdir(parents=True, exist_ok=True)
seen = {
    "cwd": os.getcwd(),
    "sys.path": sys.path,
    "argv0": Path(sys.argv[0]).name,
    "env": os.environ.get("WORKBENCH_PROBE"),
    # all of it but JPY_PARENT_PID, which jupyter_client's launcher sets for the kernel's parent poller
    # (a forked kernel's parent is the fork server: it dies with the build through PR_SET_PDEATHSIG)
    "environment": {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"},
    "frozen objects": __import__("gc").get_freeze_count(),
    "backend": [backend_at_start, matplotlib.get_backend()],
    "project modules at start": project_at_start,
    "marker": marker,
    "user names": sorted(
        n for n in globals()
        if not n.startswith("_") and n not in {"In", "Out", "exit", "quit", "get_ipython", "open"}
    ),
}
(Path(output_dir) / "seen.json").write_text(json.dumps(seen, indent=1, sort_keys=True))
print(tag)
"""


def probe_project(tmp_path: Path) -> Path:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Probe"),
            new_code_cell('tag = "a"\noutput_dir = "out"', metadata={"tags": ["parameters"]}),
            new_code_cell(PROBE),
        ]
    )
    nb.metadata["kernelspec"] = KERNEL
    nbformat.write(nb, tmp_path / "probe.ipynb")
    (tmp_path / "reports.yaml").write_text(
        "jobs:\n  - name: probe\n    notebook: probe.ipynb\n    sweep:\n      tag: [a, b, c]\n"
    )
    return tmp_path


def build(project: Path, *args: str) -> int:
    return main(
        ["--config", str(project / "reports.yaml"), "--reports", str(project / "reports"), "--no-progress", *args]
    )


def seen(project: Path) -> dict:
    return {tag: json.loads((project / "reports" / f"probe-{tag}" / "seen.json").read_text()) for tag in "abc"}


def test_forked_kernel_sees_what_a_fresh_kernel_sees(tmp_path: Path, monkeypatch) -> None:
    project = probe_project(tmp_path)
    monkeypatch.setenv("WORKBENCH_PROBE", "from the build's environment")
    assert build(project, "--fresh-kernels") == 0
    fresh = seen(project)
    assert build(project, "--force") == 0
    forked = seen(project)
    # the preloaded heap is frozen, so a forked kernel's collections neither walk nor copy it
    assert [fresh[t].pop("frozen objects") for t in "abc"] == [0, 0, 0]
    assert min(forked[t].pop("frozen objects") for t in "abc") > 100_000
    assert forked == fresh
    # and each job had its own, clean kernel: no job saw another's module attribute
    assert [forked[t]["marker"] for t in "abc"] == [None, None, None]
    assert forked["a"]["env"] == "from the build's environment"
    assert forked["a"]["cwd"] != forked["b"]["cwd"]


def test_forked_and_fresh_kernels_give_identical_reports(tmp_path: Path) -> None:
    """The real data-overview notebook (tables, CSV files, the executed notebook) gives the same bytes either way."""
    (tmp_path / "reports.yaml").write_text(
        f"jobs:\n  - name: overview\n    notebook: {paths.NOTEBOOKS / '00_data_overview.ipynb'}\n"
    )
    assert build(tmp_path) == 0

    def outputs():
        return {
            p.relative_to(tmp_path): p.read_bytes()
            for p in (tmp_path / "reports" / "overview").rglob("*")
            if p.suffix in {".html", ".csv", ".png", ".ipynb"}
        }

    forked = outputs()
    assert build(tmp_path, "--force", "--fresh-kernels") == 0
    fresh = outputs()
    assert len(forked) >= 5 and forked.keys() == fresh.keys()
    assert [str(k) for k in forked if forked[k] != fresh[k]] == []


def test_a_notebook_import_that_fails_fails_in_its_own_cell(tmp_path: Path, capsys) -> None:
    """The server ignores imports it cannot do; the notebook reports them as a fresh kernel would."""
    nb = new_notebook(
        cells=[
            new_code_cell('output_dir = "out"', metadata={"tags": ["parameters"]}),
            new_code_cell("import not_a_module_of_this_project"),
        ]
    )
    nb.metadata["kernelspec"] = KERNEL
    nbformat.write(nb, tmp_path / "bad.ipynb")
    (tmp_path / "reports.yaml").write_text("jobs:\n  - name: bad\n    notebook: bad.ipynb\n")
    assert build(tmp_path) == 1
    assert "ModuleNotFoundError: No module named 'not_a_module_of_this_project'" in capsys.readouterr().err


def test_build_falls_back_to_fresh_kernels_when_the_server_cannot_start(tmp_path: Path, monkeypatch, capsys) -> None:
    def refuse(*args, **kwargs):
        raise RuntimeError("no fork today")

    monkeypatch.setattr(forked_kernels.ForkServer, "__init__", refuse)
    project = probe_project(tmp_path)
    assert build(project) == 0
    assert [seen(project)[t]["marker"] for t in "abc"] == [None, None, None]
    assert "the fork server did not start (no fork today)" in capsys.readouterr().err


def test_a_kernel_the_server_cannot_fork_is_retried_fresh(tmp_path: Path, monkeypatch) -> None:
    """If the fork server dies mid-build, each job's retry starts its kernel the usual way."""

    def broken(self, *args, **kwargs):
        raise RuntimeError("the fork server has exited (-9)")

    monkeypatch.setattr(forked_kernels.ForkServer, "fork", broken)
    project = probe_project(tmp_path)
    assert build(project) == 0
    assert sorted(seen(project)) == ["a", "b", "c"]


def processes_in(folder: Path) -> list[int]:
    """Processes whose working folder is inside `folder` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cwd = os.readlink(entry / "cwd")
            except OSError:
                continue
            if cwd.startswith(str(folder)):
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("mode", [[], ["--fresh-kernels"]], ids=["forked", "fresh"])
def test_killed_build_leaves_no_kernel_running(tmp_path: Path, mode: list[str]) -> None:
    project = probe_project(tmp_path)
    nb = nbformat.read(project / "probe.ipynb", 4)
    nb.cells[2].source = "import time\ntime.sleep(60)\n"
    nbformat.write(nb, project / "probe.ipynb")
    cmd = build_command(project, *mode)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    staging = project / "reports" / ".staging"
    deadline = time.time() + 60
    while len(processes_in(staging)) < 2 and time.time() < deadline:  # kernels run in their job folders
        time.sleep(0.2)
    assert processes_in(staging), "no kernel started"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 10
    while processes_in(staging) and time.time() < deadline:
        time.sleep(0.2)
    assert processes_in(staging) == []


def test_notebook_imports_are_the_top_level_import_statements(tmp_path: Path) -> None:
    nb = new_notebook(
        cells=[
            new_markdown_cell("import not_code"),
            new_code_cell("import os\nfrom pathlib import (Path,\n    PurePath)\nx = 1\nif x:\n    import json"),
            new_code_cell("%matplotlib inline\nimport sys"),  # a magic: not Python, left to the kernel
        ]
    )
    nbformat.write(nb, tmp_path / "n.ipynb")
    assert notebook_imports(tmp_path / "n.ipynb") == ["import os", "from pathlib import Path, PurePath"]


def test_a_process_whose_parent_already_died_exits_instead_of_running_on(tmp_path: Path) -> None:
    """A kernel forked just as the build was killed must not outlive it (its death signal came too late)."""
    marker = tmp_path / "ran-on"
    code = (
        "import sys; from helpers.build.kernels import _die_with_parent\n"
        "_die_with_parent(int(sys.argv[1]))\n"
        f"open({str(marker)!r}, 'w').write('orphan')\n"
    )
    not_its_parent = os.getpid() + 999_999  # its parent is this process: any other number stands for a dead one
    done = subprocess.run([sys.executable, "-c", code, str(not_its_parent)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (1, "")
    assert not marker.exists()
