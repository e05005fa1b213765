"""Coding by quotes: `codings/<coder>.csv` with `document,code` and an optional `quote`, turned into segments.

A row without a quote codes the whole document. A row with a quote codes the exact words quoted:
the quote is found in its document and its character offsets recorded, so that no one has to
count characters. The match is exact, except that any run of spaces, tabs and line breaks matches
any other such run, and typographic quotes and apostrophes match straight ones ('…' and "…"):
each character of the quote still maps to one character of the document, so the offsets are
exact. A quote found twice or not at all stops the import, naming the file and line and showing
the nearest match in the document.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..core.errors import Collector, DataError
from ..core.sourced_csv import LINE, read_csv_lines
from .codebook import Codebook
from .coders import CODER_NAME, REPORT, RULES

QUOTE_COLUMNS = ["document", "code"]
OPTIONAL_COLUMNS = ["quote", "memo"]
SEGMENT_COLUMNS = ["document_id", "start", "end", "code", "coder", "memo"]
_SPACE = re.compile(r"\s+")
_SAME = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
SHOWN = 160  # characters of a nearest match shown in an error
NEAREST_WORDS = 30  # words of a quote matched when looking for the nearest passage


def folded(text: str) -> tuple[str, list[int]]:
    """`text` with each whitespace run as one space and curly quotes straight, and where each character came from.

    >>> folded("a \\n\\n b\\u2019s")
    ("a b's", [0, 1, 5, 6, 7])
    """
    out, where, pos = [], [], 0
    for match in _SPACE.finditer(text):
        out.append(text[pos : match.start()])
        where.extend(range(pos, match.start()))
        out.append(" ")
        where.append(match.start())
        pos = match.end()
    out.append(text[pos:])
    where.extend(range(pos, len(text)))
    return "".join(out).translate(_SAME), where


@lru_cache(maxsize=4)
def _transcript(text: str) -> tuple[str, list[int], list[int], difflib.SequenceMatcher]:
    """A transcript folded (see `folded`), where each character came from, its word starts, its words indexed.

    Cached: one coder's file looks up many quotes in the same few transcripts.
    """
    haystack, where = folded(text)
    starts = [0] + [m.end() for m in _SPACE.finditer(haystack)]
    words = [haystack[a:b].strip() for a, b in zip(starts, starts[1:] + [len(haystack)])]
    # Indexed once per transcript; autojunk sets aside words too common to anchor on (over 1% of them).
    return haystack, where, starts, difflib.SequenceMatcher(None, [], words, autojunk=True)


def find_quote(quote: str, text: str) -> list[tuple[int, int]]:
    """Every place (start, end offsets in `text`) where `quote` occurs, overlapping places included."""
    needle = folded(quote.strip())[0]
    haystack, where, _, _ = _transcript(text)
    places, pos = [], haystack.find(needle)
    while needle and pos >= 0:
        last = where[pos + len(needle) - 1]
        places.append((where[pos], last + 1))
        pos = haystack.find(needle, pos + 1)
    return places


def nearest_match(quote: str, text: str) -> str:
    """The passage of `text` most like `quote`, as the transcript writes it (spacing made single).

    The longest run of words the two share anchors the search (difflib, on words); of the windows
    of the quote's length that start at a word near the anchor, the one with the highest difflib
    ratio on characters wins, widened to the end of its last word. Only the quote's first
    NEAREST_WORDS words are matched, so the work grows with the transcript's length alone.
    """
    needle_words = folded(quote.strip())[0].split(" ")[:NEAREST_WORDS]
    needle = " ".join(needle_words)
    haystack, where, starts, words = _transcript(text)
    if not needle or not haystack.strip():
        return ""
    words.set_seq1(needle_words)
    anchor = words.find_longest_match(0, len(needle_words), 0, len(starts))
    first = anchor.b - anchor.a
    candidates = [
        starts[i] for i in range(max(first - len(needle_words), 0), min(first + len(needle_words), len(starts)))
    ]
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(needle)
    best, best_ratio = candidates[0] if candidates else 0, -1.0
    for start in candidates:
        matcher.set_seq1(haystack[start : start + len(needle)])
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = start, ratio
    end = min(best + len(needle), len(haystack))
    while end < len(haystack) and not haystack[end].isspace() and not haystack[end - 1].isspace():
        end += 1
    shown = " ".join(text[where[best] : where[max(end, best + 1) - 1] + 1].split())
    return shown if len(shown) <= SHOWN else shown[: SHOWN - 3] + "..."


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def read_quote_coding(path: Path | str, documents: pd.DataFrame, codebook: Codebook | None) -> pd.DataFrame:
    """One coder's `document,code[,quote][,memo]` file as segments; the coder is the file's name.

    Every problem (an unknown document or code, a quote found twice or not at all, a repeated
    row) is collected into one DataError naming the file and line.
    """
    path = Path(path)
    frame = read_csv_lines(path, QUOTE_COLUMNS, OPTIONAL_COLUMNS)
    errors = Collector(path)
    coder = path.stem
    if not CODER_NAME.fullmatch(coder) or coder in (REPORT, RULES):
        expected = "a file named <coder>.csv with a lower-case coder name other than 'report' and 'rules'"
        errors.add(None, None, expected, path.name)
    texts = dict(zip(documents["document_id"], documents["text"]))
    rows = []
    for row in frame.itertuples(index=False):
        line = row[0]  # LINE, the first column
        segment = _row_segment(row, line, texts, codebook, errors)
        if segment is not None:
            rows.append((line, *segment, coder, row.memo))
    repeated = frame.duplicated(["document", "code", "quote"])
    for line, doc, code in frame.loc[repeated, [LINE, "document", "code"]].itertuples(index=False):
        errors.add(line, "code", "each document, code and quote once", f"{doc},{code}")
    errors.raise_if_any()
    out = pd.DataFrame(rows, columns=[LINE, *SEGMENT_COLUMNS]).astype({"start": "int64", "end": "int64"})
    return out.drop(columns=[LINE]).reset_index(drop=True)


def _row_segment(row, line: int, texts: dict, codebook: Codebook | None, errors: Collector):
    """(document_id, start, end, code) for one row, or None (an empty code, or a problem recorded)."""
    doc, code, quote = row.document, row.code, row.quote
    if doc not in texts:
        known = ", ".join(sorted(texts)[:8]) + (", ..." if len(texts) > 8 else "")
        errors.add(
            line, "document", f"the id of a transcript in the folder (its file name without extension: {known})", doc
        )
        return None
    if not code:
        if quote.strip():
            errors.add(line, "code", "the code applied to the quote (empty only for a document read and left uncoded)")
        return None
    if codebook is not None and code not in codebook:
        errors.add(line, "code", "a code id of the codebook", code)
        return None
    if codebook is not None and not codebook[code].codable:
        children = ", ".join(codebook.children(code))
        errors.add(line, "code", f"a codable code ('{code}' only groups others: apply one of {children})", code)
        return None
    text = texts[doc]
    if not quote.strip():
        return doc, 0, len(text), code
    places = find_quote(quote, text)
    if len(places) == 1:
        return doc, places[0][0], places[0][1], code
    if not places:
        # Past the problems a DataError shows, the nearest passage would not be read: do not search for it.
        nearest = nearest_match(quote, text) if len(errors.problems) < DataError.max_shown else None
        errors.add(
            line,
            "quote",
            f"words found in document '{doc}' exactly as written there"
            + (f"; the nearest passage is {nearest!r}" if nearest is not None else ""),
            _short(quote),
        )
    else:
        at = ", ".join(f"line {_line_of(text, a)}" for a, _ in places)
        errors.add(
            line,
            "quote",
            f"words found once in document '{doc}' (found {len(places)} times: at {at} of the transcript); "
            "quote a few more words around them so that only one place matches",
            _short(quote),
        )
    return None


def _short(quote: str) -> str:
    return quote if len(quote) <= SHOWN else quote[: SHOWN - 3] + "..."


__all__ = ["find_quote", "folded", "nearest_match", "read_quote_coding"]
