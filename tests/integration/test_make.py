"""The make targets researchers use: values reach the programs literally, never run; lab as root; clean keeps .venv.

Each user value (NAME, FROM, BUILD_ARGS, LAB_ARGS, PYTEST_ARGS, JOBS) is tried with a `;`, a backtick,
a shell `$(...)`, make's own `$(shell ...)` and both kinds of quote. Nothing in them may run (a marker
file stays absent) and the program must receive the value as typed. To see what a program receives
without starting JupyterLab or the whole suite, `BIN=` points make at a stand-in `python` that reports
its command line (after helpers.launch has split the *_ARGS as it would before running them) and its
environment.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.core import paths

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")

STAND_IN = """#!{python}
import json, os, sys
sys.path.insert(0, {src!r})
argv = sys.argv[1:]
if argv[:2] == ["-m", "helpers.launch"]:
    from helpers.launch import command
    argv = command(argv[2:])[1:]
print("RECEIVED " + json.dumps({{"argv": argv, "env": {{k: os.environ.get(k) for k in {names!r}}}}}))
"""
NAMES = ["NAME", "FROM", "BUILD_ARGS", "LAB_ARGS", "PYTEST_ARGS", "JOBS"]


def hostile(marker: Path) -> list[str]:
    """Values that would create `marker` if a shell or make ever parsed them as code."""
    return [
        f"x;touch {marker}",
        f"x`touch {marker}`",
        f"x$(touch {marker})",
        f"x$(shell touch {marker})",
        f"x' ; touch {marker} ; echo '",
        f'x" ; touch {marker} ; echo "',
    ]


@pytest.fixture
def stand_in(tmp_path) -> Path:
    """A bin folder whose `python` reports what it was given instead of running anything."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "python"
    script.write_text(STAND_IN.format(python=sys.executable, src=str(paths.ROOT / "src"), names=NAMES))
    script.chmod(0o755)
    for tool in ("ruff", "lint-imports"):  # `make test` lints first; the stand-ins pass
        (bin_dir / tool).write_text("#!/bin/sh\nexit 0\n")
        (bin_dir / tool).chmod(0o755)
    return bin_dir


def make(*args: str, check: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in NAMES and k != "MAKEFLAGS"}
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=paths.ROOT, capture_output=True, text=True, env=env, check=check
    )


def received(done: subprocess.CompletedProcess) -> dict:
    """What the first program the target ran was given."""
    lines = [line for line in done.stdout.splitlines() if line.startswith("RECEIVED ")]
    assert lines, done.stdout + done.stderr
    return json.loads(lines[0].removeprefix("RECEIVED "))


def dry_run(*args: str) -> str:
    return make("-n", *args, check=True).stdout


@pytest.mark.parametrize("target", ["new-wave", "new-notebook", "clean-wave"])
def test_a_name_reaches_its_program_as_one_literal_argument(target, stand_in, tmp_path) -> None:
    marker = tmp_path / "ran"
    for value in hostile(marker):
        got = received(make(target, f"NAME={value}", f"BIN={stand_in}"))
        assert not marker.exists(), f"make {target} NAME={value!r} ran a command"
        assert got["argv"][-1] == value and value not in got["argv"][:-1]


def test_new_wave_passes_from_literally(stand_in, tmp_path) -> None:
    marker = tmp_path / "ran"
    for value in hostile(marker):
        got = received(make("new-wave", "NAME=w", f"FROM={value}", f"BIN={stand_in}"))
        assert not marker.exists()
        assert got["argv"][-4:] == ["--from", value, "--", "w"]
    assert "--from" not in received(make("new-wave", "NAME=w", f"BIN={stand_in}"))["argv"]


@pytest.mark.parametrize(
    "target, variable, program",
    [("reports", "BUILD_ARGS", "helpers.build"), ("lab", "LAB_ARGS", "jupyterlab"), ("test", "PYTEST_ARGS", "pytest")],
)
def test_args_are_split_into_words_and_nothing_in_them_runs(target, variable, program, stand_in, tmp_path) -> None:
    marker = tmp_path / "ran"
    for value in hostile(marker):
        got = received(make(target, f"{variable}=--first {value}", f"BIN={stand_in}"))
        assert not marker.exists(), f"make {target} {variable}={value!r} ran a command"
        assert got["env"][variable] == f"--first {value}"  # the program's environment holds it as typed
        words = shlex.split(f"--first {value}")  # split as a shell splits words, and nothing more
        assert got["argv"][:2] == ["-m", program] and got["argv"][-len(words) :] == words
    quoted = received(make(target, f"{variable}=--name 'two words' \"a;b\"", f"BIN={stand_in}"))
    assert quoted["argv"][-3:] == ["--name", "two words", "a;b"]


def test_an_unclosed_quote_in_args_is_one_clear_message(stand_in) -> None:
    done = make("reports", "BUILD_ARGS=--only 'x", f"BIN={stand_in}")
    assert done.returncode != 0 and "RECEIVED" not in done.stdout
    assert "BUILD_ARGS: No closing quotation" in done.stderr and "Traceback" not in done.stderr


def test_jobs_reaches_pytest_literally(stand_in, tmp_path) -> None:
    marker = tmp_path / "ran"
    got = received(make("test", f"JOBS=2;touch {marker}", f"BIN={stand_in}"))
    assert not marker.exists()
    assert got["argv"][got["argv"].index("-n") + 1] == f"2;touch {marker}"


def test_the_real_programs_receive_hostile_values_literally(tmp_path) -> None:
    """Through the real new_wave, new_notebook and build: each refuses the value, naming it as typed."""
    marker = tmp_path / "ran"
    value = f"x;touch {marker}`touch {marker}`$(touch {marker})"
    for target in ("new-wave", "new-notebook"):
        done = make(target, f"NAME={value}")
        assert done.returncode != 0 and not marker.exists()
        assert repr(value) in done.stdout + done.stderr
    done = make("reports", f"BUILD_ARGS=--only '{value}' --list")
    assert done.returncode != 0 and not marker.exists()
    assert value in done.stdout + done.stderr
    assert not (paths.ROOT / "data" / "raw" / "surveys" / "x").exists()


def test_make_lab_passes_allow_root_for_root_the_jupyter_config_and_lab_args(stand_in) -> None:
    got = received(make("lab", "LAB_ARGS=--port 8889", f"BIN={stand_in}"))
    assert got["argv"][-2:] == ["--port", "8889"]
    assert ("--allow-root" in got["argv"]) == (os.getuid() == 0)
    assert any(word.startswith("--config=") and word.endswith("jupyter_server_config.json") for word in got["argv"])


def test_make_clean_keeps_the_environment_and_clean_env_removes_it() -> None:
    assert ".venv" not in dry_run("clean") and "reports/*" in dry_run("clean")
    assert "rm -rf .venv" in dry_run("clean-env")


def test_every_target_has_a_usage_line() -> None:
    listed = make(check=True).stdout
    for target in ("new-wave", "clean-wave", "new-notebook", "lab", "reports", "test", "notebooks", "format"):
        assert f"make {target} " in listed
