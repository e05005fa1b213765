"""Notebook 06 run by papermill on the shipped framework set and on a smaller one this test writes."""

from __future__ import annotations

import json
import textwrap
import zipfile

import pandas as pd
import papermill as pm
import pytest
from notebook_runs import run_notebook

from helpers.core import paths
from helpers.interviews import refi as refiqda

NOTEBOOK = paths.NOTEBOOKS / "06_frameworks.ipynb"

SMALL = {
    "sources.csv": (
        "document,source,title,publisher,date\nx.txt,Xenia 1999,On X,X,1999\ny.txt,Ypsilon 2020,On Y,Y,2020\n"
    ),
    "lists.csv": "list_id,document,name,lead_in\nxs,x.txt,X's steps,Steps:\nys,y.txt,Y's advice,Advice:\n",
    "items.csv": textwrap.dedent(
        """\
        item_id,document,section,list_id,marker,label,text
        X1,x.txt,1,xs,a),Understand the needs,Understand the needs of residents
        X2,x.txt,1,xs,b),Let contracts,Let contracts and review them
        Y1,y.txt,2,ys,,Review,Review every contract yearly
        """
    ),
    "codebook.yaml": textwrap.dedent(
        """\
        codebook:
          id: small
          title: A small frame
        codes:
          - id: understand
            name: Understand
            definition: Finding out what is needed.
            example: X1
            rules:
              keywords: [needs]
          - id: buy
            name: Buy
            definition: Contracting.
            rules:
              keywords: [contract*]
          - id: check
            name: Check
            definition: Reviewing.
            rules:
              keywords: [review]
        """
    ),
    "codings/reader.csv": "item_id,code\nX1,understand\nX2,buy\nY1,check\n",
}


def run(tmp_path, **parameters):
    return run_notebook(NOTEBOOK, tmp_path / "out", tmp_path / "run.ipynb", **parameters)


def markdown_outputs(notebook_path) -> str:
    nb = json.loads(notebook_path.read_text(encoding="utf-8"))
    return "\n".join(
        "".join(o.get("data", {}).get("text/markdown", ""))
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
    )


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return run(tmp_path_factory.mktemp("frameworks"))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    for name, text in SMALL.items():
        (folder / "set" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "set" / name).write_text(text, encoding="utf-8")
    out = run(
        folder,
        frameworks_dir=str(folder / "set"),
        codebook=str(folder / "set" / "codebook.yaml"),
        coders=["reader", "rules"],
    )
    return folder, out


def test_shipped_set_writes_every_output(shipped):
    for name in [
        "items.csv",
        "codebook.csv",
        "agreement.csv",
        "coverage.csv",
        "coverage_summary.csv",
        "concordance.csv",
        "coverage_differences.csv",
        "findings_on_frame.csv",
        "frame_with_findings.csv",
        "coverage_heatmap.svg",
        "coverage_heatmap.png",
        "coverage_heatmap.csv",
        "codebook.qdc",
        "frameworks_coding.qdpx",
        "results.csv",
    ]:
        assert (shipped / name).is_file(), name


def test_shipped_set_covers_every_source_and_places_findings(shipped):
    sources = pd.read_csv(paths.RAW / "frameworks" / "sources.csv")
    summary = pd.read_csv(shipped / "coverage_summary.csv", keep_default_na=False)
    assert set(summary["sources"]) == {len(sources)}
    assert set(summary["level"]) == {"stage", "sub-stage"}
    concordance = pd.read_csv(shipped / "concordance.csv")
    assert list(concordance.columns) == ["stage", *sources["source"]]
    placed = pd.read_csv(shipped / "findings_on_frame.csv")
    assert set(placed["strand"]) == {"interviews", "survey"}
    results = pd.read_csv(shipped / "results.csv")
    assert {"items coded", "cohens_kappa", "krippendorff_alpha"} <= set(results["statistic"])
    assert refiqda.schema_errors((shipped / "codebook.qdc").read_bytes(), "codebook") == []
    with zipfile.ZipFile(shipped / "frameworks_coding.qdpx") as archive:
        assert refiqda.schema_errors(archive.read("project.qde"), "project") == []


def test_small_set_is_reported_as_itself(small):
    folder, out = small
    summary = pd.read_csv(out / "coverage_summary.csv", keep_default_na=False)
    assert set(summary["sources"]) == {2}
    # The first coder named ("reader") puts only Y1 under "check"; the rule coder also X2 ("review them"),
    # and it puts Y1 ("every contract") under "buy" too.
    assert summary.set_index("stage").loc["check", "covered_by"] == "Ypsilon 2020"
    differences = pd.read_csv(out / "coverage_differences.csv")
    assert differences[["source", "stage", "reader", "rules"]].values.tolist() == [
        ["Xenia 1999", "check", "does not cover", "covers"],
        ["Ypsilon 2020", "buy", "does not cover", "covers"],
    ]
    assert summary.set_index("stage").loc["understand", "not_covered_by"] == "Ypsilon 2020"
    assert list(pd.read_csv(out / "concordance.csv").columns) == ["stage", "Xenia 1999", "Ypsilon 2020"]
    assert len(pd.read_csv(out / "items.csv")) == 3
    assert pd.read_csv(out / "findings_on_frame.csv").empty  # the small set has no findings map
    prose = markdown_outputs(folder / "run.ipynb")
    assert "**3** items from **2** source documents" in prose
    assert "Winchester" not in prose and "OPM" not in prose


def test_bad_coders_parameter_stops_with_one_line(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as info:
        run(tmp_path, coders=["rules", "nobody"])
    assert info.value.ename == "ParameterError" and "parameter 'coders'" in info.value.evalue
