"""Notebook 04 run by papermill with its output in a temporary folder; assertions on its CSVs."""

from __future__ import annotations

import zipfile

import pandas as pd
import papermill as pm
import pytest
from notebook_runs import run_notebook

from helpers.core import paths
from helpers.interviews import refi

NOTEBOOK = paths.NOTEBOOKS / "04_interview_coding.ipynb"


def run(tmp_path, **parameters):
    return run_notebook(NOTEBOOK, tmp_path / "out", tmp_path / "run.ipynb", **parameters)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return run(tmp_path_factory.mktemp("coding"))


def test_writes_every_table(out):
    for name in [
        "codebook.csv",
        "code_counts.csv",
        "agreement.csv",
        "frequencies_by_role.csv",
        "frequencies_by_authority_type.csv",
        "cooccurrence.csv",
        "quotes.csv",
        "risks.csv",
        "results.csv",
        "cooccurrence_heatmap.png",
        "codebook.qdc",
        "interview_coding.qdpx",
    ]:
        assert (out / name).is_file(), name


def test_results(out):
    results = pd.read_csv(out / "results.csv", keep_default_na=False)
    assert list(results.columns) == [
        "question",
        "item",
        "option",
        "statistic",
        "estimate",
        "ci_low",
        "ci_high",
        "base",
        "method",
    ]
    assert set(results["question"]) == {"interviews"}
    assert {"frequency", "cohens_kappa", "krippendorff_alpha", "fleiss_kappa", "percent_agreement"} <= set(
        results["statistic"]
    )
    # The report files 5 excerpts under section 3 (LP05-LP09) of 22.
    market = results[
        (results["item"] == "market") & (results["option"] == "report") & (results["statistic"] == "frequency")
    ]
    assert market[["estimate", "base"]].astype(float).values.tolist() == [[5.0, 22.0]]
    pooled = results[
        (results["item"] == "report vs rules")
        & (results["option"] == "(pooled themes)")
        & (results["statistic"] == "cohens_kappa")
    ]
    assert len(pooled) == 1 and 0 < float(pooled["estimate"].iloc[0]) < 1 and int(pooled["base"].iloc[0]) == 22


def test_tables(out):
    by_role = pd.read_csv(out / "frequencies_by_role.csv", keep_default_na=False)
    report = by_role[(by_role["coder"] == "report") & (by_role["depth"] == 0)]
    # Role and authority type apart: the three county chief executives are chief executives of a county.
    assert report.groupby("speaker_role")["excerpts"].sum().to_dict() == {
        "chief executive": 11,
        "head of commissioning": 11,
    }
    by_type = pd.read_csv(out / "frequencies_by_authority_type.csv", keep_default_na=False)
    types = by_type[(by_type["coder"] == "report") & (by_type["depth"] == 0)]
    # "London" and "London borough" are one type.
    assert types.groupby("authority_type")["excerpts"].sum().to_dict() == {
        "county": 3,
        "London borough": 2,
        "not stated": 17,
    }
    co = pd.read_csv(out / "cooccurrence.csv")
    report_co = co[co["coder"] == "report"]
    assert report_co.loc[report_co["theme_a"] != report_co["theme_b"], "excerpts"].sum() == 0
    quotes = pd.read_csv(out / "quotes.csv", keep_default_na=False)
    assert set(quotes.loc[quotes["theme"] == "members", "excerpt_id"]) == {"LP14", "LP15", "LP16"}
    risks = pd.read_csv(out / "risks.csv", keep_default_na=False)
    assert risks["item_number"].nunique() == 12


def test_exports_validate(out):
    assert refi.schema_errors((out / "codebook.qdc").read_bytes(), "codebook") == []
    with zipfile.ZipFile(out / "interview_coding.qdpx") as archive:
        assert refi.schema_errors(archive.read("project.qde"), "project") == []


def test_bad_coders_parameter_stops_with_one_line(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as info:
        run(tmp_path, coders=["report", "nobody"])
    assert info.value.ename == "ParameterError" and "parameter 'coders'" in info.value.evalue


def test_two_coders(tmp_path):
    out = run(tmp_path, coders=["rules", "codebook_author"])
    agreement = pd.read_csv(out / "agreement.csv", keep_default_na=False)
    assert set(agreement["coders"]) == {"rules vs codebook_author", "all: rules, codebook_author"}
    assert set(agreement["level"]) == {"theme", "code"}


def test_writes_coders_and_agreement_in_their_layout(out):
    coders = pd.read_csv(out / "coders.csv", keep_default_na=False, dtype=str)
    assert list(coders.columns) == [
        "coder",
        "label",
        "made_by",
        "human",
        "independent",
        "authored_codebook",
        "derived",
        "codebook_version",
        "description",
    ]
    flags = coders.set_index("coder")[["authored_codebook", "derived"]]
    assert flags.loc["codebook_author"].tolist() == ["true", "false"] and flags.loc["rules"].tolist() == [
        "false",
        "true",
    ]
    assert coders.set_index("coder").loc[["rules", "codebook_author"], ["human", "independent"]].values.tolist() == [
        ["false", "false"],
        ["false", "false"],
    ]
    agreement = pd.read_csv(out / "agreement.csv", keep_default_na=False)
    assert list(agreement.columns) == [
        "level",
        "coders",
        "code",
        "statistic",
        "unit",
        "estimate",
        "ci_low",
        "ci_high",
        "n_units",
        "positives",
        "note",
        "reading",
    ]
    assert set(agreement["unit"]) == {"excerpt"}
    assert {
        "percent_agreement",
        "positive_agreement",
        "cohens_kappa",
        "fleiss_kappa",
        "krippendorff_alpha",
        "krippendorff_alpha_masi",
        "reproduced_share",
        "extra_codes_mean",
    } == set(agreement["statistic"])
    assert "Market analysis and engagement" in set(agreement["code"]) and "(pooled)" in set(agreement["code"])
    quotes = pd.read_csv(out / "quotes.csv", keep_default_na=False)
    assert set(quotes["placed_by"]) == {"report"}
    assert all("report" in by.split(", ") for by in quotes["coded_by"])


def test_a_two_coder_project_at_character_level(tmp_path):
    from helpers.interviews.codebook import load_codebook

    book = load_codebook(paths.LOCAL_PARTNERSHIPS_2015 / "codebook.yaml")
    documents = pd.DataFrame(
        {
            "document_id": ["int01", "int02"],
            "text": ["We tested the market and it was thin. Risk was high.", "Outcomes matter; procurement is a tool."],
            "speaker_role": ["head of commissioning", "chief executive"],
            "authority_type": ["county", ""],
        }
    )
    segments = pd.DataFrame(
        [
            ("int01", 3, 20, "market_dialogue", "ann", ""),
            ("int01", 14, 37, "market_dialogue", "bob", ""),
            ("int02", 0, 15, "outcomes_focus", "ann", "outcomes first"),
            ("int02", 0, 15, "outcomes_focus", "bob", ""),
        ],
        columns=["document_id", "start", "end", "code", "coder", "memo"],
    )
    none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    project = refi.write_qdpx(book, documents, none, tmp_path / "two.qdpx", segments=segments)
    out = run(tmp_path, qdpx=str(project), unit="character")
    agreement = pd.read_csv(out / "agreement.csv", keep_default_na=False)
    binary = agreement[agreement["statistic"] != "krippendorff_alpha_masi"]
    assert set(binary["unit"]) == {"character"} and set(binary["coders"]) == {"ann vs bob"}
    assert "positive_agreement" in set(binary["statistic"])
    kappa = agreement[
        (agreement["level"] == "code")
        & (agreement["code"] == book["outcomes_focus"].name)
        & (agreement["statistic"] == "cohens_kappa")
    ]
    assert float(kappa["estimate"].iloc[0]) == pytest.approx(1.0)
    coders = pd.read_csv(out / "coders.csv", keep_default_na=False, dtype=str)
    assert coders["coder"].tolist() == ["ann", "bob"] and set(coders["human"]) == {"unknown"}
    results = pd.read_csv(out / "results.csv", keep_default_na=False)
    assert len(results[(results["option"] == "(pooled themes)") & (results["item"] == "ann vs bob")]) == 4
    # The research report reads the pair's pooled kappa from these rows.
    from helpers.outputs.findings import coding_findings, read_results

    findings = coding_findings(read_results(out))
    assert findings[["coders", "statistic"]].values.tolist() == [
        ["ann vs bob", "cohens_kappa"],
        ["ann vs bob", "krippendorff_alpha"],
    ]


def test_the_pooled_figure_is_not_padded_by_codes_nobody_used(out):
    agreement = pd.read_csv(out / "agreement.csv", keep_default_na=False)
    codes = agreement[(agreement["level"] == "code") & ~agreement["code"].str.startswith("(")]
    used = codes[(codes["statistic"] == "positive_agreement") & (codes["note"] != "n/a: neither coder applied it")]
    pooled = agreement[
        (agreement["level"] == "code") & (agreement["code"] == "(pooled)") & (agreement["statistic"] == "cohens_kappa")
    ]
    assert int(pooled["n_units"].iloc[0]) == 22 * used["code"].nunique()
    # No zero-width interval anywhere, and none where a coder has 5 positives or fewer.
    with_interval = agreement[agreement["ci_low"] != ""]
    assert (with_interval["ci_low"].astype(float) < with_interval["ci_high"].astype(float)).all()
    assert not with_interval["note"].str.startswith("no interval").any()


HOSTILE = ["<script>alert(2)</script>", "<img src=x onerror=alert(3)>"]


def _page_text(notebook) -> str:
    """Everything notebook 04 shows a reader: Markdown and HTML outputs (not the code cells' source)."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    shown = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            shown += [data.get("text/markdown", ""), data.get("text/html", "")]
    return "\n".join(shown)


def test_hostile_coder_names_reach_the_page_escaped(tmp_path):
    """A coder named like a tag, by a project's user or by a coder file's name, shows as text, never as markup."""
    import shutil

    from helpers.interviews.codebook import load_codebook
    from helpers.interviews.corpus import load_excerpts

    corpus = tmp_path / "corpus"
    shutil.copytree(paths.LOCAL_PARTNERSHIPS_2015, corpus)
    book = load_codebook(corpus / "codebook.yaml")
    excerpts = load_excerpts(corpus)
    none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    segments = pd.DataFrame(
        [
            (e, 0, len(t), c, name, "")
            for e, t in zip(excerpts["excerpt_id"], excerpts["text"])
            for name, c in zip(HOSTILE, ["outcomes_focus", "beyond_procurement"])
        ],
        columns=["document_id", "start", "end", "code", "coder", "memo"],
    )
    documents = excerpts.rename(columns={"excerpt_id": "document_id"})
    project = refi.write_qdpx(book, documents, none, tmp_path / "hostile.qdpx", segments=segments)
    refi.write_qdpx(
        book,
        documents,
        none,
        corpus / "codings" / f"{HOSTILE[1]}.qdpx",
        segments=segments[segments["coder"] == HOSTILE[1]],
    )
    (tmp_path / "users").mkdir()
    (tmp_path / "file").mkdir()
    out = run(tmp_path / "users", qdpx=str(project))
    page = _page_text(tmp_path / "users" / "run.ipynb")
    assert "<script" not in page and "<img src=x" not in page  # the page's own chart is <img src="data:...
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert (out / "agreement.csv").is_file()
    # A coder file named like a tag is no coder name at all: refused with one error, so no page shows it.
    with pytest.raises(pm.PapermillExecutionError, match="lower-case coder name"):
        run(
            tmp_path / "file",
            corpus_dir=str(corpus),
            codebook=str(corpus / "codebook.yaml"),
            coders=["report", HOSTILE[1]],
        )


def test_every_risk_counts_for_the_theme_of_its_code(out):
    """A risk merged into a code of another theme (health, members) is counted under that theme."""
    from helpers.interviews.codebook import load_codebook

    book = load_codebook(paths.LOCAL_PARTNERSHIPS_2015 / "codebook.yaml")
    risks = pd.read_csv(out / "risks.csv", keep_default_na=False).drop_duplicates("item_number")
    for code, themes in zip(risks["code"], risks["themes_in_wording"]):
        if code and book.theme_of(code) != "risks":
            assert book.theme_of(code) in themes.split(", "), (code, themes)
