"""Every report built once from reports.yaml into a temporary folder, for the tests that read them."""

from __future__ import annotations

import pytest

from helpers.build import main as build_main
from helpers.core import paths


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory):
    """The reports folder of a full build (each test process builds it once)."""
    reports = tmp_path_factory.mktemp("reports")
    assert build_main(["--config", str(paths.ROOT / "reports.yaml"), "--reports", str(reports), "--no-progress"]) == 0
    return reports
