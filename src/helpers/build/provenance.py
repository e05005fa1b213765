"""What a report's provenance names (the commit, the pinned packages) and the data/processed refresh it reads."""

from __future__ import annotations

import sys

from ..core import paths
from ..core.hashing import raw_data_key, stamp_holds

PROCESSED_STAMP = ".stamp.json"  # written by helpers.outputs.processed
RAW_DATA_ERRORS = 2  # helpers.outputs.processed's exit code when data/raw has errors


def refresh_processed() -> tuple[str, str]:
    """Rewrite data/processed when data/raw or the helpers changed: ("", "") or (what failed, why).

    The check is a hash (no pandas); only a change runs the writer, in its own process, so the build
    never imports the survey and interview loaders itself. The writer holds its own lock, so builds
    into different reports folders never race on it; only its exit code 2 means the raw data is bad.
    """
    if stamp_holds(paths.PROCESSED / PROCESSED_STAMP, raw_data_key()):
        return "", ""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "helpers.outputs.processed"], cwd=paths.ROOT, capture_output=True, text=True
    )
    if done.returncode == 0:
        return "", ""
    why = done.stderr.strip() or f"exit {done.returncode}"
    if done.returncode == RAW_DATA_ERRORS:
        return "the raw data has errors", why
    return f"{paths.shown(paths.PROCESSED)} could not be refreshed", why.splitlines()[-1]


def git_commit() -> str:
    """The commit the build ran from, marked when the work tree has uncommitted changes."""
    import subprocess  # only a build that runs a job names its commit

    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=paths.ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" + uncommitted changes" if dirty else "")


def package_versions() -> dict[str, str]:
    """Pinned versions of the direct dependencies, and Python's."""
    direct = (
        [
            line.strip().lower()
            for line in (paths.ROOT / "requirements.in").read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
        if (paths.ROOT / "requirements.in").exists()
        else []
    )
    pins = {}
    req = paths.ROOT / "requirements.txt"
    if req.exists():
        for line in req.read_text().splitlines():
            if "==" in line:
                name, version = line.split("==", 1)
                pins[name.strip().lower().replace("_", "-")] = version.strip()
    out = {"python": ".".join(map(str, sys.version_info[:3]))}
    out.update({name: pins[name] for name in direct if name in pins})
    return out
