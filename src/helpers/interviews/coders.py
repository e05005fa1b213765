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

from ..core.errors import Collector, ParameterError
from ..core.sourced_csv import LINE, read_csv_lines
from .codebook import Codebook
from .patterns import MAX_MEM, RuleSet, pattern_problems

COLUMNS = ["coder", "excerpt_id", "code"]
REPORT = "report"
RULES = "rules"
CODER_NAME = re.compile(r"[a-z][a-z0-9_]*")


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


class _CodeSets(dict):
    """The codes of the set's matches by their indices, each set made once: texts share a few thousand."""

    def __init__(self, codes: list[str]):
        super().__init__()
        self.codes = codes

    def __missing__(self, found: tuple[int, ...]) -> frozenset[str]:
        codes = self[found] = frozenset(self.codes[i] for i in found)
        return codes


class RuleCoder:
    """Applies every rule of a codebook at once, on RE2 (linear time in the text, whatever the rules).

    Each code's keywords and patterns become one expression, and all codes' expressions one RE2
    set, so each excerpt is scanned once for every code together. A rule matches at a word start
    (the character before it is not a letter, digit or underscore, in Unicode); a keyword also
    ends at a word end (or, with a final `*`, after any word ending); a pattern ends where it ends.
    A set reports every expression that matches anywhere, overlaps included, so a code is applied
    exactly when one of its rules matches somewhere in the lower-cased excerpt, as if each rule
    were searched separately.
    """

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        errors = Collector(codebook.path or "codebook")
        ruled = [c for c in codebook.codes.values() if c.has_rules]
        for code in ruled:
            for pattern in code.patterns:
                for problem in pattern_problems(pattern):
                    errors.add(code.line, "patterns", f"{problem} in code '{code.id}'", pattern)
        errors.raise_if_any()
        self.keywords = list(dict.fromkeys(" ".join(k.split()) for c in ruled for k in c.keywords))
        self.patterns = list(dict.fromkeys(p for c in ruled for p in c.patterns))
        order = {cid: i for i, cid in enumerate(codebook.ordered())}
        ruled.sort(key=lambda c: order.get(c.id, len(order)))
        self._codes = [c.id for c in ruled]
        self._set = RuleSet([([" ".join(k.split()) for k in c.keywords], list(c.patterns)) for c in ruled])
        self._found = _CodeSets(self._codes)
        if not self._set.ok:
            failed = self._set.failed
            what = f"code '{self._codes[failed]}'" if failed is not None else "all codes"
            errors.add(
                None, "rules", f"rules that RE2 compiles within {MAX_MEM >> 20} MB ({what})", "too many or too large"
            )
            errors.raise_if_any()

    def codes_for(self, text: str) -> set[str]:
        """The codes whose rules match `text`."""
        return set(self.code_texts([text])[0])

    def code_texts(self, texts: Iterable[str]) -> list[frozenset[str]]:
        """The codes whose rules match each text (one scan of each text)."""
        return list(map(self._found.__getitem__, map(tuple, self._set.matches(texts))))

    def code_excerpts(self, excerpts: pd.DataFrame, coder: str = RULES) -> pd.DataFrame:
        """Codings of every excerpt (an empty code where no rule matches), codes in codebook order."""
        rows = []
        for excerpt_id, found in zip(excerpts["excerpt_id"], self._set.matches(excerpts["text"])):
            codes = [self._codes[i] for i in sorted(found)]
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
    from .refi.coder import check_coder_files  # the REFI-QDA reader builds on this module

    check_coder_files(folder, (REPORT, RULES))  # a file no coder name can reach is refused, never ignored
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


def check_coders(name: str, value, available: Sequence[str], hint: str = "") -> list[str]:
    """A notebook's `coders` parameter: a list of at least two distinct names from `available`.

    `hint` follows the message when fewer than two coders are named or available (how to add one).
    """
    allowed = "a list of two or more of " + ", ".join(repr(a) for a in available)
    if not isinstance(value, (list, tuple)) or len(set(value)) < 2 or len(available) < 2:
        raise ParameterError(name, value, allowed + hint)
    if len(set(value)) != len(value):
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
            from .refi.coder import read_project_coding  # the REFI-QDA reader builds on this module

            # Documents the export lacks get no row at all (not read), never an empty one (read, coded nothing).
            frames.append(read_project_coding(Path(codings_dir) / f"{coder}.qdpx", codebook, excerpts).codings)
        else:
            frames.append(load_human_coding(Path(codings_dir) / f"{coder}.csv", codebook, excerpts["excerpt_id"]))
    return pd.concat(frames, ignore_index=True) if frames else empty_codings()


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
