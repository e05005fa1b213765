"""The rule coder's regular expressions, on RE2: what a rule may say, and one matcher for all of them.

RE2 runs in time linear in the text whatever the pattern, so no rule can hang the workbench and
no timeout is needed. The same translation and the same engine check a rule when the codebook is
loaded and run it. Patterns are written as in Python (lower case, matched at word starts in the
lower-cased text); `\\w`, `\\s` and `\\d` keep Python's Unicode meaning (RE2's own are ASCII only).
What RE2 cannot run in linear time (a back-reference, a look-around, a possessive or atomic
repeat, fuzzy matching) is refused with the construct named, never half-read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

import re2

# Python's \w, \s and \d on str as RE2 (equal to Python's on every assigned code point), and
# their ASCII forms, which give the same results on a text that is all ASCII with a smaller
# automaton: the rule coder runs those on ASCII texts and the Unicode forms on the others.
_SPACE = r"\t\n\x0b\f\r\x1c-\x1f"
UNICODE = {
    "inside": {"w": r"\p{L}\p{N}_", "s": _SPACE + r"\x85\p{Z}", "d": r"\p{Nd}", "D": r"\P{Nd}"},
    "outside": {
        "w": r"[\p{L}\p{N}_]",
        "W": r"[^\p{L}\p{N}_]",
        "s": f"[{_SPACE}\\x85\\p{{Z}}]",
        "S": f"[^{_SPACE}\\x85\\p{{Z}}]",
        "d": r"\p{Nd}",
        "D": r"\P{Nd}",
    },
}
ASCII = {
    "inside": {"w": r"\w", "s": _SPACE + " ", "d": r"\d", "D": r"\D"},
    "outside": {"w": r"\w", "W": r"\W", "s": f"[{_SPACE} ]", "S": f"[^{_SPACE} ]", "d": r"\d", "D": r"\D"},
}
# Memory for the compiled rules and their automaton: far above what a codebook of hundreds of
# rules needs; a codebook beyond it is refused, never matched partly.
MAX_MEM = 64 << 20
# Texts a thread takes at least: below this, starting threads costs more than it saves. And the
# characters a text has on average for threads at all: Python's lock is taken for every RE2 call, so on
# short texts (a call of a microsecond) threads wait for each other instead of scanning together.
PER_THREAD = 10_000
LONG_TEXT = 2_000

_GROUPS = [
    ("(?=", "a look-ahead (?=...)"),
    ("(?!", "a negative look-ahead (?!...)"),
    ("(?<=", "a look-behind (?<=...)"),
    ("(?<!", "a negative look-behind (?<!...)"),
    ("(?>", "an atomic group (?>...)"),
    ("(?(", "a conditional (?(...)...)"),
    ("(?P=", "a back-reference (?P=name)"),
    ("(?P>", "a recursion (?P>name)"),
    ("(?&", "a recursion (?&name)"),
    ("(?R", "a recursion (?R)"),
    ("(?|", "a branch reset (?|...)"),
]
_REPEAT = re.compile(r"\{(?:\d+(?:,\d*)?)\}")
_FUZZY = re.compile(r"\{(?:[^{}]*[edis][^{}]*[<=][^{}]*|[^{}]*[<=][^{}]*[edis][^{}]*|[edis])\}")


class Refused(ValueError):
    """A construct of the pattern that RE2 cannot run (or runs with another meaning than Python's)."""

    def __init__(self, construct: str, position: int):
        super().__init__(f"{construct} at position {position}")
        self.construct = construct


def _escape(pattern: str, i: int, in_class: bool, dialect: dict) -> tuple[str, int]:
    """The RE2 form of the escape at `pattern[i]` (a backslash) and the index after it."""
    if i + 1 >= len(pattern):
        raise Refused("a trailing backslash", i)
    ch = pattern[i + 1]
    if in_class and ch in dialect["inside"]:
        return dialect["inside"][ch], i + 2
    if in_class and ch in "WS":
        raise Refused(f"\\{ch} inside [...] (write a negated class [^...] instead)", i)
    if not in_class and ch in dialect["outside"]:
        return dialect["outside"][ch], i + 2
    if ch in "bB":
        raise Refused(f"a word boundary \\{ch} (RE2 counts only ASCII letters; rules already start at a word)", i)
    if ch in "123456789" or ch in "kg":
        raise Refused(f"a back-reference \\{ch}", i)
    if ch == "Z":
        return r"\z", i + 2
    if ch in "pP" and i + 2 < len(pattern) and pattern[i + 2] != "{":
        return pattern[i : i + 3], i + 3
    if ch in "pPx" and pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 2)
        end = len(pattern) - 1 if end < 0 else end
        return pattern[i : end + 1], end + 1
    if ch == "Q":
        end = pattern.find(r"\E", i + 2)
        end = len(pattern) if end < 0 else end
        return re2.escape(pattern[i + 2 : end]), min(end + 2, len(pattern))
    return pattern[i : i + 2], i + 2


def _group(pattern: str, i: int) -> tuple[str, int]:
    """The opening of a group at `pattern[i]`, checked, and the index after its flags or name."""
    for start, construct in _GROUPS:
        if pattern.startswith(start, i):
            raise Refused(construct, i)
    if pattern.startswith("(?", i) and i + 2 < len(pattern) and pattern[i + 2].isdigit():
        raise Refused("a recursion (?1)", i)
    match = re.compile(r"\(\?(?:P?<\w+>|[a-zA-Z-]*[:)])").match(pattern, i)
    end = match.end() if match else i + 1
    return pattern[i:end], end


def _brace(pattern: str, i: int) -> tuple[str, int]:
    """A repeat {n}, {n,} or {n,m}; any other '{' is refused rather than read as a literal."""
    match = _REPEAT.match(pattern, i)
    if match is None:
        if _FUZZY.match(pattern, i):
            raise Refused(f"fuzzy matching {pattern[i : pattern.find('}', i) + 1]}", i)
        raise Refused("a '{' that is not a repeat {n}, {n,} or {n,m} (write \\{ for the character)", i)
    end = match.end()
    if pattern.startswith("+", end):
        raise Refused("a possessive repeat (such as {1,3}+)", end)
    return match.group(), end


def _class(pattern: str, i: int, upper: list[str], dialect: dict) -> tuple[str, int]:
    """A character class [...] from `pattern[i]`, with Python's Unicode \\w, \\s, \\d inside."""
    out, j = ["["], i + 1
    if pattern.startswith("^", j):
        out.append("^")
        j += 1
    if pattern.startswith("]", j):
        out.append(r"\]")
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        if pattern[j] == "\\":
            piece, j = _escape(pattern, j, True, dialect)
        elif pattern.startswith("[:", j) and (end := pattern.find(":]", j)) > 0:
            piece, j = pattern[j : end + 2], end + 2
        else:
            piece, j = pattern[j], j + 1
            if piece != piece.lower():
                upper.append(piece)
        out.append(piece)
    return "".join(out) + "]", j + 1


# A negative look-ahead of plain text at the very end of a pattern, such as `review(?! of needs)`:
# RE2 has no look-ahead, but "not followed by this text" is a regular language, written out below.
_TAIL_NOT = re.compile(r"\(\?!((?:[^\\.^$*+?()\[\]{}|]|\\[^0-9A-Za-z])+)\)$")


def _not_followed_by(text: str) -> str:
    """RE2 for "here the text does not continue with `text`": it ends, or departs from `text` somewhere."""
    chars = re.sub(r"\\(.)", r"\1", text)
    form = ""
    for ch in reversed(chars):
        code = f"\\x{{{ord(ch):x}}}"
        form = f"(?:\\z|[^{code}]" + (f"|{code}{form})" if form else ")")
    return form


def translate(pattern: str, dialect: dict = UNICODE, starts: list[str] | None = None) -> tuple[str, list[str]]:
    """The RE2 form of a pattern and its upper-case literal characters; raises Refused for what RE2 cannot run.

    `starts`, when given, receives each anchor to the text's start (`^`, `\\A`): the one way a rule reads
    what comes before its match.
    """
    starts = [] if starts is None else starts
    tail = _TAIL_NOT.search(pattern)
    if tail is not None and not pattern[: tail.start()].endswith("\\"):
        head, upper = translate(pattern[: tail.start()], dialect, starts)
        upper += [ch for ch in tail.group(1) if ch != ch.lower()]
        return head + _not_followed_by(tail.group(1)), upper
    out: list[str] = []
    upper: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            piece, i = _escape(pattern, i, False, dialect)
            if piece == r"\A":
                starts.append(piece)
        elif ch == "[":
            piece, i = _class(pattern, i, upper, dialect)
        elif ch == "(":
            piece, i = _group(pattern, i)
        elif ch == "{":
            piece, i = _brace(pattern, i)
        elif ch in "*+?" and pattern.startswith("+", i + 1):
            raise Refused(f"a possessive repeat {ch}+", i)
        else:
            piece, i = ch, i + 1
            if ch != ch.lower():
                upper.append(ch)
            if ch == "^":
                starts.append(ch)
        out.append(piece)
    return "".join(out), upper


def options() -> re2.Options:
    """The options every rule is checked and run with: UTF-8, quiet, the memory above."""
    opts = re2.Options()
    opts.max_mem = MAX_MEM
    opts.log_errors = False
    return opts


def pattern_problems(pattern: str) -> list[str]:
    """What is wrong with a pattern, as 'expected ...' phrases (empty when RE2 runs it as written)."""
    if "\n" in pattern:
        return ["a pattern on one line"]
    try:
        form, upper = translate(pattern)
    except Refused as exc:
        return [f"a pattern RE2 can run in linear time, without {exc.construct}"]
    try:
        re2.compile(f"(?:{form})", options())
        compiled = re2.compile(form, options())
    except re2.error as exc:
        message = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        return [f"a regular expression that RE2 compiles ({message})"]
    problems = []
    if upper:
        problems.append(f"a lower-case pattern, without {''.join(dict.fromkeys(upper))} (rules match lower-cased text)")
    if compiled.match("") is not None:
        problems.append("a pattern that cannot match empty text")
    return problems


def keyword_problems(keyword: str) -> list[str]:
    """What is wrong with a keyword (empty when it is a lower-case word or phrase with at most a final *)."""
    problems = []
    if keyword != keyword.lower():
        problems.append(f"a lower-case keyword ('{keyword.lower()}'; rules match lower-cased text)")
    if "*" in keyword.rstrip("*") or keyword.endswith("**") or keyword.strip() in ("*", ""):
        problems.append("a keyword with at most one '*', at its end")
    if "\n" in keyword:
        problems.append("a keyword on one line")
    return problems


def _literal(ch: str) -> str:
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{ord(ch):x}}}"


def keyword_form(keyword: str, dialect: dict = UNICODE) -> tuple[str, bool]:
    """A keyword as RE2 (words joined by any white space) and whether it must end at a word end (no final *)."""
    words = keyword.rstrip("*").split()
    space = dialect["outside"]["s"] + "+"
    return space.join("".join(_literal(ch) for ch in word) for word in words), not keyword.endswith("*")


def rule_expression(keywords: list[str], patterns: list[str], dialect: dict = UNICODE, spaced: bool = False) -> str:
    """One code's rules as one RE2 expression matching at a word start, as if each rule were searched alone.

    `spaced`: the texts scanned all begin with a space added before them, so a rule starts after a
    non-word character only, never at the text's start (exact only for patterns without `^` or `\\A`).
    """
    whole, prefix = [], []
    for keyword in keywords:
        form, ends = keyword_form(keyword, dialect)
        (whole if ends else prefix).append(form)
    not_word = dialect["outside"]["W"]
    branches = [rf"(?:{'|'.join(whole)})(?:{not_word}|\z)"] if whole else []
    branches.extend(prefix)
    branches.extend(f"(?:{translate(p, dialect)[0]})" for p in patterns)
    start = not_word if spaced else rf"(?:\A|{not_word})"
    return rf"{start}(?:{'|'.join(branches)})"


class _Set:
    """Expressions in one RE2 set; `failed` is the index of one RE2 could not add, `ok` whether it compiled."""

    def __init__(self, expressions: list[str]):
        self._set = re2._re2.Set(re2._Anchor.UNANCHORED, options())
        self.failed: int | None = None
        for i, expression in enumerate(expressions):
            if self._set.Add(expression.encode("utf-8")) < 0:
                self.failed = i
                break
        self.ok = self.failed is None and self._set.Compile()
        self.match = self._set.Match


class RuleSet:
    """Every code's rules in one RE2 set: one linear scan of a text tells which codes match it.

    `rules` is one (keywords, patterns) pair per code. Two sets are compiled, alike but for the
    dialect: texts that are ASCII once lower-cased go to the ASCII one. Each text is scanned with a
    space before it, so every code's rules start after the same non-word character class, which RE2
    shares between the codes: its automaton is built several times faster than with `(?:\\A|\\W)`
    in each code. A codebook with a pattern anchored at the start (`^`, `\\A`) is scanned as written.
    """

    def __init__(self, rules: list[tuple[list[str], list[str]]]):
        self.size = len(rules)
        starts: list[str] = []
        for _, patterns in rules:
            for pattern in patterns:
                translate(pattern, UNICODE, starts)
        spaced = not starts
        self.prefix = b" " if spaced else b""
        self.unicode = _Set([rule_expression(k, p, UNICODE, spaced) for k, p in rules])
        self.ascii = _Set([rule_expression(k, p, ASCII, spaced) for k, p in rules])
        self.failed = self.unicode.failed if self.unicode.failed is not None else self.ascii.failed
        self.ok = self.size == 0 or (self.unicode.ok and self.ascii.ok)

    def matches(self, texts: Iterable[str]) -> Iterator[list[int]]:
        """For each text in order, the indices of the codes whose rules match its lower-cased form (in no set order).

        Lazily, on one thread: each text's list is made when the caller takes it and freed once used, so
        Python's garbage collector never walks 100,000 lists kept alive at once (on the benchmark, that
        full collection was about a fifth of the time). RE2 lets go of Python's lock while it scans, so a
        long list of long texts is scanned ahead, split over the machine's cores (at most four threads).
        """
        texts = list(texts)
        if self.size == 0:
            return iter([[] for _ in texts])
        datas = map(self.prefix.__add__, map(str.encode, map(str.lower, texts)))  # UTF-8, in C loops
        scan = self._scan_ascii if all(map(str.isascii, texts)) else self._scan  # lower-cased ASCII stays ASCII
        threads = min(os.cpu_count() or 1, 4, len(texts) // PER_THREAD)
        if threads < 2 or sum(map(len, texts)) < LONG_TEXT * len(texts):
            return scan(datas)
        datas = list(datas)
        size = -(-len(datas) // threads)
        with ThreadPoolExecutor(threads) as pool:
            parts = pool.map(lambda part: list(scan(part)), [datas[i : i + size] for i in range(0, len(datas), size)])
            return iter([found for part in list(parts) for found in part])

    def _scan_ascii(self, datas: Iterable[bytes]) -> Iterator[list[int]]:
        """One RE2 call per text and no Python step between them: the calls are what costs."""
        return map(self.ascii.match, datas)

    def _scan(self, datas: Iterable[bytes]) -> Iterator[list[int]]:
        """Texts not all ASCII: each goes to the set of its own dialect."""
        by_ascii, by_unicode = self.ascii.match, self.unicode.match
        return (by_ascii(data) if data.isascii() else by_unicode(data) for data in datas)
