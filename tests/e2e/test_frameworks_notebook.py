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
from helpers.interviews import refi

NOTEBOOK = paths.NOTEBOOKS / "06_frameworks.ipynb"

SMALL = {
    "sources.csv": (
        "document,source,title,publisher,date,quoted_in\nx.txt,Xenia 1999,On X,X,1999,\n"
        "y.txt,Ypsilon 2020,On Y,Y,2020,\n"
    ),
    "inclusion_rules.csv": "rule,decision,text\nI1,extract,A list of steps.\n",
    "lists.csv": (
        "list_id,document,source,name,lead_in,kind,status,rule,copy_of,start,end\n"
        "xs,x.txt,Xenia 1999,X's steps,Steps:,process,extracted,I1,,0,10\n"
        "ys,y.txt,Ypsilon 2020,Y's advice,Advice:,principles,extracted,I1,,0,10\n"
    ),
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
        "coverage_heatmap.png",
        "coverage_heatmap.csv",
        "codebook.qdc",
        "frameworks_coding.qdpx",
        "results.csv",
        "coders.csv",
        "gaps.csv",
        "lists.csv",
        "passages.csv",
    ]:
        assert (shipped / name).is_file(), name


def test_shipped_set_covers_every_source_and_places_findings(shipped):
    sources = pd.read_csv(paths.RAW / "frameworks" / "sources.csv")
    models = ["Kelly 2003", "OPM 2010", "Winchester 2010", "Localis 2011", "LGA 2012", "Local Partnerships 2015"]
    summary = pd.read_csv(shipped / "coverage_summary.csv", keep_default_na=False)
    assert set(summary["sources"]) == {len(models)}
    assert set(summary["level"]) == {"stage", "sub-stage"}
    concordance = pd.read_csv(shipped / "concordance.csv")
    assert list(concordance.columns) == ["stage", *models]
    assert set(models) < set(sources["source"])  # the trade press's one list is a copy of Localis's
    placed = pd.read_csv(shipped / "findings_on_frame.csv")
    assert set(placed["strand"]) == {"interviews", "survey"}
    results = pd.read_csv(shipped / "results.csv")
    assert {"items coded", "cohens_kappa", "krippendorff_alpha"} <= set(results["statistic"])
    assert refi.schema_errors((shipped / "codebook.qdc").read_bytes(), "codebook") == []
    with zipfile.ZipFile(shipped / "frameworks_coding.qdpx") as archive:
        assert refi.schema_errors(archive.read("project.qde"), "project") == []


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
    assert summary.set_index("stage").loc["understand", "not_in_extracted_lists"] == "Ypsilon 2020"
    assert list(pd.read_csv(out / "concordance.csv").columns) == ["stage", "Xenia 1999", "Ypsilon 2020"]
    assert len(pd.read_csv(out / "items.csv")) == 3
    assert pd.read_csv(out / "findings_on_frame.csv").empty  # the small set has no findings map
    prose = markdown_outputs(folder / "run.ipynb")
    assert "The extracted lists give **3** items, of which **3** are in models of commissioning" in prose
    assert "from **2** sources" in prose
    assert "Winchester" not in prose and "OPM" not in prose


def test_bad_coders_parameter_stops_with_one_line(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as info:
        run(tmp_path, coders=["rules", "nobody"])
    assert info.value.ename == "ParameterError" and "parameter 'coders'" in info.value.evalue


def test_shipped_report_describes_the_coders_and_hatches_where_they_differ(shipped):
    coders = pd.read_csv(shipped / "coders.csv", keep_default_na=False)
    assert list(coders["coder"]) == ["codebook_author", "rules"]
    assert set(coders["human"]) == {"no"} and set(coders["independent"]) == {"no"}
    assert list(coders["authored_codebook"]) == ["yes", "no"]
    coverage = pd.read_csv(shipped / "coverage.csv")
    assert set(coverage["coder"]) == {"codebook_author", "rules"}  # coverage per coder, not one coder's
    data = pd.read_csv(shipped / "coverage_heatmap.csv")
    assert set(data["coder"]) == {"codebook_author", "rules"}


def test_shipped_gaps_are_worded_as_absence_from_lists_or_text(shipped):
    gaps = pd.read_csv(shipped / "gaps.csv", keep_default_na=False)
    assert set(gaps["lists"]) == {"not in its extracted lists (every coder)"}
    assert all(t == "not found in the document's text" or t.startswith("found in ") for t in gaps["text"])
    prose = markdown_outputs(paths.NOTEBOOKS / "06_frameworks.ipynb")
    assert "leaves out" not in prose and "leave out" not in prose


def test_data_strings_reach_the_page_escaped(tmp_path):
    """A source name, list name and item carrying markup render as text in Markdown and HTML outputs."""
    folder = tmp_path / "hostile"
    evil = "<img src=x onerror=alert(1)>"
    files = dict(SMALL)
    files["sources.csv"] = files["sources.csv"].replace("Xenia 1999", evil)
    files["lists.csv"] = files["lists.csv"].replace("Xenia 1999", evil).replace("X's steps", "[click](javascript:x)")
    for name, text in files.items():
        (folder / "set" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "set" / name).write_text(text, encoding="utf-8")
    run(
        folder,
        frameworks_dir=str(folder / "set"),
        codebook=str(folder / "set" / "codebook.yaml"),
        coders=["reader", "rules"],
    )
    nb = json.loads((folder / "run.ipynb").read_text(encoding="utf-8"))
    outputs = [o.get("data", {}) for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    markdown = "\n".join("".join(d.get("text/markdown", "")) for d in outputs)
    html = "\n".join("".join(d.get("text/html", "")) for d in outputs)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html and "<img src=x" not in markdown
    assert "](javascript:x)" not in markdown  # in HTML table cells a Markdown link is inert text
