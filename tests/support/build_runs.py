"""The command line of a build of a test project, for tests that run it in its own process."""

from __future__ import annotations

import sys
from pathlib import Path


def build_command(project: Path, *options: str) -> list[str]:
    """`python -m helpers.build` on project/reports.yaml into project/reports, quiet, with `options`."""
    config, reports = str(project / "reports.yaml"), str(project / "reports")
    return [sys.executable, "-m", "helpers.build", "--config", config, "--reports", reports, "--no-progress", *options]
