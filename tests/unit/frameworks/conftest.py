"""A small framework set written to a temporary folder: two sources, three lists, five items."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

CODEBOOK = """\
codebook:
  id: tiny
  title: A tiny frame
codes:
  - id: analyse
    name: Analyse
    definition: Finding out.
    rules:
      keywords: [understand]
  - id: needs
    name: Needs
    parent: analyse
    definition: Needs of people.
    example: A1
    rules:
      keywords: [needs]
  - id: do
    name: Do
    definition: Doing.
  - id: buy
    name: Buying
    parent: do
    definition: Procurement.
    rules:
      keywords: [contract*]
  - id: around
    name: Around
    codable: false
    definition: Groups.
  - id: members
    name: Members
    parent: around
    definition: Politics.
    rules:
      keywords: [members]
"""


def write_set(folder: Path, **overrides: str) -> Path:
    """Write the tiny set; `overrides` replace whole files by name (`**{"items.csv": "..."}`)."""
    files = {
        "sources.csv": (
            "document,source,title,publisher,date\n"
            "b.txt,Beta 2001,Title B,B Ltd,2001\na.txt,Alpha 2000,Title A,A plc,2000\n"
        ),
        "lists.csv": (
            "list_id,document,name,lead_in\nsteps,a.txt,Alpha steps,Steps:\n"
            "recs,b.txt,Beta recs,Recs:\nmore,a.txt,More,More:\n"
        ),
        "items.csv": textwrap.dedent(
            """\
            item_id,document,section,list_id,marker,label,text
            A1,a.txt,1,steps,1.,Understand needs,Understand needs of residents
            A2,a.txt,1,steps,2.,Let contracts,Let contracts well
            A3,a.txt,2,more,,Ask members,Ask members first
            B1,b.txt,3,recs,•,Better contracts,Better contracts for all
            B2,b.txt,3,recs,•,Nothing here,Nothing here at all
            """
        ),
        "codebook.yaml": CODEBOOK,
        "codings/author.csv": "item_id,code\nA1,needs\nA2,buy\nA3,members\nB1,buy\nB2,\n",
    }
    files.update(overrides)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path) -> Path:
    return write_set(tmp_path / "tiny")
