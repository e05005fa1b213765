"""A small framework set written to a temporary folder: three sources (one quoted), seven lists, seven items."""

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
            "document,source,title,publisher,date,quoted_in\n"
            "b.txt,Beta 2001,Title B,B Ltd,2001,\na.txt,Alpha 2000,Title A,A plc,2000,\n"
            "a.txt,Gamma 1999,Title G,G Board,1999,Alpha 2000\n"
        ),
        "inclusion_rules.csv": (
            "rule,decision,text\nI1,extract,A list of steps.\nC1,copy,A copy of another list.\n"
            "X1,exclude,Not about commissioning.\n"
        ),
        "lists.csv": (
            "list_id,document,source,name,lead_in,kind,status,rule,copy_of,start,end\n"
            "steps,a.txt,Alpha 2000,Alpha steps,Steps:,process,extracted,I1,,0,10\n"
            "recs,b.txt,Beta 2001,Beta recs,Recs:,principles,extracted,I1,,0,10\n"
            "more,a.txt,Alpha 2000,More,More:,process,extracted,I1,,20,30\n"
            "risks,a.txt,Alpha 2000,Risks,Risks:,risks,extracted,I1,,40,50\n"
            "quoted,a.txt,Gamma 1999,Gamma's list,Gamma says:,process,extracted,I1,,60,70\n"
            "again,b.txt,Beta 2001,Beta repeats,Again:,principles,copy,C1,recs,80,90\n"
            "toc,b.txt,Beta 2001,Contents,Contents,structure,excluded,X1,,100,110\n"
        ),
        "items.csv": textwrap.dedent(
            """\
            item_id,document,section,list_id,marker,label,text
            A1,a.txt,1,steps,1.,Understand needs,Understand needs of residents
            A2,a.txt,1,steps,2.,Let contracts,Let contracts well
            A3,a.txt,2,more,,Ask members,Ask members first
            B1,b.txt,3,recs,•,Better contracts,Better contracts for all
            B2,b.txt,3,recs,•,Nothing here,Nothing here at all
            R1,a.txt,4,risks,•,Contracts fail,Contracts fail
            G1,a.txt,5,quoted,1.,Needs first,Needs first
            """
        ),
        "codebook.yaml": CODEBOOK,
        "codings/author.csv": "item_id,code\nA1,needs\nA2,buy\nA3,members\nB1,buy\nB2,\nR1,buy\nG1,needs\n",
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
