"""helpers.outputs.processed: the tidy tables of data/processed, rewritten only when data/raw changed."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers.core import paths
from helpers.core.errors import DataError, Problem
from helpers.interviews import load_excerpts
from helpers.outputs import processed
from helpers.survey import load_survey


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    processed.write_tables(out)
    return out


def test_survey_tables_match_the_loader(tables):
    survey = load_survey(paths.LOCALIS_2011)
    counts = pd.read_csv(tables / "surveys" / "localis_2011" / "counts.csv", keep_default_na=False)
    questions = pd.read_csv(tables / "surveys" / "localis_2011" / "questions.csv", keep_default_na=False)
    assert counts["count"].sum() == survey.tidy_counts()["count"].sum()
    assert list(questions["question"]) == [q.id for q in survey.spec.questions]
    assert list(questions["answered"]) == [
        str(q.answered) if q.answered is not None else "" for q in survey.spec.questions
    ]


def test_excerpts_and_frame_written(tables):
    excerpts = pd.read_csv(tables / "interviews" / "local_partnerships_2015" / "excerpts.csv")
    assert len(excerpts) == len(load_excerpts(paths.LOCAL_PARTNERSHIPS_2015))
    frame_date = load_survey(paths.LOCALIS_2011).spec.meta["population"]["frame_date"]
    assert (tables / "reference" / f"principal_authorities_{frame_date}.csv").stat().st_size > 0


def test_files_end_lines_with_newline_only(tables):
    for path in tables.rglob("*.csv"):
        assert b"\r\n" not in path.read_bytes(), path


def test_refresh_writes_once_then_skips_and_keeps_other_files(tmp_path):
    target = tmp_path / "processed"
    target.mkdir()
    (target / "README.md").write_text("kept\n")
    (target / "01_delivery_and_intent").mkdir()
    (target / "01_delivery_and_intent" / "results.csv").write_text("a notebook's own output\n")
    assert processed.refresh_processed(target) is True
    assert json.loads((target / processed.STAMP).read_text())["key"]
    assert processed.refresh_processed(target) is False  # nothing changed: no rewrite
    assert (target / "README.md").read_text() == "kept\n"
    assert (target / "01_delivery_and_intent" / "results.csv").exists()
    assert not (tmp_path / ".processed.tmp").exists()


def test_a_changed_stamp_rewrites(tmp_path):
    target = tmp_path / "processed"
    assert processed.refresh_processed(target) is True
    (target / processed.STAMP).write_text(json.dumps({"key": "an older key"}))
    (target / "surveys" / "localis_2011" / "counts.csv").write_text("stale\n")
    assert processed.refresh_processed(target) is True
    assert (target / "surveys" / "localis_2011" / "counts.csv").read_text() != "stale\n"


def test_bad_raw_data_leaves_the_target_untouched(tmp_path, monkeypatch):
    target = tmp_path / "processed"
    assert processed.refresh_processed(target) is True
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}

    def broken(out):
        raise DataError([Problem("data/raw/surveys/x/counts.csv", 3, "count", "a whole number", "seven")])

    monkeypatch.setattr(processed, "write_tables", broken)
    (target / processed.STAMP).write_text(json.dumps({"key": "an older key"}))
    with pytest.raises(DataError, match="counts.csv"):
        processed.refresh_processed(target)
    after = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert {k: v for k, v in after.items() if k.name != processed.STAMP} == {
        k: v for k, v in before.items() if k.name != processed.STAMP
    }
