"""The frame's published source: its citation, its stages' own words, and an outside example per sub-stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.frameworks.frame import load_frame_source
from helpers.interviews.codebook import load_codebook

FRAMEWORKS = paths.RAW / "frameworks"
SOURCES = ["Localis", "OPM", "Winchester", "Local Partnerships", "Local Government Association", "Kelly"]


@pytest.fixture(scope="module")
def shipped():
    book = load_codebook(FRAMEWORKS / "codebook.yaml")
    return book, *load_frame_source(FRAMEWORKS / "frame_source.yaml", book)


def test_the_frame_is_a_published_cycle_none_of_the_sources_wrote(shipped):
    _book, citation, _rows = shipped
    assert citation["url"].startswith("https://") and citation["publisher"] and citation["date"]
    assert not any(name in citation["publisher"] for name in SOURCES)
    assert "analyse, plan, do, review" in citation["lead_in"]


def test_every_sub_stage_quotes_the_cycle_in_its_definition_and_has_an_outside_example(shipped):
    book, _citation, rows = shipped
    assert set(rows["code"]) == {c for c in book.codable() if book.depth(c) == 1}
    for row in rows.itertuples(index=False):
        assert f'"{row.frame_quote}' in book[row.code].definition
        assert row.example and "http" in row.example_source
        assert not any(name in row.example_source for name in SOURCES), row.code
    for stage in book.themes():
        assert book[stage].definition.startswith("The cycle's")


def test_the_examples_are_not_quoted_from_the_sources():
    seeds = Path(paths.SEEDS)
    if not seeds.is_dir():
        pytest.skip("../shared/seeds not present: the check that examples come from outside them needs the documents")
    book = load_codebook(FRAMEWORKS / "codebook.yaml")
    _citation, rows = load_frame_source(FRAMEWORKS / "frame_source.yaml", book)
    texts = " ".join(p.read_text(encoding="utf-8") for p in seeds.glob("*.txt")).lower()
    for example in rows["example"]:
        assert example.lower() not in texts, example


GOOD = """\
frame:
  title: T
  publisher: P
  url: https://example.org/cycle
  date: "2017"
  lead_in: "analyse, plan"
stages:
  analyse: We understand what is needed.
  do: We buy things.
  around: Groups.
codes:
  needs:
    frame_quote: understand what is needed
    example: An outside example.
    example_source: "Someone, https://example.org/x"
  buy:
    frame_quote: buy things
    example: Another.
    example_source: "Someone, https://example.org/y"
  members:
    frame_quote: Groups
    example: Third.
    example_source: "Someone, https://example.org/z"
"""


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (("url: https://example.org/cycle", "url: example.org"), "url"),
        (("frame_quote: buy things", "frame_quote: sell things"), "frame_quote"),
        (('example_source: "Someone, https://example.org/y"', "example_source: Someone"), "example_source"),
        (("  do: We buy things.\n", ""), "do"),
    ],
)
def test_a_bad_frame_source_names_the_line_and_field(tiny, change, column):
    codebook_text = (tiny / "codebook.yaml").read_text(encoding="utf-8")
    codebook_text = codebook_text.replace(
        "definition: Needs of people.", 'definition: "\\"understand what is needed\\"."'
    )
    codebook_text = codebook_text.replace("definition: Procurement.", 'definition: "\\"buy things\\"."')
    codebook_text = codebook_text.replace("definition: Politics.", 'definition: "\\"Groups\\"."')
    (tiny / "codebook.yaml").write_text(codebook_text, encoding="utf-8")
    book = load_codebook(tiny / "codebook.yaml")
    path = tiny / "frame_source.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert len(load_frame_source(path, book)[1]) == 3
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_frame_source(path, book)
    assert any(p.column == column for p in info.value.problems)
