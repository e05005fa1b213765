"""Coders of the interview excerpts: the report itself, a rule coder, and coders' files.

Every coder's work is one tidy table with the columns `coder`, `excerpt_id`, `code`: one row per
code applied to an excerpt. A row with an empty `code` says the coder read that excerpt and
applied no code; an excerpt a coder does not list at all was not read by that coder (a missing
value, not an "absent"). The report and the rule coder read every excerpt.

- The report: its placement of each excerpt under a section is a coding, by its authors, with
  the theme the codebook links to that section (`section:`).
- The rule coder: applies the codebook's keywords and patterns (see `RuleCoder`).
- Coders' files: one file `codings/<coder>.csv` each, with columns `excerpt_id,code`, or a
  REFI-QDA project `codings/<coder>.qdpx` exported from a QDA tool. Whether a coding was made by
  a person, and independently, is recorded in `codings/coders.yaml`, never assumed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
import regex

from ..core.errors import Collector, DataError, ParameterError
from ..core.sourced_csv import LINE, read_csv_lines
from .codebook import Codebook

COLUMNS = ["coder", "excerpt_id", "code"]
REPORT = "report"
RULES = "rules"
CODER_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Longest time one search of the patterns may take on one excerpt before the coder stops with an
# error naming the pattern (a backstop: the codebook already refuses the usual runaway shapes).
PATTERN_TIMEOUT = 1.0


def empty_codings() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def _frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS) if rows else empty_codings()


# ---------------------------------------------------------------------------- the report


def report_coder(excerpts: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The report's placement as a coding: each excerpt gets the theme linked to its section."""
    themes = codebook.theme_for_section()
    errors = Collector(codebook.path or "codebook")
    missing = sorted(set(excerpts["section_number"]) - set(themes))
    for section in missing:
        errors.add(None, "section", f"a theme with 'section: {section}', where the report places excerpts", "none")
    errors.raise_if_any()
    return _frame([(REPORT, e, themes[s]) for e, s in zip(excerpts["excerpt_id"], excerpts["section_number"])])


# ---------------------------------------------------------------------------- the rule coder


def _keyword_tokens(keyword: str) -> tuple[list[str], str]:
    """A keyword as regex tokens (one per literal character, any space between words) and its tail.

    The tail ends the keyword at a word end, after any word ending when the keyword ends in *.
    """
    star = keyword.endswith("*")
    tokens: list[str] = []
    for i, word in enumerate(keyword.rstrip("*").split()):
        if i:
            tokens.append(r"\s+")
        tokens.extend(re.escape(ch) for ch in word)
    return tokens, (r"\w*" if star else "") + r"(?!\w)"


def _keyword_regex(keyword: str) -> tuple[str, str]:
    """(first character, regex for the rest) of a keyword, for searching it on its own."""
    tokens, tail = _keyword_tokens(keyword)
    return keyword[0], "".join(tokens[1:]) + tail


def _trie(items: list[tuple[list[str], str, str]]) -> str:
    """One regex for keywords sharing a prefix, branching character by character (a trie).

    `items` are (remaining tokens, tail, group name) in priority order. Branches on different
    characters exclude each other; keywords ending here come after the longer ones, in order, so
    the first branch that matches is the longest keyword that matches.
    """
    groups: dict[str, list] = {}
    ended = []
    for tokens, tail, name in items:
        if tokens:
            groups.setdefault(tokens[0], []).append((tokens[1:], tail, name))
        else:
            ended.append(f"{tail}(?P<{name}>)")
    branches = [token + _trie(rest) for token, rest in groups.items()] + ended
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


class RuleCoder:
    """Applies every rule of a codebook at once.

    All keywords are compiled once into one regular expression (a trie: branching character by
    character, so the engine follows one path per position whatever the number of keywords) and
    all patterns into a second; each excerpt is scanned once by each, never keyword by keyword. A rule matches at a word
    start (the character before it is not a letter, digit or underscore). A keyword also ends at
    a word end (or, with a final `*`, after any word ending); a pattern ends where it ends.

    Exactness: the scan finds each word start where some rule matches and the first rule in
    the compiled order that matches there. Keywords are ordered longest first, and each keyword
    carries the codes of every shorter keyword that matches within its own text (computed once
    at compile time), so "soft market testing" also gives the codes of "market". Patterns that
    match at the same place are found by re-trying the remaining patterns there. So a code is
    applied exactly when one of its rules matches somewhere in the excerpt, as if each rule were
    searched separately.

    The keyword expression begins every branch with a literal character; Python's regex engine
    then skips quickly over text that cannot start a match. A pattern that does not begin with a
    literal character still works but slows the pattern scan.
    """

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        keywords: dict[str, set[str]] = {}
        patterns: dict[str, set[str]] = {}
        for code in codebook.codes.values():
            for keyword in code.keywords:
                keywords.setdefault(" ".join(keyword.split()), set()).add(code.id)
            for pattern in code.patterns:
                patterns.setdefault(pattern, set()).add(code.id)
        # Longest stem first, so that at one position the longest matching keyword wins.
        self.keywords = sorted(keywords, key=lambda k: (-len(k.rstrip("*")), k))
        single = {
            k: re.compile(r"(?<!\w)" + re.escape(_keyword_regex(k)[0]) + _keyword_regex(k)[1]) for k in self.keywords
        }
        self._keyword_codes = []
        for k in self.keywords:
            stem = k.rstrip("*")
            probes = [stem] if not k.endswith("*") else [stem, stem + "zq"]
            implied = set(keywords[k])
            for other in self.keywords:
                if all(single[other].match(p) for p in probes):
                    implied |= keywords[other]
            self._keyword_codes.append(frozenset(implied))
        # One branch per first character, each a trie of its keywords: every branch starts with a
        # literal, and the word-start check follows it.
        by_first: dict[str, list] = {}
        for i, k in enumerate(self.keywords):
            tokens, tail = _keyword_tokens(k)
            by_first.setdefault(tokens[0], []).append((tokens[1:], tail, f"k{i}"))
        branches = [first + r"(?<!\w.)" + _trie(items) for first, items in by_first.items()]
        self._keyword_rx = re.compile("|".join(branches)) if branches else None
        self.patterns = list(patterns)
        self._pattern_codes = [frozenset(patterns[p]) for p in self.patterns]
        self._pattern_branches = [f"(?:{p})(?P<p{i}>)" for i, p in enumerate(self.patterns)]
        self._pattern_rx = self._compile_patterns(self._pattern_branches) if self.patterns else None
        self._rest: dict[int, regex.Pattern | None] = {}
        self._failed: DataError | None = None

    def _compile_patterns(self, branches: list[str]):
        try:
            return regex.compile("|".join(branches))
        except regex.error as exc:
            raise self._pattern_error(None, f"patterns that combine into one expression ({exc})") from None

    def _pattern_error(self, pattern: str | None, expected: str) -> DataError:
        """A DataError naming the codebook file, the line of the code holding `pattern` and the code."""
        errors = Collector(self.codebook.path or "codebook")
        for code in self.codebook.codes.values():
            if pattern is None or pattern in code.patterns:
                errors.add(code.line, "patterns", f"{expected} (code '{code.id}')", pattern)
                if pattern is not None:
                    break
        if not errors.problems:
            errors.add(None, "patterns", expected, pattern)
        return DataError(errors.problems)

    def _search(self, rx, text: str, pos: int, match: bool = False):
        """One search (or match) of the patterns, stopped after PATTERN_TIMEOUT seconds with an error."""
        try:
            return (rx.match if match else rx.search)(text, pos, timeout=PATTERN_TIMEOUT)
        except TimeoutError:
            self._failed = self._runaway(text)
            raise self._failed from None

    def _runaway(self, text: str) -> DataError:
        """The error for a pattern search that timed out: find the pattern that runs away on `text`."""
        for pattern in self.patterns:
            try:
                regex.search(pattern, text, timeout=PATTERN_TIMEOUT)
            except TimeoutError:
                return self._pattern_error(
                    pattern,
                    f"a pattern that finishes within {PATTERN_TIMEOUT:g} s on an excerpt of {len(text)} characters",
                )
        return self._pattern_error(None, f"patterns that finish within {PATTERN_TIMEOUT:g} s on an excerpt")

    def _rest_after(self, i: int) -> regex.Pattern | None:
        """The patterns after the i-th, combined (compiled once, when first needed)."""
        if i not in self._rest:
            rest = self._pattern_branches[i + 1 :]
            self._rest[i] = regex.compile("|".join(rest)) if rest else None
        return self._rest[i]

    def codes_for(self, text: str) -> set[str]:
        """The codes whose rules match `text`."""
        if self._failed is not None:  # a pattern ran away before: stop at once rather than wait again
            raise self._failed
        low = text.lower()
        found: set[str] = set()
        rx = self._keyword_rx
        if rx is not None:
            pos = 0
            search = rx.search
            while (m := search(low, pos)) is not None:
                found |= self._keyword_codes[int(m.lastgroup[1:])]
                pos = m.start() + 1
        rx = self._pattern_rx
        if rx is not None:
            pos = 0
            while (m := self._search(rx, low, pos)) is not None:
                start = m.start()
                if start == 0 or not (low[start - 1].isalnum() or low[start - 1] == "_"):
                    i = int(m.lastgroup[1:])
                    found |= self._pattern_codes[i]
                    while (rest := self._rest_after(i)) is not None and (
                        m2 := self._search(rest, low, start, match=True)
                    ) is not None:
                        i = int(m2.lastgroup[1:])
                        found |= self._pattern_codes[i]
                pos = start + 1
        return found

    def code_texts(self, texts: Iterable[str]) -> list[set[str]]:
        return [self.codes_for(t) for t in texts]

    def code_excerpts(self, excerpts: pd.DataFrame, coder: str = RULES) -> pd.DataFrame:
        """Codings of every excerpt (an empty code where no rule matches), codes in codebook order."""
        order = {c: i for i, c in enumerate(self.codebook.ordered())}
        rows = []
        for excerpt_id, text in zip(excerpts["excerpt_id"], excerpts["text"]):
            codes = sorted(self.codes_for(text), key=order.__getitem__)
            rows.extend((coder, excerpt_id, c) for c in codes) if codes else rows.append((coder, excerpt_id, ""))
        return _frame(rows)


def rule_coder(excerpts: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The rule coder's codings of `excerpts` (coder 'rules')."""
    return RuleCoder(codebook).code_excerpts(excerpts)


# ---------------------------------------------------------------------------- coders' files


def human_coders(codings_dir: Path | str) -> list[str]:
    """The coders with a file in `codings_dir` (`<coder>.csv`, or a REFI-QDA project `<coder>.qdpx`), sorted."""
    folder = Path(codings_dir)
    if not folder.is_dir():
        return []
    return sorted({p.stem for p in folder.iterdir() if p.suffix.lower() in (".csv", ".qdpx")})


def load_human_coding(path: Path | str, codebook: Codebook, excerpt_ids: Sequence[str]) -> pd.DataFrame:
    """Read and validate one coder's file `excerpt_id,code`; the coder is the file's name.

    An unknown excerpt, an unknown or non-codable code, or the same pair twice is a `DataError`
    naming the file and line. Extra columns (a note, say) are allowed and ignored.
    """
    path = Path(path)
    coder = path.stem
    frame = read_csv_lines(path, ["excerpt_id", "code"])
    errors = Collector(path)
    if not CODER_NAME.fullmatch(coder) or coder in (REPORT, RULES):
        errors.add(
            None,
            None,
            "a file named <coder>.csv with a lower-case coder name other than 'report' and 'rules'",
            path.name,
        )
    known = set(excerpt_ids)
    for line, excerpt_id, code in frame[[LINE, "excerpt_id", "code"]].itertuples(index=False):
        if excerpt_id not in known:
            errors.add(line, "excerpt_id", "an excerpt id of the corpus", excerpt_id)
        if code and code not in codebook:
            errors.add(line, "code", "a code id of the codebook (or empty: read, no code applies)", code)
        elif code and not codebook[code].codable:
            errors.add(
                line,
                "code",
                f"a codable code ('{code}' only groups others: apply one of "
                + ", ".join(codebook.children(code))
                + ")",
                code,
            )
    repeated = frame.duplicated(["excerpt_id", "code"])
    for line, excerpt_id, code in frame.loc[repeated, [LINE, "excerpt_id", "code"]].itertuples(index=False):
        errors.add(line, "code", "each excerpt and code once", f"{excerpt_id},{code}")
    errors.raise_if_any()
    return without_redundant_empties(frame.assign(coder=coder)[COLUMNS])


def without_redundant_empties(codings: pd.DataFrame) -> pd.DataFrame:
    """Drop a coder's empty row for an excerpt it also codes (it adds nothing), and exact repeats."""
    has_code = set(codings.loc[codings["code"] != "", "excerpt_id"])
    kept = codings[(codings["code"] != "") | ~codings["excerpt_id"].isin(has_code)].drop_duplicates()
    return kept.reset_index(drop=True)


def check_coders(name: str, value, available: Sequence[str]) -> list[str]:
    """A notebook's `coders` parameter: a list of at least two distinct names from `available`."""
    allowed = "a list of two or more of " + ", ".join(repr(a) for a in available)
    if not isinstance(value, (list, tuple)) or len(value) < 2 or len(set(value)) != len(value):
        raise ParameterError(name, value, allowed)
    for coder in value:
        if coder not in available:
            raise ParameterError(name, value, allowed)
    return list(value)


def collect_codings(
    coders: Sequence[str], excerpts: pd.DataFrame, codebook: Codebook, codings_dir: Path | str
) -> pd.DataFrame:
    """Every named coder's codings in one table, in the order of `coders`."""
    frames = []
    for coder in coders:
        if coder == REPORT:
            frames.append(report_coder(excerpts, codebook))
        elif coder == RULES:
            frames.append(rule_coder(excerpts, codebook))
        elif (Path(codings_dir) / f"{coder}.qdpx").is_file():
            from .refi.coder import load_project_coding  # the REFI-QDA reader builds on this module

            segments = load_project_coding(Path(codings_dir) / f"{coder}.qdpx", codebook, excerpts)
            frames.append(segments_as_codings(segments, excerpts["excerpt_id"], coder))
        else:
            frames.append(load_human_coding(Path(codings_dir) / f"{coder}.csv", codebook, excerpts["excerpt_id"]))
    return pd.concat(frames, ignore_index=True) if frames else empty_codings()


def segments_as_codings(segments: pd.DataFrame, excerpt_ids: Sequence[str], coder: str) -> pd.DataFrame:
    """One coder's segments as excerpt codings; the coder read every excerpt (a coding package holds them all)."""
    by_excerpt = segments.groupby("document_id", sort=False)["code"].agg(lambda c: list(dict.fromkeys(c))).to_dict()
    rows = []
    for excerpt_id in excerpt_ids:
        codes = by_excerpt.get(excerpt_id) or [""]
        rows.extend((coder, excerpt_id, code) for code in codes)
    return _frame(rows)


def coverage(codings: pd.DataFrame) -> dict[str, set[str]]:
    """For each coder, the excerpts they read (listed with or without a code)."""
    return {c: set(g["excerpt_id"]) for c, g in codings.groupby("coder", sort=False)}


def applied(codings: pd.DataFrame) -> pd.DataFrame:
    """Only the rows that apply a code."""
    return codings[codings["code"] != ""].reset_index(drop=True)


def roll_up(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Each code replaced by its theme (duplicates dropped, 'read, no code' rows kept)."""
    out = codings.assign(code=[codebook.theme_of(c) if c else "" for c in codings["code"]])
    return out.drop_duplicates().reset_index(drop=True)


def with_ancestors(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Each applied code together with its parent, grandparent, ... (a sub-code implies its theme)."""
    rows = []
    for coder, excerpt_id, code in codings[COLUMNS].itertuples(index=False):
        rows.append((coder, excerpt_id, code))
        if code:
            rows.extend((coder, excerpt_id, a) for a in codebook.ancestors(code))
    return _frame(rows).drop_duplicates().reset_index(drop=True)
