"""The sentences and tables of a built report that give an interval, and whether each names its level.

A sentence gives an interval when it says "interval" beside a range of numbers ("73.0% to 87.9%",
"+5.2 to +41.4"), or gives a share followed by a range ("58.3%, 48.6% to 67.3%"). It names its level
when a percentage stands before the word "interval" or "confidence" ("90% Wilson score interval",
"at 90% confidence"). A table or chart caption that speaks of intervals names the level in its
caption or its header row.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

RANGE = re.compile(r"[-+]?\d+(?:\.\d+)?%? to [-+]?\d+(?:\.\d+)?%?")
SHARE_THEN_RANGE = re.compile(r"\d%, [-+]?\d+(?:\.\d+)?% to ")
LEVEL = re.compile(
    r"(\d+(?:\.\d+)?)% (?:[\w'()-]+ ){0,6}?(?:interval|confidence)"  # "90% Wilson score interval"
    r"|interval \((\d+(?:\.\d+)?)%\)",  # "Bootstrap interval (95%)"
    re.I,
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*])")


def visible(index_html: Path) -> BeautifulSoup:
    """The page without code, scripts and the provenance's parameter dumps."""
    soup = BeautifulSoup(index_html.read_text(encoding="utf-8"), "html.parser")
    for hidden in soup.select("script, style, .jp-CodeCell .jp-InputArea, figure details"):
        hidden.decompose()
    return soup


def interval_sentences(soup: BeautifulSoup) -> list[str]:
    """Every sentence of the page's prose (paragraphs and list items) that gives an interval."""
    found = []
    for element in soup.find_all(["p", "li"]):
        if element.find_parent(["table", "li", "figure"]):
            continue
        text = " ".join(element.get_text(" ", strip=True).split())
        for sentence in SENTENCE_END.split(text):
            if ("interval" in sentence.lower() and RANGE.search(sentence)) or SHARE_THEN_RANGE.search(sentence):
                found.append(sentence)
    return found


def interval_labels(soup: BeautifulSoup) -> list[str]:
    """Each table (caption and header row) and each figure caption that speaks of an interval."""
    labels = []
    for table in soup.find_all("table"):
        if table.find_parent("figure"):
            continue
        caption = table.find("caption")
        header = [th.get_text(" ", strip=True) for th in table.find_all("th")]
        label = " | ".join(([caption.get_text(" ", strip=True)] if caption else []) + header)
        if "interval" in label.lower():
            labels.append(label)
    for caption in soup.find_all("figcaption"):
        text = caption.get_text(" ", strip=True)
        if "interval" in text.lower():
            labels.append(text)
    return labels


def levels_named(text: str) -> list[str]:
    """The confidence levels a sentence or label names, as written ('90', '97.5')."""
    return [before or after for before, after in LEVEL.findall(text)]


def level_column(soup: BeautifulSoup, header: str) -> list[str]:
    """The cells of every table column with this header (a table that names each row's level in a column)."""
    cells = []
    for table in soup.find_all("table"):
        heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        if header in heads:
            at = heads.index(header)
            cells += [row.find_all("td")[at].get_text(" ", strip=True) for row in table.select("tbody tr")]
    return cells
