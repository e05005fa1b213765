"""Every interval names its level and method at any level, read from the analysis that made it.

The whole set of reports is built from a copy of reports.yaml with the delivery-mix analyses at 90%
and the skills analysis at 99% (provider shifts stay at their default, 95%), into a temporary folder.
Every sentence, table and chart caption of the research report and of the analysis reports that
gives an interval must name a level, and the level it names must be the one its analysis ran at.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from interval_text import interval_labels, interval_sentences, level_column, levels_named, visible

from helpers.core import paths

LEVELS = {"delivery-mix": 0.90, "skills-gaps": 0.99}
SHOWN = {"delivery": "90", "shifts": "95", "skills": "99"}
LEVEL_COLUMN = "Interval's level and method"


@pytest.fixture(scope="module")
def mixed_levels(tmp_path_factory):
    """The reports folder of a whole build with delivery-mix at 90% and skills-gaps at 99%."""
    folder = tmp_path_factory.mktemp("levels")
    config = yaml.safe_load((paths.ROOT / "reports.yaml").read_text(encoding="utf-8"))
    for job in config["jobs"]:
        job["notebook"] = str(paths.ROOT / job["notebook"])  # the copy lives elsewhere: paths made absolute
        job["inputs"] = [str(paths.ROOT / item) for item in job.get("inputs", [])]
        if job["name"] in LEVELS:
            job["parameters"]["confidence"] = LEVELS[job["name"]]
    (folder / "reports.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    command = [sys.executable, "-m", "helpers.build", "--config", str(folder / "reports.yaml")]
    done = subprocess.run(
        [*command, "--reports", str(folder / "reports"), "--no-progress"],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "reports"


ANALYSES = {
    "delivery-mix-wilson": "90",
    "delivery-mix-beta": "90",
    "delivery-mix-agresti_coull": "90",
    "delivery-mix-jeffreys": "90",
    "provider-shifts": "95",
    "skills-gaps": "99",
}


@pytest.mark.parametrize("report, level", ANALYSES.items())
def test_every_interval_of_an_analysis_report_names_the_level_it_ran_at(mixed_levels, report, level) -> None:
    soup = visible(mixed_levels / report / "index.html")
    sentences, labels = interval_sentences(soup), interval_labels(soup)
    assert sentences and labels
    for text in sentences + labels:
        named = levels_named(text)
        assert named, f"{report}: an interval without its level: {text!r}"
        assert set(named) == {level}, f"{report} ran at {level}%, but this names {named}: {text!r}"


def test_every_interval_of_the_research_report_names_the_level_of_its_analysis(mixed_levels) -> None:
    soup = visible(mixed_levels / "research-report" / "index.html")
    sentences = interval_sentences(soup)
    for text in sentences + [label for label in interval_labels(soup) if LEVEL_COLUMN not in label]:
        assert levels_named(text), f"an interval without its level: {text!r}"
    by_words = {
        "Intent.": SHOWN["delivery"],
        "The most common answer to how services are delivered": SHOWN["delivery"],
        "The ranking rests on the difference": SHOWN["delivery"],
        "The share expecting more or many more": SHOWN["shifts"],
        "councils that answered the skills question": SHOWN["skills"],
        "The same councils could tick both": SHOWN["skills"],
    }
    for words, level in by_words.items():
        found = [s for s in sentences if words in s]
        assert found, f"no interval sentence with {words!r}"
        assert set(levels_named(found[0])) == {level}, found[0]
    cells = level_column(soup, LEVEL_COLUMN)
    assert {levels_named(cell)[0] for cell in cells} == set(SHOWN.values())


def test_the_research_report_says_the_analyses_ran_at_different_levels(mixed_levels) -> None:
    text = visible(mixed_levels / "research-report" / "index.html").get_text(" ", strip=True)
    assert "different confidence levels" in text
    for source, level in SHOWN.items():
        assert f"the {source} analysis at {level}%" in text
