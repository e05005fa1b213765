"""The raw data against the source documents it was transcribed from.

The documents stay out of the project (their licences are unknown); these tests read them from
`../shared/seeds` (`helpers.core.paths.SEEDS`) and skip, with one line saying so, where it is absent.
The population checks use the project's own copy of the frame in data/raw/reference and never skip.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from helpers.core import paths
from helpers.core.sourced_yaml import load_yaml
from helpers.interviews import load_excerpts, load_sections
from helpers.survey import frame, load_survey

SKIP_REASON = "../shared/seeds not present: transcription checks need the source documents"
SURVEY_DOC = "001_fb2212892cae5d2c.txt"
REPORT_DOC = "000_9149008a6453b20f.txt"

QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u00a0": " "})


def seed_text(name: str) -> str:
    """The text of one source document, or skip the test when the seeds folder is absent."""
    path = Path(paths.SEEDS) / name
    if not path.exists():
        pytest.skip(SKIP_REASON)
    return path.read_text(encoding="utf-8")


def norm(text: str) -> str:
    """Straight quotes and single spaces, so a transcription is compared on its words only."""
    return re.sub(r"\s+", " ", text.translate(QUOTES)).strip()


def report_text(raw: str) -> str:
    """The report as running text: page-break rules (`---`) and footnote lines dropped."""
    kept = [line for line in raw.splitlines() if line.strip() != "---" and not line.lstrip().startswith("<sup>")]
    return norm("\n".join(kept))


# --- the seeds folder itself -------------------------------------------------------------------


def test_seed_text_skips_with_one_line_when_seeds_absent(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "SEEDS", tmp_path / "no_seeds_here")
    with pytest.raises(pytest.skip.Exception, match=re.escape(SKIP_REASON)):
        seed_text(SURVEY_DOC)


# --- the survey tables a) to d) ---------------------------------------------------------------


def parse_survey_tables(raw: str) -> dict[str, dict]:
    """Tables a) to d) of "3. Relevant Survey Results": heading and rows of cells.

    In the text each table row is a run of lines starting with a tab (one cell per line), rows
    separated by blank lines.
    """
    body = raw[raw.index("3. Relevant Survey Results") :]
    tables: dict[str, dict] = {}
    current = None
    row: list[str] = []
    for line in body.splitlines() + [""]:
        heading = re.match(r"^([a-d])\) (.+)$", line)
        if heading:
            current = tables.setdefault(heading.group(1), {"heading": heading.group(2), "rows": []})
        elif line.startswith("\t"):
            row.append(line[1:].strip())
        elif row:
            current["rows"].append(row)
            row = []
    return tables


@pytest.fixture(scope="module")
def tables() -> dict[str, dict]:
    return parse_survey_tables(seed_text(SURVEY_DOC))


@pytest.fixture(scope="module")
def survey():
    return load_survey(paths.LOCALIS_2011)


def test_seed_has_four_tables(tables):
    assert list(tables) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("qid", ["a", "b", "c"])
def test_option_table_counts_answered_skipped(tables, survey, qid):
    """Every option row (label, percent, count), then 'answered question' and 'skipped question'."""
    rows = tables[qid]["rows"]
    assert rows[0] == ["Answer Options", "Response Percent", "Response Count"]
    option_rows = [r for r in rows[1:] if r[0]]
    base_rows = {r[1]: int(r[2]) for r in rows[1:] if not r[0]}
    seed_counts = {label: int(count) for label, _percent, count in option_rows}
    q = survey.question(qid)
    assert list(q.options) == [r[0] for r in option_rows], "options, in questionnaire order"
    assert survey.question_counts(qid).to_dict() == seed_counts
    assert base_rows == {"answered question": q.answered, "skipped question": q.skipped}


def test_table_d_counts(tables, survey):
    rows = tables["d"]["rows"]
    q = survey.question("d")
    assert rows[0] == ["Answer Options", *q.options]
    seed = pd.DataFrame(
        [[int(c) for c in r[1:]] for r in rows[1:]], index=[r[0] for r in rows[1:]], columns=rows[0][1:]
    )
    ours = survey.likert_table("d")
    assert list(ours.index) == list(seed.index), "items, in questionnaire order"
    assert ours.to_numpy().tolist() == seed.to_numpy().tolist()


def test_table_d_prints_no_base(tables, survey):
    """Table d) has no answered/skipped rows, so survey.yaml leaves them null rather than guessing."""
    assert not any("question" in cell for row in tables["d"]["rows"] for cell in row)
    assert survey.question("d").answered is None and survey.question("d").skipped is None


@pytest.mark.parametrize("qid", ["a", "b", "c", "d"])
def test_wording_as_printed(tables, survey, qid):
    assert norm(survey.question(qid).wording) == norm(tables[qid]["heading"])


def test_counts_csv_has_no_cell_the_seed_lacks(tables, survey):
    """36 cells: 4 + 2 + 5 options and a 5 x 5 grid, no more."""
    seed_cells = sum(len([r for r in tables[q]["rows"][1:] if r[0]]) for q in "abc") + 5 * 5
    assert len(survey.counts) == seed_cells == 36


# --- published figures -------------------------------------------------------------------------

PUBLISHED = pd.read_csv(paths.LOCALIS_2011 / "published.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("row", PUBLISHED.to_dict("records"), ids=list(PUBLISHED["figure_id"]))
def test_published_figure_is_in_its_document(row, tables):
    """Its quote (or, for a table cell, 'row label | column header') and printed value are in the document."""
    raw = seed_text(row["document"])
    if " | " in row["quote"]:
        label, column = row["quote"].split(" | ")
        qid = re.search(r"table ([a-d])\)", row["section"]).group(1)
        header, *body = tables[qid]["rows"]
        cells = {r[0]: r for r in body}
        assert cells[label][header.index(column)] == row["printed"]
    else:
        assert norm(row["quote"]) in norm(raw)
        assert norm(row["printed"]).lower() in norm(row["quote"]).lower()


@pytest.mark.parametrize("row", PUBLISHED.to_dict("records"), ids=list(PUBLISHED["figure_id"]))
def test_published_value_reads_its_printed_form(row):
    """`value` is the printed figure as a number: '82%' -> 82, '4 in 5' -> 80, 'over 100' -> 100."""
    numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", row["printed"])]
    in_words = re.fullmatch(r"(\d+) in (\d+)", row["printed"])
    expected = 100 * numbers[0] / numbers[1] if in_words else numbers[0]
    assert float(row["value"]) == pytest.approx(expected)


# --- the £65bn footnote ------------------------------------------------------------------------

FOOTNOTE = pd.read_csv(paths.LOCALIS_2011 / "expenditure_footnote.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("row", FOOTNOTE.to_dict("records"), ids=list(FOOTNOTE["step"]))
def test_footnote_figure_is_in_its_document(row):
    raw = seed_text(row["document"])
    assert norm(row["quote"]) in norm(raw)
    assert f"£{row['amount_gbp_bn']}bn" in row["quote"]


def test_footnote_arithmetic_as_printed():
    """£62.040bn - £27.364bn + £30.091bn = £64.767bn, which the text rounds to about £65bn."""
    sign = {"start": 1, "add": 1, "subtract": -1}
    steps = FOOTNOTE.set_index("step")
    total = sum(sign[op] * float(a) for a, op in zip(FOOTNOTE["amount_gbp_bn"], FOOTNOTE["operation"]) if op in sign)
    assert round(total, 3) == float(steps.loc["stated_total", "amount_gbp_bn"]) == 64.767
    assert round(total) == float(steps.loc["headline", "amount_gbp_bn"]) == 65


# --- interview excerpts ------------------------------------------------------------------------

EXCERPTS = load_excerpts(paths.LOCAL_PARTNERSHIPS_2015)
# Quoted passages in sections 2-7 that are not interview excerpts: quotations of publications.
NOT_INTERVIEWS = {
    "The critical capacities to develop are a mindset": "Grace and others (Audit Commission, 2008), footnote 4",
}


@pytest.fixture(scope="module")
def report() -> str:
    return report_text(seed_text(REPORT_DOC))


def section_spans(report: str) -> dict[int, tuple[int, int]]:
    """Where each numbered section (1-8) starts and ends in the running text."""
    starts = {int(m.group(1)): m.start() for m in re.finditer(r"#+ (\d)\. [A-Z]", report)}
    order = sorted(starts)
    return {n: (starts[n], starts[order[i + 1]] if i + 1 < len(order) else len(report)) for i, n in enumerate(order)}


@pytest.mark.parametrize("row", EXCERPTS.to_dict("records"), ids=list(EXCERPTS["excerpt_id"]))
def test_excerpt_text_is_in_the_report_in_its_section(row, report):
    text = norm(row["text"])
    assert report.count(text) == 1, f"{row['excerpt_id']}: text not found exactly once in {REPORT_DOC}"
    start, end = section_spans(report)[row["section_number"]]
    assert start <= report.index(text) < end, f"{row['excerpt_id']} is not in section {row['section_number']}"


# Known transcription faults, kept visible: strict, so fixing the data makes the test fail until
# the entry is removed here.
ATTRIBUTION_FAULTS: dict[str, str] = {}  # excerpt_id -> known transcription fault (none now)


def _attribution_cases():
    for row in EXCERPTS.to_dict("records"):
        fault = ATTRIBUTION_FAULTS.get(row["excerpt_id"])
        marks = [pytest.mark.xfail(reason=fault, strict=True)] if fault else []
        yield pytest.param(row, id=row["excerpt_id"], marks=marks)


@pytest.mark.parametrize("row", list(_attribution_cases()))
def test_excerpt_attribution_is_in_the_report_next_to_it(row, report):
    attribution, text = norm(row["attribution"]), norm(row["text"])
    assert attribution and attribution in report
    at, where = report.index(attribution), report.index(text)
    # the attribution is the sentence just before the quote, or (LP01) the dash just after it
    assert 0 <= where - (at + len(attribution)) <= 3 or 0 <= at - (where + len(text)) <= 3


@pytest.mark.parametrize("row", EXCERPTS.to_dict("records"), ids=list(EXCERPTS["excerpt_id"]))
def test_excerpt_role_and_authority_as_written(row):
    """A role marked 'stated' is written in the attribution; one marked 'context' comes from elsewhere."""
    attribution = norm(row["attribution"]).lower()
    assert row["role_source"] in ("stated", "context")
    if row["role_source"] == "stated":
        assert row["speaker_role"] in attribution
    if row["authority_type"]:
        assert row["authority_type"].lower() in attribution


def test_sections_as_in_the_contents_page():
    raw = seed_text(REPORT_DOC)
    entries = re.findall(r"^(?:(\d)\. )?(.+?) ?\.{5}\t(\d+)$", raw, flags=re.M)
    contents = {number or "0": (title, page) for number, title, page in entries}
    sections = load_sections(paths.LOCAL_PARTNERSHIPS_2015)
    ours = {
        str(n): (t, str(p))
        for n, t, p in sections[["section_number", "section_title", "contents_page"]].itertuples(index=False)
    }
    assert ours == contents


def quoted_passages(text: str) -> list[str]:
    """Every passage between a pair of double quotes (curly or straight, normalised to straight)."""
    return [m.strip() for m in re.findall(r'"([^"]+)"', text)]


def test_every_interview_quotation_in_sections_2_to_7_is_an_excerpt(report):
    """None missed: each quoted passage of sections 2-7 is an excerpt, unless it quotes a publication."""
    spans = section_spans(report)
    body = report[spans[2][0] : spans[7][1]]
    passages = quoted_passages(body)
    interviews = [p for p in passages if not any(p.startswith(prefix) for prefix in NOT_INTERVIEWS)]
    assert len(passages) - len(interviews) == len(NOT_INTERVIEWS), "each excluded publication quote is found"
    excerpts = Counter(norm(t) for t in EXCERPTS["text"])
    assert Counter(interviews) == excerpts


def test_no_interview_quotation_outside_sections_2_to_7(report):
    """Sections 1 and 8 quote only publications and terms, no interviewee: nothing to transcribe there."""
    spans = section_spans(report)
    outside = report[spans[1][0] : spans[1][1]] + report[spans[8][0] : spans[8][1]]
    excerpts = {norm(t) for t in EXCERPTS["text"]}
    assert not excerpts & set(quoted_passages(outside))


# --- the population frame (the project's own copy: never skips) --------------------------------


def test_population_size_is_derived_from_the_frame():
    doc = load_yaml(paths.LOCALIS_2011 / "survey.yaml")
    population = doc["population"]
    assert population["size"] == frame.population_size("2011-09-01") == 353
    assert str(population["frame_date"]) == "2011-09-01"


def test_population_type_breakdown():
    # Reference: ../shared/frame/README.md, and ONS's published counts for England after the 2009
    # reorganisation (27 counties, 201 districts, 56 unitaries counting the Isles of Scilly),
    # plus 36 metropolitan districts, 32 London boroughs and the City of London.
    authorities = frame.principal_authorities("2011-09-01")
    assert authorities["local-authority-type"].value_counts().to_dict() == {
        "NMD": 201,
        "UA": 56,
        "MD": 36,
        "LBO": 32,
        "CTY": 27,
        "CC": 1,
    }
    assert authorities["local-authority-code"].is_unique
    assert "Isles of Scilly" in " ".join(authorities.loc[authorities["local-authority-type"] == "UA", "official-name"])
