"""The build: config checks, cache hits and misses, failures, interruption, determinism, inert text."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from build_runs import build_command
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers.build import Builder, main
from helpers.build import cache as build_cache
from helpers.build.config import declared_parameters, load_config
from helpers.core import paths
from helpers.core.errors import DataError

KERNEL = {"name": "commissioning-workbench", "display_name": "Python (commissioning workbench)", "language": "python"}


def write_notebook(path: Path, params: str, body: list[str]) -> Path:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# A tiny report\n\n## Section one"),
            new_code_cell(params, metadata={"tags": ["parameters"]}),
            *[new_code_cell(src) for src in body],
        ]
    )
    nb.metadata["kernelspec"] = KERNEL
    nbformat.write(nb, path)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny project: one notebook that reads a data file and writes results.csv, a config, a reports dir."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "numbers.txt").write_text("1\n2\n3\n")
    write_notebook(
        tmp_path / "sum.ipynb",
        'data_file = "data/numbers.txt"\nscale = 1.0\noutput_dir = "out"',
        [
            "from pathlib import Path\nimport os\n"
            "base = Path(os.environ.get('TINY_BASE', '.'))\n"
            "path = Path(data_file) if Path(data_file).is_absolute() else base / data_file\n"
            "values = [float(x) for x in path.read_text().split()]\n"
            "total = sum(values) * scale\n"
            "Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
            "(Path(output_dir) / 'results.csv').write_text(f'statistic,estimate\\ntotal,{total}\\n')\n"
            "print(f'total = {total}')\n"
            "(Path(output_dir) / 'cwd.txt').write_text(os.getcwd())",
        ],
    )
    config = tmp_path / "reports.yaml"
    config.write_text(
        "jobs:\n"
        "  - name: tiny\n    notebook: sum.ipynb\n    group: Tests\n"
        f"    parameters:\n      data_file: {tmp_path / 'data' / 'numbers.txt'}\n"
        "    sweep:\n      scale: [1.0, 2.0]\n"
    )
    return tmp_path


def build(project: Path, *args: str) -> int:
    return main(
        ["--config", str(project / "reports.yaml"), "--reports", str(project / "reports"), "--no-progress", *args]
    )


def read_total(project: Path, output: str) -> str:
    return (project / "reports" / output / "results.csv").read_text().splitlines()[1]


# ---- the config is checked before any kernel starts --------------------------------------------


@pytest.mark.parametrize(
    "job, expected",
    [
        ("  - name: j\n    notebook: missing.ipynb\n", "job 'j', an existing .ipynb file"),
        ("  - name: j\n    notebook: sum.ipynb\n    parameters:\n      colour: red\n", "parameters.colour"),
        ("  - name: j\n    notebook: sum.ipynb\n    parameters:\n      scale: lots\n", "value of type float"),
        ("  - name: j\n    notebook: sum.ipynb\n    parameters:\n      output_dir: x\n", "the build sets it"),
        ("  - name: j\n    notebook: sum.ipynb\n    flavour: x\n", "only the keys"),
        ("  - name: j\n    notebook: sum.ipynb\n    needs: [nothing]\n", "names of other jobs"),
        (
            "  - name: j\n    notebook: sum.ipynb\n    needs: [k]\n"
            "  - name: k\n    notebook: sum.ipynb\n    needs: [j]\n",
            "these jobs wait on each other: j, k",
        ),
    ],
)
def test_config_errors_name_the_job_and_parameter(project: Path, job: str, expected: str) -> None:
    (project / "reports.yaml").write_text("jobs:\n" + job)
    with pytest.raises(DataError) as info:
        load_config(project / "reports.yaml")
    message = str(info.value)
    assert "reports.yaml, line" in message and expected in message
    assert "'j'" in message or "job" in message


def test_refused_config_starts_no_kernel_and_exits_2(project: Path, capsys) -> None:
    (project / "reports.yaml").write_text(
        "jobs:\n  - name: j\n    notebook: sum.ipynb\n    parameters:\n      scale: lots\n"
    )
    assert build(project) == 2
    assert "parameters.scale" in capsys.readouterr().err
    assert not (project / "reports" / "j").exists()


def test_declared_parameters_read_types_from_defaults_and_annotations(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "p.ipynb", 'a = 1\nb: int | None = None\nc = "x"\nd = 0.5\noutput_dir = "o"', [])
    declared = declared_parameters(nb)
    assert declared["a"].types == ("int",) and declared["b"].types == ("int", "None")
    assert declared["d"].accepts(1) and not declared["c"].accepts(1) and declared["b"].accepts(None)
    nb = write_notebook(tmp_path / "u.ipynb", 'from typing import Union\nn: Union[int, str, None] = "survey"', [])
    assert declared_parameters(nb)["n"].types == ("int", "str", "None")


@pytest.mark.parametrize("notebook", sorted(paths.NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_papermill_reads_every_parameter_the_build_checks(notebook: Path) -> None:
    """Else papermill logs "Passed unknown parameter" for a job that sets it (it cannot read `int | str`)."""
    import papermill

    assert set(papermill.inspect_notebook(str(notebook))) == set(declared_parameters(notebook))


# ---- cache keys: each kind of input misses, nothing changed hits --------------------------------


def keys(project: Path) -> dict[str, str]:
    jobs = load_config(project / "reports.yaml")
    return Builder(project / "reports.yaml", project / "reports", 1, False, None).plan(jobs)


def test_cache_key_changes_with_each_kind_of_input(project: Path, monkeypatch) -> None:
    before = keys(project)
    assert keys(project) == before  # nothing changed: hit

    (project / "data" / "numbers.txt").write_text("1\n2\n4\n")
    after_data = keys(project)
    assert after_data != before

    config = (project / "reports.yaml").read_text()
    (project / "reports.yaml").write_text(config.replace("[1.0, 2.0]", "[1.0, 3.0]"))
    after_params = keys(project)
    assert after_params["tiny-1.0"] == after_data["tiny-1.0"] and after_params["tiny-3.0"] not in after_data.values()

    nb = nbformat.read(project / "sum.ipynb", 4)
    nb.cells[2].source += "\nprint('more')"
    nbformat.write(nb, project / "sum.ipynb")
    after_notebook = keys(project)
    assert after_notebook["tiny-1.0"] != after_params["tiny-1.0"]

    # outputs alone do not change a notebook's key
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="total = 6.0\n")]
    nbformat.write(nb, project / "sum.ipynb")
    assert keys(project) == after_notebook

    monkeypatch.setattr(build_cache, "helpers_hash", lambda: "changed helpers")
    after_helpers = keys(project)
    assert after_helpers["tiny-1.0"] != after_notebook["tiny-1.0"]

    monkeypatch.setattr(build_cache, "requirements_hash", lambda: "changed pins")
    assert keys(project)["tiny-1.0"] != after_helpers["tiny-1.0"]


# ---- running: build, skip, rebuild, fail, interrupt -------------------------------------------


def test_build_skips_unchanged_and_rebuilds_changed(project: Path, capsys) -> None:
    assert build(project) == 0
    assert read_total(project, "tiny-1.0") == "total,6.0" and read_total(project, "tiny-2.0") == "total,12.0"
    cwds = {(project / "reports" / o / "cwd.txt").read_text() for o in ("tiny-1.0", "tiny-2.0")}
    assert len(cwds) == 2 and all(".staging" in c for c in cwds)  # each kernel in its own folder
    assert os.getcwd() not in cwds
    index = (project / "reports" / "index.html").read_text()
    assert 'href="tiny-1.0/index.html"' in index and 'href="tiny-2.0/index.html"' in index
    capsys.readouterr()

    assert build(project) == 0  # how fast this is, benchmarks/bench_build.py measures
    assert "0 built, 2 up to date, 0 failed" in capsys.readouterr().out

    (project / "data" / "numbers.txt").write_text("10\n")
    assert build(project, "--only", "tiny-2.0") == 0
    assert read_total(project, "tiny-2.0") == "total,20.0"
    assert read_total(project, "tiny-1.0") == "total,6.0"  # not asked for: untouched


def test_failed_job_keeps_previous_report_and_exits_nonzero(project: Path, capsys) -> None:
    assert build(project, "--only", "tiny-1.0") == 0
    previous = (project / "reports" / "tiny-1.0" / "index.html").read_bytes()
    (project / "data" / "numbers.txt").write_text("not a number\n")
    capsys.readouterr()
    assert build(project) == 1
    captured = capsys.readouterr()
    assert "FAILED tiny-1.0" in captured.err and "ValueError" in captured.err and "cell" in captured.err
    assert (project / "reports" / "tiny-1.0" / "index.html").read_bytes() == previous
    assert (project / "reports" / "_failed" / "tiny-1.0.ipynb").exists()
    assert (project / "reports" / "_failed" / "tiny-2.0.ipynb").exists()
    assert "failed in the last build" in (project / "reports" / "index.html").read_text()
    (project / "data" / "numbers.txt").write_text("1\n2\n3\n")
    assert build(project) == 0
    assert not (project / "reports" / "_failed" / "tiny-1.0.ipynb").exists()


def test_killed_build_leaves_reports_consistent_and_rerun_completes(project: Path) -> None:
    assert build(project, "--only", "tiny-1.0") == 0
    good = (project / "reports" / "tiny-1.0" / "results.csv").read_text()
    nb = nbformat.read(project / "sum.ipynb", 4)
    nb.cells[2].source = "import time\ntime.sleep(30)\n" + nb.cells[2].source
    nbformat.write(nb, project / "sum.ipynb")
    proc = subprocess.Popen(
        build_command(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.time() + 60
    while not (project / "reports" / ".staging" / "tiny-1.0").exists() and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(2)  # the kernels are running (sleeping) now
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (project / "reports" / "tiny-1.0" / "results.csv").read_text() == good
    assert not (project / "reports" / "tiny-2.0").exists()
    # a kill between the two renames of a swap: the old report sits in .trash, none in place
    (project / "reports" / "tiny-1.0").rename(project / "reports" / ".trash" / "tiny-1.0") if (
        project / "reports" / ".trash"
    ).exists() else (
        (project / "reports" / ".trash").mkdir(),
        (project / "reports" / "tiny-1.0").rename(project / "reports" / ".trash" / "tiny-1.0"),
    )
    nb.cells[2].source = nb.cells[2].source.replace("time.sleep(30)", "time.sleep(0)")
    nbformat.write(nb, project / "sum.ipynb")
    assert build(project) == 0
    assert read_total(project, "tiny-1.0") == "total,6.0" and read_total(project, "tiny-2.0") == "total,12.0"
    assert not (project / "reports" / ".staging").exists() or not any((project / "reports" / ".staging").iterdir())


def test_two_builds_give_identical_bytes(project: Path) -> None:
    assert build(project) == 0
    first = {
        p.relative_to(project): p.read_bytes()
        for p in (project / "reports").rglob("*")
        if p.suffix in {".html", ".csv", ".png"}
    }
    assert build(project, "--force") == 0
    second = {
        p.relative_to(project): p.read_bytes()
        for p in (project / "reports").rglob("*")
        if p.suffix in {".html", ".csv", ".png"}
    }
    assert first.keys() == second.keys() and len(first) >= 5
    assert [k for k in first if first[k] != second[k]] == []
    html = second[Path("reports/tiny-1.0/index.html")].decode()
    assert str(project) not in html.replace(str(project / "data" / "numbers.txt"), "")  # only the job's own parameter
    assert "Provenance" in html and 'lang="en"' in html and '<script src="">' not in html


# ---- text from data stays text ------------------------------------------------------------------


def test_markup_in_data_renders_as_text(tmp_path: Path) -> None:
    survey = tmp_path / "evil"
    shutil.copytree(paths.LOCALIS_2011, survey)
    (survey / "published.csv").unlink()
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    for name in ("survey.yaml", "counts.csv"):
        text = (survey / name).read_text()
        text = (
            text.replace("Mainly outsourced", "Outsourced " + payload.replace('"', "'"))
            if name == "counts.csv"
            else text.replace("- Mainly outsourced", f'- "Outsourced {payload}"').replace(
                "How do you currently deliver services?", f"How do you deliver {payload}?"
            )
        )
        (survey / name).write_text(text)
    config = tmp_path / "reports.yaml"
    config.write_text(
        "jobs:\n  - name: evil\n"
        f"    notebook: {paths.NOTEBOOKS / '00_data_overview.ipynb'}\n"
        f"    parameters:\n      survey_dir: {survey}\n      corpus_dir: {paths.LOCAL_PARTNERSHIPS_2015}\n"
    )
    assert main(["--config", str(config), "--reports", str(tmp_path / "reports"), "--no-progress"]) == 0
    for page in ("index.html",):
        html = (tmp_path / "reports" / "evil" / page).read_text()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script>alert(1)" not in html and "<img src=x onerror" not in html


# ---- stale and partial reports never pass for up to date ----------------------------------------


def add_reader(project: Path, needs: str = "[tiny]", extra_jobs: str = "") -> None:
    """A second job that copies tiny-2.0's total: it reads another job's report."""
    write_notebook(
        project / "reader.ipynb",
        'source_dir = "x"\noutput_dir = "out"',
        [
            "from pathlib import Path\n"
            "text = (Path(source_dir) / 'results.csv').read_text()\n"
            "Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
            "(Path(output_dir) / 'copy.csv').write_text(text)"
        ],
    )
    with (project / "reports.yaml").open("a") as handle:
        handle.write(
            f"  - name: reader\n    notebook: reader.ipynb\n    needs: {needs}\n"
            "    parameters:\n      source_dir: '{reports}/tiny-2.0'\n" + extra_jobs
        )


def read_copy(project: Path) -> str:
    return (project / "reports" / "reader" / "copy.csv").read_text().splitlines()[1]


def test_only_builds_the_stale_reports_it_reads_first(project: Path, capsys) -> None:
    add_reader(project)
    assert build(project) == 0
    assert read_copy(project) == "total,12.0"
    (project / "data" / "numbers.txt").write_text("10\n")  # tiny-2.0's total becomes 20
    capsys.readouterr()
    assert build(project, "--only", "reader") == 0
    out = capsys.readouterr().out
    assert "Also building" in out and "tiny-2.0" in out
    assert read_copy(project) == "total,20.0" == read_total(project, "tiny-2.0")
    assert build(project) == 0
    assert "0 built, 3 up to date" in capsys.readouterr().out


def test_a_full_build_rebuilds_a_reader_whose_upstream_changed(project: Path, capsys) -> None:
    add_reader(project)
    assert build(project) == 0
    (project / "data" / "numbers.txt").write_text("10\n")
    assert build(project, "--only", "tiny-2.0") == 0
    capsys.readouterr()
    assert build(project) == 0
    out = capsys.readouterr().out
    assert "upstream tiny-2.0 changed" in out and read_copy(project) == "total,20.0"


def test_needs_match_a_job_or_its_sweep_exactly(project: Path) -> None:
    """A job named like another plus a suffix is not one of its variants, and its failure blocks nothing."""
    add_reader(
        project,
        needs="[tiny]",
        extra_jobs="  - name: tiny-2012\n    notebook: sum.ipynb\n    parameters:\n      data_file: missing.txt\n",
    )
    from helpers.build.config import expand_needs

    jobs = load_config(project / "reports.yaml")
    reader = next(j for j in jobs if j.name == "reader")
    assert sorted(j.name for j in expand_needs(reader, jobs)) == ["tiny-1.0", "tiny-2.0"]
    assert build(project) == 1  # tiny-2012 fails ...
    assert read_copy(project) == "total,12.0"  # ... and the reader was built all the same


def test_only_accepts_a_swept_jobs_name(project: Path, capsys) -> None:
    assert build(project, "--only", "tiny") == 0
    assert "2 built" in capsys.readouterr().out
    assert read_total(project, "tiny-1.0") == "total,6.0" and read_total(project, "tiny-2.0") == "total,12.0"


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda folder: (folder / "results.csv").unlink(), "file missing: results.csv"),
        (lambda folder: (folder / "index.html").write_text("half a page"), "file changed: index.html"),
    ],
    ids=["missing", "changed"],
)
def test_a_partial_or_changed_report_is_rebuilt_and_the_summary_says_why(project: Path, capsys, damage, reason) -> None:
    assert build(project) == 0
    record = (project / "reports" / "tiny-1.0" / "build.json").read_text()
    assert '"results.csv"' in record and '"index.html"' in record  # every file, with its SHA-256
    damage(project / "reports" / "tiny-1.0")
    capsys.readouterr()
    assert build(project) == 0
    out = capsys.readouterr().out
    assert "1 built, 1 up to date" in out and reason in out
    assert read_total(project, "tiny-1.0") == "total,6.0"


def test_list_and_dry_run_say_what_is_stale_and_why_and_touch_nothing(project: Path, capsys) -> None:
    assert build(project) == 0
    (project / "data" / "numbers.txt").write_text("10\n")
    config = (project / "reports.yaml").read_text()
    (project / "reports.yaml").write_text(config.replace("[1.0, 2.0]", "[1.0, 3.0]"))
    before = {p: p.stat().st_mtime_ns for p in (project / "reports").rglob("*")}
    capsys.readouterr()
    assert build(project, "--list") == 0
    out = capsys.readouterr().out
    assert "tiny-1.0" in out and "input changed:" in out and "numbers.txt" in out
    assert "tiny-3.0" in out and "not built yet" in out
    assert "scale: reports.yaml runs 3.0; the notebook's default is 1.0" in out  # reports.yaml decides
    assert build(project, "--dry-run", "--only", "tiny") == 0
    out = capsys.readouterr().out
    assert "would build tiny-1.0" in out and "would build tiny-3.0" in out and "nothing was done" in out
    assert {p: p.stat().st_mtime_ns for p in (project / "reports").rglob("*")} == before


HOLD_LOCK = """
import sys
from pathlib import Path
from helpers.build.lock import BuildLock
lock = BuildLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""


def test_a_second_build_refuses_naming_the_holder_and_takes_over_a_dead_ones_lock(project: Path, capsys) -> None:
    reports = project / "reports"
    reports.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(reports)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert build(project) == 2
        err = capsys.readouterr().err
        assert "another build is running" in err and f"pid {holder.pid}" in err
        assert not (reports / "tiny-1.0").exists()
    finally:
        holder.kill()
        holder.wait()
    assert build(project) == 0  # the holder died: its lock went with it
    out = capsys.readouterr().out
    assert "Took over the lock" in out and f"pid {holder.pid}" in out
    assert not (reports / ".build.lock.json").exists()


def test_a_kill_inside_the_swap_leaves_every_report_in_place(project: Path) -> None:
    """Killed right after the folders are exchanged (before the old one is deleted): nothing missing."""
    assert build(project) == 0
    (project / "data" / "numbers.txt").write_text("10\n")
    done = subprocess.run(
        build_command(project, "--jobs", "1"), env={**os.environ, "HELPERS_BUILD_KILL_AT": "swap"}, capture_output=True
    )
    assert done.returncode == -signal.SIGKILL
    for output in ("tiny-1.0", "tiny-2.0"):  # one holds the new report, the other still the old one
        assert (project / "reports" / output / "index.html").exists()
        assert (project / "reports" / output / "results.csv").exists()
    assert build(project) == 0
    assert read_total(project, "tiny-1.0") == "total,10.0" and read_total(project, "tiny-2.0") == "total,20.0"
    assert not any((project / "reports" / ".staging").iterdir())


def test_an_unwritable_reports_folder_is_reported_truthfully(project: Path, capsys, monkeypatch) -> None:
    from helpers.build import job as runner

    assert build(project) == 0
    (project / "data" / "numbers.txt").write_text("10\n")
    denied = PermissionError(13, "Permission denied")

    def refuse(*args, **kwargs):
        raise denied

    write_atomic = runner.write_atomic
    monkeypatch.setattr(runner, "swap_folder", refuse)
    monkeypatch.setattr(
        runner, "write_atomic", lambda path, text: refuse() if "_failed" in path.parts else write_atomic(path, text)
    )
    capsys.readouterr()
    assert build(project) == 1
    err = capsys.readouterr().err
    assert "FAILED tiny-1.0" in err and "could not be written" in err
    assert "kept in" not in err and "nothing kept" in err
    assert not (project / "reports" / "_failed" / "tiny-1.0.ipynb").exists()
    index = (project / "reports" / "index.html").read_text()
    assert ">ok<" not in index and index.count("failed in the last build") == 2
    assert read_total(project, "tiny-1.0") == "total,6.0"  # the previous report stays


def test_a_success_removes_the_jobs_failure_records(project: Path) -> None:
    (project / "data" / "numbers.txt").write_text("not a number\n")
    assert build(project) == 1
    assert (project / "reports" / "_failed" / "tiny-1.0.json").exists()
    (project / "data" / "numbers.txt").write_text("1\n")
    assert build(project) == 0
    assert not (project / "reports" / "_failed").exists()


def test_wait_waits_for_the_holder_then_builds(project: Path) -> None:
    reports = project / "reports"
    reports.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(reports)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    cmd = [sys.executable, "-m", "helpers.build", "--config", str(project / "reports.yaml")]
    waiting = subprocess.Popen(
        [*cmd, "--reports", str(reports), "--no-progress", "--wait"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert waiting.stdout.readline().startswith(f"Waiting for the build of pid {holder.pid}")
        assert not (reports / "tiny-1.0").exists()
        holder.stdin.close()  # the holder finishes and releases the lock
        holder.wait()
        assert waiting.wait() == 0
    finally:
        holder.kill()
        waiting.kill()
    assert read_total(project, "tiny-1.0") == "total,6.0"


# ---- a shared reports/ is untrusted -------------------------------------------------------------


def tamper(project: Path, output: str, **fields) -> None:
    record_path = project / "reports" / output / "build.json"
    record = json.loads(record_path.read_text())
    record_path.write_text(json.dumps({**record, **fields}))


def test_a_tampered_build_json_makes_only_its_report_stale_even_with_force(project: Path, capsys) -> None:
    assert build(project) == 0
    tamper(project, "tiny-1.0", needs=[])
    capsys.readouterr()
    assert build(project, "--list") == 0
    out = capsys.readouterr().out
    assert "build.json is not one the build writes (needs:" in out and out.count("up to date") == 1
    assert build(project, "--force") == 0
    assert "2 built" in capsys.readouterr().out
    tamper(project, "tiny-2.0", files={"results.csv": 7})
    assert build(project) == 0
    out = capsys.readouterr().out
    assert "1 built, 1 up to date" in out and "why tiny-2.0 was rebuilt: its build.json is not one" in out


def test_listed_names_outside_the_folder_or_special_files_are_never_read(project: Path, tmp_path: Path) -> None:
    assert build(project) == 0
    os.mkfifo(project / "reports" / "tiny-2.0" / "pipe")
    tamper(project, "tiny-1.0", files={"../../data/numbers.txt": "0" * 64, "/proc/kmsg": "0" * 64})
    record = json.loads((project / "reports" / "tiny-2.0" / "build.json").read_text())
    tamper(project, "tiny-2.0", files={**record["files"], "pipe": "0" * 64})
    listed = subprocess.run(build_command(project, "--list"), capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert "not a plain name inside the report folder" in listed.stdout
    assert "not a regular file: pipe" in listed.stdout
    done = subprocess.run(build_command(project), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "2 built" in done.stdout


def test_damaged_notes_in_reports_never_stop_a_build(project: Path, capsys) -> None:
    assert build(project) == 0
    reports = project / "reports"
    (reports / ".timings.json").write_text("[1, 2]")
    (reports / ".build.lock.json").write_text('["not", "a", "holder"]')
    (reports / "_failed").mkdir()
    (reports / "_failed" / "tiny-1.0.json").write_text("[]")
    assert build(project) == 0
    out = capsys.readouterr().out
    assert "0 built, 2 up to date" in out


def test_failure_records_of_jobs_no_longer_in_the_config_are_removed(project: Path) -> None:
    (project / "data" / "numbers.txt").write_text("not a number\n")
    assert build(project) == 1
    assert (project / "reports" / "_failed" / "tiny-2.0.ipynb").exists()
    (project / "data" / "numbers.txt").write_text("1\n")
    config = (project / "reports.yaml").read_text()
    (project / "reports.yaml").write_text(config.replace("[1.0, 2.0]", "[1.0, 3.0]"))
    (project / "reports" / "_failed" / "tiny-1.0.json").write_text('{"job": "tiny-1.0", "error": "old"}')
    assert build(project, "--only", "tiny-3.0") == 0
    failed = project / "reports" / "_failed"
    assert not (failed / "tiny-2.0.ipynb").exists() and not (failed / "tiny-2.0.json").exists()
    assert (failed / "tiny-1.0.json").exists()  # a job the config still has keeps its record until it builds


def test_a_cell_past_its_timeout_runs_once_and_is_named(project: Path, capsys) -> None:
    marker = project / "runs.txt"
    write_notebook(
        project / "slow.ipynb",
        'output_dir = "out"',
        [
            f"from pathlib import Path\nwith open({str(marker)!r}, 'a') as f:\n    f.write('run\\n')",
            "import time; time.sleep(60)",
        ],
    )
    (project / "reports.yaml").write_text("jobs:\n  - name: slow\n    notebook: slow.ipynb\n    timeout: 3\n")
    started = time.perf_counter()
    assert build(project) == 1
    err = capsys.readouterr().err
    assert marker.read_text() == "run\n" and time.perf_counter() - started < 50
    assert "FAILED slow:" in err and "ran past its timeout of 3 s" in err and "time.sleep(60)" in err
    assert "kernel never ran" not in err and "executed notebook kept in" in err
    assert "time.sleep(60)" in (project / "reports" / "_failed" / "slow.ipynb").read_text()


def test_two_refreshes_of_data_processed_at_once_both_succeed(tmp_path: Path) -> None:
    """Two builds into different reports folders may both find data/processed stale: one waits for the other."""
    code = (
        "import sys; from pathlib import Path; from helpers.outputs.processed import refresh_processed\n"
        "refresh_processed(Path(sys.argv[1]))"
    )
    target = tmp_path / "processed"
    runs = [
        subprocess.Popen([sys.executable, "-c", code, str(target)], stderr=subprocess.PIPE, text=True) for _ in range(3)
    ]
    errors = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], errors
    assert (target / ".stamp.json").exists() and any((target / "surveys").rglob("counts.csv"))
    assert not (tmp_path / ".processed.tmp").exists()


def test_every_page_carries_a_policy_that_allows_only_its_templates_scripts(project: Path) -> None:
    import base64
    import hashlib
    import re

    assert build(project) == 0
    for page in (project / "reports" / "index.html", project / "reports" / "tiny-1.0" / "index.html"):
        html = page.read_text()
        policies = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert len(policies) == 1 and html.index("Content-Security-Policy") < html.find("<script") + len(html) * (
            "<script" not in html
        )
        policy = policies[0]
        assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        head = html[: html.index("</head>")]
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
        assert len(scripts) == len(re.findall(r"<script[^>]*>(.*?)</script>", head, re.S))
        for body in scripts:
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy
        if not scripts:
            assert "script-src 'none'" in policy
