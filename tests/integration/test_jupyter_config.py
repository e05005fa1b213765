"""The project's Jupyter configuration offers the workbench's kernel only, so no notebook runs outside .venv unnoticed.

JupyterLab lists every kernel it finds (ipykernel's generic "Python 3 (ipykernel)", a user's own) and
puts the generic one first; a notebook started from it runs outside the workbench's environment.
`make lab` passes jupyter/jupyter_server_config.json, which allows only `commissioning-workbench`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from traitlets.config.loader import JSONFileConfigLoader

from helpers.core import paths

CONFIG = paths.ROOT / "jupyter" / "jupyter_server_config.json"
KERNEL = "commissioning-workbench"


def test_the_config_leaves_only_the_workbench_kernel() -> None:
    config = JSONFileConfigLoader(CONFIG.name, str(CONFIG.parent)).load_config()
    assert set(KernelSpecManager().find_kernel_specs()) > {KERNEL}  # others are installed: python3 at least
    assert set(KernelSpecManager(config=config).find_kernel_specs()) == {KERNEL}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_serves_the_workbench_kernel_only() -> None:
    port, token = free_port(), "first-day-test"
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token}"
    env = {k: v for k, v in os.environ.items() if k not in ("LAB_ARGS", "MAKEFLAGS")}
    lab = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=paths.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/kernelspecs", headers={"Authorization": f"token {token}"}
        )
        deadline, specs = time.monotonic() + 120, None
        while specs is None and time.monotonic() < deadline and lab.poll() is None:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    specs = json.load(response)
            except OSError:
                time.sleep(0.5)
        assert specs is not None, "JupyterLab did not answer"
        assert set(specs["kernelspecs"]) == {KERNEL} and specs["default"] == KERNEL
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait()
