"""The Dask worker check compares what the build needs: Python, the pinned packages, the helpers source."""

from __future__ import annotations

from helpers.build import worker


def test_the_environment_holds_exactly_the_pinned_packages() -> None:
    env = worker.environment()
    pinned = set(worker.pinned_names())
    assert {"pandas", "papermill", "nbconvert"} <= pinned
    assert set(env["packages"]) == pinned
    assert "pip" not in env["packages"]  # installed everywhere, pinned nowhere: a tool, not the build's


def test_a_pinned_package_at_another_version_is_named() -> None:
    ours = worker.environment()
    theirs = {**ours, "packages": dict(ours["packages"])}
    assert worker.differences(ours, theirs) == []
    theirs["packages"]["pandas"] = "0.0.1"
    assert worker.differences(ours, theirs) == [f"pandas 0.0.1 where this client has {ours['packages']['pandas']}"]
