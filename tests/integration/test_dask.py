"""The build on a real Dask cluster of worker processes: same bytes, same failures, same cache as the local build."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers.build import main
from helpers.core import paths

pytest.importorskip("distributed", reason="distributed is not installed (the optional extra: pip install -e .[dask])")

import dask  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

KERNEL = {"name": "commissioning-workbench", "display_name": "Python (commissioning workbench)", "language": "python"}

# A tiny report: reads a data file, scales its total, writes results.csv. It fails when `scale` equals
# `fail_on`; the first time it runs with `kill_marker` set, it kills the Dask worker that runs it
# (the ancestor of its kernel whose parent is `client_pid`, the process holding the cluster); with
# `scheduler_pid`, it kills the Dask scheduler (if still running) at its end. The marker is given as "marker:PATH": a
# plain path would count as an input file, whose change the workers refuse.
PARAMETERS = (
    'data_file = "numbers.txt"\nscale = 1.0\nfail_on = -1.0\nkill_marker = ""\nclient_pid = 0\nscheduler_pid = 0\n'
    'output_dir = "out"'
)
BODY = [
    "from pathlib import Path\n"
    "from helpers.core import parameters\n"
    "out = parameters.output_dir('output_dir', output_dir)\n"
    "total = sum(float(x) for x in Path(data_file).read_text().split()) * scale\n"
    "(out / 'results.csv').write_text(f'statistic,estimate\\ntotal,{total}\\n')\n"
    "print(f'total = {total}')",
    "marker = Path(kill_marker.removeprefix('marker:'))\n"
    "if kill_marker and not marker.exists():\n"
    "    import os, signal, psutil\n"
    "    marker.write_text('killed once')\n"
    "    worker = next(p for p in psutil.Process().parents() if p.ppid() == client_pid)\n"
    "    os.kill(worker.pid, signal.SIGKILL)\n"
    "    signal.pause()  # this kernel goes down with its worker",
    "assert scale != fail_on, f'scale {scale} is refused'",
    "if scheduler_pid:\n    import contextlib, os, signal\n"
    "    with contextlib.suppress(ProcessLookupError):\n        os.kill(scheduler_pid, signal.SIGKILL)",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "numbers.txt").write_text("1\n2\n3\n")
    nb = new_notebook(
        cells=[
            new_markdown_cell("# A tiny report\n\n## Section one"),
            new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
            *[new_code_cell(src) for src in BODY],
        ]
    )
    nb.metadata["kernelspec"] = KERNEL
    nbformat.write(nb, tmp_path / "sum.ipynb")
    configure(tmp_path)
    return tmp_path


def configure(project: Path, **parameters) -> None:
    params = {"data_file": str(project / "numbers.txt"), **parameters}
    (project / "reports.yaml").write_text(
        "jobs:\n  - name: tiny\n    notebook: sum.ipynb\n    group: Tests\n    parameters:\n"
        + "".join(f"      {k}: {v!r}\n" for k, v in params.items())
        + "    sweep:\n      scale: [1.0, 2.0]\n"
    )


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, one thread each; the scheduler leaves retries after a worker's death to the build."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    yield local
    local.close()


def build(project: Path, *args: str) -> int:
    return main(
        ["--config", str(project / "reports.yaml"), "--reports", str(project / "reports"), "--no-progress", *args]
    )


def snapshot(reports: Path) -> dict[str, bytes]:
    """Every report file (the timings and the stat cache kept beside them vary by design)."""
    return {
        p.relative_to(reports).as_posix(): p.read_bytes()
        for p in sorted(reports.rglob("*"))
        if p.is_file() and p.name not in (".timings.json", ".build.stat-cache.json")
    }


def total(project: Path, output: str) -> str:
    return (project / "reports" / output / "results.csv").read_text().splitlines()[1]


def test_local_cluster_build_is_byte_identical_to_the_local_build(project: Path, capsys) -> None:
    assert build(project) == 0
    local = snapshot(project / "reports")
    assert build(project, "--force", "--dask", "local:2") == 0
    assert "2 built" in capsys.readouterr().out
    on_cluster = snapshot(project / "reports")
    assert set(on_cluster) == set(local) and {"tiny-1.0/index.html", "tiny-2.0/results.csv"} <= set(local)
    assert on_cluster == local
    assert not (project / "reports" / ".staging").exists() or not any((project / "reports" / ".staging").iterdir())


def test_failing_job_keeps_the_previous_report_and_its_notebook(project: Path, cluster, capsys) -> None:
    assert build(project, "--dask", cluster.scheduler_address) == 0
    before = snapshot(project / "reports")
    configure(project, fail_on=2.0)
    assert build(project, "--dask", cluster.scheduler_address) == 1
    out = capsys.readouterr()
    assert "FAILED tiny-2.0" in out.err and "scale 2.0 is refused" in out.err
    after = snapshot(project / "reports")
    assert {k: v for k, v in after.items() if k.startswith("tiny-2.0/")} == {
        k: v for k, v in before.items() if k.startswith("tiny-2.0/")
    }
    assert total(project, "tiny-1.0") == "total,6.0"
    failed = project / "reports" / "_failed" / "tiny-2.0.ipynb"
    assert "scale 2.0 is refused" in failed.read_text()
    assert "failed in the last build" in (project / "reports" / "index.html").read_text()


def test_a_job_whose_worker_dies_is_retried_on_another(project: Path, cluster, capsys) -> None:
    marker = project / "killed"
    configure(project, kill_marker=f"marker:{marker}", client_pid=os.getpid())
    assert build(project, "--only", "tiny-1.0", "--dask", cluster.scheduler_address) == 0
    out = capsys.readouterr().out
    assert marker.exists()
    assert "NOTE tiny-1.0: retried by the build on tcp://" in out and "died while running it" in out
    assert total(project, "tiny-1.0") == "total,6.0"
    assert not (project / "reports" / "_failed").exists() or not any((project / "reports" / "_failed").iterdir())


def test_a_worker_with_another_package_version_is_refused(project: Path, cluster, capsys) -> None:
    with Client(cluster) as client:
        odd = sorted(client.nthreads())[0]
        client.run(fake_pandas_version, workers=[odd])
        try:
            assert build(project, "--dask", cluster.scheduler_address) == 2
        finally:
            client.run(real_environment, workers=[odd])
    err = capsys.readouterr().err
    assert f"worker {odd} has pandas 0.0.1 where this client has " in err
    assert not (project / "reports" / "tiny-1.0").exists()


def fake_pandas_version() -> None:
    """Run on one worker: make it report another pandas."""
    from helpers.build import worker

    real = worker.environment
    worker.environment = lambda: {**real(), "packages": {**real()["packages"], "pandas": "0.0.1"}}
    worker.environment.real = real


def real_environment() -> None:
    from helpers.build import worker

    worker.environment = worker.environment.real


def test_only_and_cache_hits_behave_as_locally(project: Path, cluster, capsys) -> None:
    address = cluster.scheduler_address
    assert build(project, "--only", "tiny-2.0", "--dask", address) == 0
    assert "1 built" in capsys.readouterr().out
    assert not (project / "reports" / "tiny-1.0").exists() and total(project, "tiny-2.0") == "total,12.0"
    assert build(project, "--dask", address) == 0
    assert "1 built, 1 up to date" in capsys.readouterr().out
    # built on the cluster, up to date for the local build, and the other way round
    assert build(project) == 0
    assert "0 built, 2 up to date" in capsys.readouterr().out
    (project / "numbers.txt").write_text("1\n2\n4\n")
    assert build(project) == 0
    assert build(project, "--dask", address) == 0
    assert "0 built, 2 up to date" in capsys.readouterr().out.splitlines()[-1]


def test_outputs_that_do_not_match_their_hashes_are_not_swapped_in(project: Path) -> None:
    """A worker's files are checked on arrival: a changed byte fails the job and keeps the previous report."""
    from helpers.build.config import load_config
    from helpers.build.distributed import Cluster
    from helpers.build.runner import Builder

    assert build(project, "--only", "tiny-1.0") == 0
    before = snapshot(project / "reports")
    builder = Builder(project / "reports.yaml", project / "reports", 1, False, None, progress=False)
    cluster = Cluster.__new__(Cluster)
    cluster.builder = builder
    job = next(j for j in load_config(project / "reports.yaml") if j.name == "tiny-1.0")
    files = {"index.html": b"<p>new</p>", "results.csv": b"statistic,estimate\ntotal,7.0\n"}
    hashes = {"index.html": hashlib.sha256(b"<p>new</p>").hexdigest(), "results.csv": "0" * 64}
    result = {"status": "built", "worker": "tcp://w", "files": files, "hashes": hashes, "seconds": 1.0}
    outcome = cluster.receive(job, project / "reports" / ".staging" / job.output, 0.0, result, "")
    assert outcome.status == "failed" and "do not match their SHA-256 (results.csv)" in outcome.message
    after = snapshot(project / "reports")
    assert {k: v for k, v in after.items() if k.startswith("tiny-1.0/")} == {
        k: v for k, v in before.items() if k.startswith("tiny-1.0/")
    }
    assert total(project, "tiny-1.0") == "total,6.0"


def test_the_core_stack_never_imports_distributed() -> None:
    code = "import sys, helpers.build, helpers.build.runner; sys.exit('distributed' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=paths.ROOT).returncode == 0


def test_a_lost_scheduler_stops_the_build_and_leaves_reports_whole(project: Path, capsys) -> None:
    """The scheduler and worker are separate processes, as on a real cluster; a job kills the scheduler."""
    assert build(project) == 0
    before = snapshot(project / "reports")
    info = project / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    dask_cli = Path(sys.executable).parent / "dask"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen(
        [dask_cli, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", info],
        **quiet,
    )
    worker = subprocess.Popen(
        [dask_cli, "worker", "--scheduler-file", info, "--nthreads", "1", "--no-dashboard"], **quiet
    )
    try:
        with Client(scheduler_file=str(info), timeout="60s") as client:
            client.wait_for_workers(1, timeout=120)
            address = client.scheduler.address
        configure(project, scheduler_pid=scheduler.pid)
        assert build(project, "--dask", address) == 1
    finally:
        for process in (worker, scheduler):
            process.kill()
            process.wait()
    err = capsys.readouterr().err
    assert f"Build stopped: the Dask scheduler at {address} was lost" in err
    assert "Run the build again" in err
    # The reports are as they were (the index only says which jobs failed); the worker, which outlived its
    # scheduler, may have left its job's files in .staging/, which the next build clears.
    after = {k: v for k, v in snapshot(project / "reports").items() if not k.startswith(".staging/")}
    assert after == before | {"index.html": after["index.html"]}
    assert build(project) == 0
    assert "2 built" in capsys.readouterr().out


def test_a_client_killed_mid_build_leaves_reports_whole_and_the_next_build_completes_it(project: Path) -> None:
    assert build(project) == 0
    configure(project, fail_on=5.0)  # a new parameter value: every report is stale
    started = time.time()
    command = [sys.executable, "-m", "helpers.build", "--config", str(project / "reports.yaml")]
    command += ["--reports", str(project / "reports"), "--no-progress", "--dask", "local:2"]
    client = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    records = [project / "reports" / f"tiny-{scale}" / "build.json" for scale in ("1.0", "2.0")]
    try:  # kill it as soon as it has swapped a first report in (or when it ends on its own)
        while client.poll() is None and not any(r.exists() and r.stat().st_mtime >= started for r in records):
            time.sleep(0.01)
    finally:
        client.send_signal(signal.SIGKILL)
        client.wait()
    assert client.returncode == -signal.SIGKILL  # killed, not ended: it still had its cluster to close
    for record in records:  # each report is a whole one, old or new
        assert json.loads(record.read_text())["parameters"].get("fail_on") in (None, 5.0)
    assert build(project) == 0
    assert all(json.loads(r.read_text())["parameters"]["fail_on"] == 5.0 for r in records)
    assert total(project, "tiny-2.0") == "total,12.0"


# ---- Dask as Dask users run it ----------------------------------------------------------------


@pytest.fixture
def spec_cluster():
    """What dask-jobqueue and dask-kubernetes build on: a SpecCluster of nanny-run workers, with Dask's
    default allowed-failures (3), as `dask scheduler` starts it."""
    from distributed import Nanny, Scheduler, SpecCluster

    scheduler = {"cls": Scheduler, "options": {"dashboard": False, "dashboard_address": ":0", "host": "127.0.0.1"}}
    workers = {f"w{i}": {"cls": Nanny, "options": {"nthreads": 1}} for i in range(2)}
    cluster = SpecCluster(scheduler=scheduler, workers=workers, silence_logs=50)
    yield cluster
    cluster.close()


def test_a_spec_cluster_is_used_through_its_address_like_any_users(project: Path, spec_cluster, capsys) -> None:
    assert dask.config.get("distributed.scheduler.allowed-failures") == 3
    assert build(project) == 0
    local = snapshot(project / "reports")
    assert build(project, "--force", "--dask", spec_cluster.scheduler_address) == 0
    assert "2 built" in capsys.readouterr().out
    assert snapshot(project / "reports") == local


def test_a_scheduler_that_reruns_tasks_is_used_and_the_summary_says_who_retried(
    project: Path, spec_cluster, capsys
) -> None:
    marker = project / "killed"
    configure(project, kill_marker=f"marker:{marker}", client_pid=os.getpid())
    assert build(project, "--only", "tiny-1.0", "--dask", spec_cluster.scheduler_address) == 0
    out = capsys.readouterr().out
    assert marker.exists() and total(project, "tiny-1.0") == "total,6.0"
    assert "NOTE tiny-1.0: retried by the Dask scheduler (once, after its worker died)" in out
    assert "retried by the build" not in out


def test_the_build_retry_is_named_as_the_builds(project: Path, cluster, capsys) -> None:
    marker = project / "killed"
    configure(project, kill_marker=f"marker:{marker}", client_pid=os.getpid())
    assert build(project, "--only", "tiny-2.0", "--dask", cluster.scheduler_address) == 0
    assert "NOTE tiny-2.0: retried by the build on tcp://" in capsys.readouterr().out


def test_a_port_where_something_else_answers_is_one_refusal(project: Path, capsys) -> None:
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def answer() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            time.sleep(2)

    threading.Thread(target=answer, daemon=True).start()
    address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    try:
        assert build(project, "--dask", address) == 2
    finally:
        listener.close()
    err = capsys.readouterr().err
    assert "does not speak Dask's protocol" in err and "Traceback" not in err and "MemoryError" not in err
    assert not (project / "reports" / "tiny-1.0").exists()
