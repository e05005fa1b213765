"""docs/interviews.md followed to the letter: its commands, its files and its job, run on the worked example.

Every shell command of the page runs here (paths made to point into a temporary folder), the job
of the page is built with the build's own command line, and each way of adding a second coder is
taken as the page describes it, ending in a second build.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from helpers.core import paths
from helpers.interviews import refi

DOC = paths.ROOT / "docs" / "interviews.md"
BLOCK = re.compile(r"^( *)```(\w+)\n(.*?)^\1```$", re.S | re.M)
STUDY = "data/raw/interviews/my_study"


def blocks(language: str) -> list[str]:
    """The page's fenced blocks of one language, their indentation removed."""
    text = DOC.read_text(encoding="utf-8")
    out = []
    for indent, lang, body in BLOCK.findall(text):
        if lang == language:
            out.append("".join(line[len(indent) :] + "\n" for line in body.splitlines()))
    return out


def localised(command: str, project) -> str:
    """A documented command with its paths pointing into the test's project folder and this Python."""
    return (
        command.replace(STUDY, str(project / "my_study"))
        .replace(".venv/bin/python", sys.executable)
        .replace("tests/fixtures/my_interviews", str(paths.ROOT / "tests" / "fixtures" / "my_interviews"))
    )


def job_block(project) -> str:
    (job,) = [b for b in blocks("yaml") if "notebook:" in b]
    return localised(job, project).replace(
        "notebooks/04_interview_coding.ipynb", str(paths.NOTEBOOKS / "04_interview_coding.ipynb")
    )


def run(command: list[str], project) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The page's commands run in order: copy the example, check it, add the job, build it."""
    project = tmp_path_factory.mktemp("project")
    commands = [line for block in blocks("sh") for line in block.splitlines() if line.strip()]
    assert [c.split()[0] for c in commands] == ["cp", ".venv/bin/python", ".venv/bin/python"]
    copy, check, build = (shlex.split(localised(c, project)) for c in commands)
    assert run(copy, project).returncode == 0
    checked = run(check, project)
    assert checked.returncode == 0, checked.stderr
    project.joinpath("check.txt").write_text(checked.stdout, encoding="utf-8")
    (project / "reports.yaml").write_text("jobs:\n" + job_block(project), encoding="utf-8")
    build += ["--config", str(project / "reports.yaml"), "--reports", str(project / "reports"), "--no-progress"]
    project.joinpath("build.json").write_text(json.dumps(build), encoding="utf-8")
    built = run(build, project)
    assert built.returncode == 0, built.stdout + built.stderr
    return project


def test_the_check_command_lists_transcripts_roles_and_coders(project):
    out = (project / "check.txt").read_text(encoding="utf-8")
    assert "title: Commissioning day care: three example interviews (from README.md)" in out
    assert "transcripts: 3 (int01, int02, int03)" in out
    assert "int03: speaker role commissioning manager" in out
    assert "from codings/ann.csv" in out and "from codings/bob.csv" in out


def test_the_report_is_about_the_data_it_was_given(project):
    page = (project / "reports" / "my-study" / "index.html").read_text(encoding="utf-8")
    readme = (project / "my_study" / "README.md").read_text(encoding="utf-8")
    title = readme.splitlines()[0].removeprefix("# ")
    headings = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", page, re.S)]
    assert any(title in h for h in headings)
    assert not [h for h in headings if "risks" in h.lower()]
    assert "Local Partnerships report (2015) quotes" not in page
    assert not (project / "reports" / "my-study" / "risks.csv").exists()


def test_the_coders_are_described_by_their_own_files(project):
    coders = pd.read_csv(project / "reports" / "my-study" / "coders.csv", keep_default_na=False, dtype=str)
    described = yaml.safe_load((project / "my_study" / "codings" / "coders.yaml").read_text(encoding="utf-8"))
    assert coders["coder"].tolist() == ["ann", "bob"]
    assert coders["label"].tolist() == [described["coders"][c]["label"] for c in ["ann", "bob"]]


def test_roles_come_from_the_transcripts_labels(project):
    by_role = pd.read_csv(project / "reports" / "my-study" / "frequencies_by_role.csv", keep_default_na=False)
    assert "not stated" not in set(by_role["speaker_role"])
    assert {"Head of commissioning", "Chief executive", "commissioning manager"} == set(by_role["speaker_role"])


def test_the_quote_error_shown_on_the_page_is_the_one_the_workbench_gives(project, tmp_path):
    (shown,) = [b for b in blocks("text") if "the nearest passage is" in b]
    found = re.search(r"found '([^']*)'", " ".join(shown.split())).group(1)
    wrong = found.replace("markets", "market")
    folder = tmp_path / "my_study"
    shutil.copytree(project / "my_study", folder)
    ann = folder / "codings" / "ann.csv"
    ann.write_text(ann.read_text(encoding="utf-8").replace(wrong, found), encoding="utf-8")
    result = run([sys.executable, "-m", "helpers.interviews.profile", str(folder)], tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    message = " ".join(result.stderr.split()).replace(str(folder), STUDY)
    assert " ".join(shown.split()) in message


def test_a_second_coder_three_ways_then_a_second_build(project):
    """By quotes (cy), by offsets in segments.csv (eve), and a QDA tool's export of the coding package (dee)."""
    study, reports = project / "my_study", project / "reports" / "my-study"
    (quotes,) = [b for b in blocks("csv") if b.startswith("document,code,quote")]
    (study / "codings" / "cy.csv").write_text(quotes, encoding="utf-8")
    (offsets,) = [b for b in blocks("csv") if b.startswith("document_id,start,end")]
    (study / "segments.csv").write_text(offsets, encoding="utf-8")
    package = refi.read_qdpx(reports / "coding_package.qdpx")  # what the build handed out
    texts = dict(zip(package.sources["excerpt_id"], package.sources["text"]))
    words = "Nobody here had run a market analysis before."
    blind = next(name for name, text in texts.items() if words in text)  # the package names no transcript
    start = texts[blind].index(words)
    coded = pd.DataFrame(
        [(blind, start, start + len(words), "skills", "Dee", "")],
        columns=["document_id", "start", "end", "code", "coder", "memo"],
    )
    none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    refi.write_qdpx(package.codebook, package.sources, none, study / "codings" / "dee.qdpx", segments=coded)
    described = yaml.safe_load((study / "codings" / "coders.yaml").read_text(encoding="utf-8"))
    for name in ["cy", "dee", "eve"]:
        described["coders"][name] = {**described["coders"]["ann"], "label": f"Example coder {name}"}
    (study / "codings" / "coders.yaml").write_text(yaml.safe_dump(described), encoding="utf-8")
    config = project / "reports.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("[ann, bob]", "[ann, bob, cy, dee, eve]"))
    built = run(json.loads((project / "build.json").read_text(encoding="utf-8")), project)
    assert built.returncode == 0, built.stdout + built.stderr
    coders = pd.read_csv(reports / "coders.csv", keep_default_na=False, dtype=str)
    assert coders["coder"].tolist() == ["ann", "bob", "cy", "dee", "eve"]
    agreement = pd.read_csv(reports / "agreement.csv", keep_default_na=False)
    assert {"ann vs cy", "ann vs dee", "ann vs eve"} <= set(agreement["coders"])
