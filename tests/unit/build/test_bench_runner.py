"""`make bench` collects one BENCH line per figure from each benchmark and ends with a table of them all."""

from __future__ import annotations

import importlib.util

from helpers.core import paths

spec = importlib.util.spec_from_file_location("run_all", paths.BENCHMARKS / "run_all.py")
run_all = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_all)


def test_a_bench_line_gives_name_figure_bar_and_verdict() -> None:
    assert run_all.parse("BENCH build.noop 0.06s <=0.1s met") == ("build.noop", "0.06s", "<=0.1s", "met")
    assert run_all.parse("BENCH rules.mbps 41.0MB/s >=50MB/s not met")[3] == "not met"
    assert run_all.parse("BENCH x 1 2 perhaps") is None and run_all.parse("build 1 2 met") is None


def test_the_table_shows_every_figure_a_failed_script_and_a_silent_one() -> None:
    text = run_all.table(
        [("bench_build", [("build.noop", "0.06s", "<=0.1s", "met")], 0), ("bench_qdpx", [], 0), ("bench_x", [], 1)]
    )
    lines = text.splitlines()
    assert lines[0].split() == ["benchmark", "figure", "bar", "verdict"]
    assert "build.noop" in text and "0.06s" in text and "no figure" in text and "FAILED (exit 1)" in text
