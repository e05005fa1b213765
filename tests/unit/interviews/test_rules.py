"""The rule coder on RE2: one engine checks and runs the rules, in linear time, with the codes of before."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import re
import textwrap
import time

import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.interviews import load_excerpts
from helpers.interviews.codebook import Code, Codebook, load_codebook
from helpers.interviews.coders import RuleCoder
from helpers.interviews.patterns import pattern_problems, translate

CORPUS = paths.LOCAL_PARTNERSHIPS_2015
BENCH = paths.BENCHMARKS / "bench_rule_coder.py"

# The codes the rule coder applied before it ran on RE2 (the `regex` module, one combined scan),
# recorded with that coder as SHA-256 digests of its sorted "(excerpt, code)" lines: on the 22
# excerpts ("LP01\tcode\n" ...), and on the benchmark's corpus of 100,000 generated excerpts
# ("<index>\tcode\n" ..., seed 2015) where it applied 143,362 codes.
BEFORE_22 = "197b595c3acfc939b165b1b7cd467971353e88c0e8a5c172209f10dd4b3ea134"
BEFORE_BENCH = "bff09c475d549ec40c6d64dd920c2497353eb21505a7d7e4327bf03c1a5bc54d"
BEFORE_BENCH_CODES = 143_362


def keyword_rx(keyword: str) -> re.Pattern:
    """A keyword searched alone with Python's re, the reference: at a word start, to a word end unless it ends in *."""
    body = r"\s+".join(re.escape(w) for w in keyword.rstrip("*").split())
    return re.compile(r"(?<!\w)" + body + ("" if keyword.endswith("*") else r"(?!\w)"))


def digest(pairs) -> str:
    out = hashlib.sha256()
    for key, codes in pairs:
        for code in sorted(codes):
            out.update(f"{key}\t{code}\n".encode())
    return out.hexdigest()


def book_with(tmp_path, keywords=(), patterns=()):
    path = tmp_path / "codebook.yaml"
    path.write_text(  # JSON strings are YAML's double-quoted strings: backslashes as in Python
        "codes:\n  - id: c\n    name: C\n    definition: D.\n    rules:\n"
        f"      keywords: {json.dumps(list(keywords))}\n      patterns: {json.dumps(list(patterns))}\n",
        encoding="utf-8",
    )
    return path


def book_of(tmp_path, codes: dict) -> Codebook:
    """A codebook of codes {id: (keywords, patterns)}, written as a researcher writes it."""
    lines = ["codes:"]
    for cid, (keywords, rules) in codes.items():
        lines += [f"  - id: {cid}", f"    name: {cid}", "    definition: D.", "    rules:"]
        lines += [f"      keywords: {json.dumps(list(keywords))}", f"      patterns: {json.dumps(list(rules))}"]
    path = tmp_path / "codebook.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_codebook(path)


def reference(book: Codebook, texts) -> list[set[str]]:
    """The codes of each text as one Python search per rule finds them: the plain definition the coder must keep."""
    rules = [(c.id, keyword_rx(" ".join(k.split()))) for c in book.codes.values() for k in c.keywords]
    rules += [(c.id, re.compile(r"(?<!\w)(?:" + p + ")")) for c in book.codes.values() for p in c.patterns]
    return [{code for code, rx in rules if rx.search(text.lower())} for text in texts]


def generated(book: Codebook, n: int, seed: int) -> list[str]:
    """n excerpts from the real excerpts' words and the codebook's own, glued by what trips word edges and case:
    other white space, punctuation, accented letters, digits, underscores, capitals."""
    words = " ".join(load_excerpts(CORPUS)["text"]).split()
    words += [w.rstrip("*") for c in book.codes.values() for k in c.keywords for w in k.split()] * 20
    words += ["é", "Σ", "ΟΔΟΣ", "_", "7", "n.h.s.", "re-commission", "older  adults", "judgment", "older\tpeople"]
    glue = [" "] * 12 + ["  ", "\t", "\n", "\u00a0", "\u2003", ", ", ". ", "-", "'", "", "é", "_", "1", " — ", "\u2019"]
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        picked = rng.choices(words, k=rng.randint(0, 30))
        text = "".join(w + rng.choice(glue) for w in picked)
        texts.append(text.upper() if rng.random() < 0.1 else text.capitalize() if rng.random() < 0.3 else text)
    return texts


class TestSameCodesAsAReference:
    """The batch path (one RE2 set, texts behind a space, threads) applies what one search per rule applies."""

    def test_the_22_excerpts(self):
        book = load_codebook(CORPUS / "codebook.yaml")
        texts = list(load_excerpts(CORPUS)["text"])
        assert RuleCoder(book).code_texts(texts) == reference(book, texts)

    @pytest.mark.parametrize("threads", [False, True])
    def test_a_generated_corpus(self, monkeypatch, threads):
        if threads:  # the same corpus split over threads, as long lists of long texts are
            monkeypatch.setattr("helpers.interviews.patterns.PER_THREAD", 500)
            monkeypatch.setattr("helpers.interviews.patterns.LONG_TEXT", 1)
        book = load_codebook(CORPUS / "codebook.yaml")
        texts = generated(book, 3_000, seed=22)
        coded = RuleCoder(book).code_texts(texts)
        assert sum(map(len, coded)) > 3_000 and sum(not c for c in coded) > 100  # codes applied, and texts without
        assert coded == reference(book, texts)

    def test_patterns_anchored_at_the_start_are_scanned_as_written(self, tmp_path):
        codes = {"a": (["market*", "soft market testing"], ["^re-?commission\\w*", "\\Aolder (?:people|adults)"])}
        book = book_of(tmp_path, codes | {"b": (["users", "what's commissioning"], ["judge?ment"])})
        coder = RuleCoder(book)
        assert coder.codes_for("recommissioning now") == {"a"} and coder.codes_for("now recommissioning") == set()
        texts = generated(book, 2_000, seed=15) + ["older people", "Older adults said", "x older people"]
        assert coder.code_texts(texts) == reference(book, texts)


class TestSameCodesAsBefore:
    def test_the_22_excerpts(self):
        book = load_codebook(CORPUS / "codebook.yaml")
        excerpts = load_excerpts(CORPUS)
        coded = RuleCoder(book).code_texts(excerpts["text"])
        assert digest(zip(excerpts["excerpt_id"], coded)) == BEFORE_22

    def test_the_benchmark_corpus(self):
        spec = importlib.util.spec_from_file_location("bench_rule_coder", BENCH)
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        coded = RuleCoder(load_codebook(CORPUS / "codebook.yaml")).code_texts(bench.corpus())
        assert sum(len(c) for c in coded) == BEFORE_BENCH_CODES
        assert digest(enumerate(coded)) == BEFORE_BENCH


class TestOneEngine:
    """What the codebook accepts is what RE2 runs, with the meaning it reads; the rest is refused at load."""

    @pytest.mark.parametrize(
        ("pattern", "construct"),
        [
            ("(?:procurement){e<=3}", "fuzzy matching {e<=3}"),
            ("market{i<=1,d<=1}", "fuzzy matching"),
            (r"(\w+) \1", r"a back-reference \1"),
            ("(?P<w>x)(?P=w)", "a back-reference (?P=name)"),
            ("market(?= test)", "a look-ahead"),
            ("(?<!soft )market", "a negative look-behind"),
            ("(?<=soft )market", "a look-behind"),
            (r"market(?! \w+)", "a negative look-ahead"),
            ("market(?! town) test", "a negative look-ahead"),
            ("(?>mark|market)", "an atomic group"),
            ("a++", "a possessive repeat"),
            ("a{1,3}+", "a possessive repeat"),
            ("market{,3}", "a '{' that is not a repeat"),
            (r"\bmarket\b", r"a word boundary \b"),
        ],
    )
    def test_a_construct_re2_cannot_run_is_refused_with_its_name(self, tmp_path, pattern, construct):
        with pytest.raises(DataError) as err:
            load_codebook(book_with(tmp_path, patterns=[pattern]))
        problem = err.value.first
        assert (problem.line, problem.column) == (7, "patterns")
        assert construct in problem.expected and "code 'c'" in problem.expected
        assert problem.found == pattern and len(err.value.problems) == 1

    def test_a_pattern_re2_does_not_compile_names_re2s_reason(self, tmp_path):
        with pytest.raises(DataError, match=r"RE2 compiles \(missing \)") as err:
            load_codebook(book_with(tmp_path, patterns=["soft (market"]))
        assert err.value.first.line == 7

    def test_fuzzy_syntax_is_never_matched_fuzzily(self):
        # The regex module read {e<=3} as "up to three errors" after re had checked it as literal text.
        assert pattern_problems("(?:procurement){e<=3}")
        assert not pattern_problems("(?:procurement){2,3}")

    def test_python_shorthands_keep_their_unicode_meaning(self, tmp_path):
        coder = RuleCoder(load_codebook(book_with(tmp_path, patterns=[r"caf\W", r"r\d+ "])))
        assert coder.codes_for("au café ce matin") == set()  # é is a \w in Python's re, not in RE2's own
        assert coder.codes_for("au caf. ce matin") == {"c"}
        assert coder.codes_for("r٣ ") == {"c"}  # an Arabic-Indic digit is a \d in Python

    def test_a_final_negative_look_ahead_of_plain_text_is_written_out_exactly(self, tmp_path):
        patterns = ["review(?! of needs)", r"eval\w*(?! of bids\.)"]
        coder = RuleCoder(load_codebook(book_with(tmp_path, patterns=patterns)))
        python = [re.compile(r"(?<!\w)(?:" + p + ")") for p in patterns]
        texts = ["a review of needs", "a review", "review of need", "review of needsx", "reviews", "review\nof needs"]
        texts += ["evaluation of bids.", "evaluations of bids.", "evaluation of bids", "eval of bids."]
        for text in texts:
            assert coder.codes_for(text) == ({"c"} if any(p.search(text) for p in python) else set()), text

    def test_a_rule_starts_at_a_unicode_word_start(self, tmp_path):
        coder = RuleCoder(load_codebook(book_with(tmp_path, keywords=["market"], patterns=["test\\w*"])))
        assert coder.codes_for("émarket") == set() and coder.codes_for("étest") == set()
        assert coder.codes_for("é market") == {"c"} and coder.codes_for("«test»") == {"c"}

    def test_translation_is_the_same_for_checking_and_running(self):
        form, upper = translate(r"[\w-]+\s\d")
        assert form == r"[\p{L}\p{N}_-]+[\t\n\x0b\f\r\x1c-\x1f\x85\p{Z}]\p{Nd}" and upper == []


class TestLinearTime:
    @pytest.mark.parametrize("pattern", [r"(?:\w+\s?)+$", r"(?:a|aa)+$", r"(?:\w\w?)+x", r"(?:x+x+)+y"])
    def test_patterns_that_backtrack_for_hours_elsewhere_finish_at_once(self, tmp_path, pattern):
        coder = RuleCoder(load_codebook(book_with(tmp_path, patterns=[pattern])))
        texts = ["a" * 20_000 + "!", "word " * 4_000 + "!", "x" * 20_000]
        start = time.process_time()
        coder.code_texts(texts)
        assert time.process_time() - start < 2.0

    def test_an_unchecked_codebook_is_checked_by_the_coder(self):
        book = Codebook({"c": Code("c", "C", patterns=("market(?= town)",), line=12)}, path="book.yaml")
        with pytest.raises(DataError, match="look-ahead") as err:
            RuleCoder(book)
        assert err.value.first.line == 12 and "code 'c'" in str(err.value)


class TestNonAsciiCase:
    """Rules match lower-cased text: an upper-case rule is refused, whatever its alphabet."""

    @pytest.mark.parametrize("keyword", ["Économie", "Öffentlich", "ÇA", "ΣΥΜΒΑΣΗ", "Договор", "Supplier"])
    def test_an_upper_case_keyword_is_refused_with_its_lower_case_form(self, tmp_path, keyword):
        with pytest.raises(DataError) as err:
            load_codebook(book_with(tmp_path, keywords=[keyword]))
        assert err.value.first.line == 6 and keyword.lower() in err.value.first.expected

    @pytest.mark.parametrize("pattern", ["Économ\\w*", "[É]conomie", "öffentlich|Öffentlich"])
    def test_an_upper_case_pattern_is_refused(self, tmp_path, pattern):
        with pytest.raises(DataError, match="lower-case pattern"):
            load_codebook(book_with(tmp_path, patterns=[pattern]))

    def test_escapes_and_property_names_are_not_upper_case_letters(self, tmp_path):
        load_codebook(book_with(tmp_path, patterns=[r"\p{Lu}?x\W\S\D", r"\P{Greek}y", r"(?i)z"]))

    @pytest.mark.parametrize(
        ("keyword", "text"),
        [
            ("économie", "L'ÉCONOMIE sociale"),
            ("öffentlich", "ÖFFENTLICH bekannt"),
            ("ça", "ÇA marche"),
            ("σύμβαση", "Η ΣΎΜΒΑΣΗ λήγει"),
            ("договор", "ДОГОВОР подписан"),
            ("straße*", "die Straßenbahn"),
            ("νόμος", "Ο ΝΌΜΟΣ ορίζει"),
        ],
    )
    def test_a_lower_case_keyword_matches_upper_case_text(self, tmp_path, keyword, text):
        coder = RuleCoder(load_codebook(book_with(tmp_path, keywords=[keyword])))
        assert coder.codes_for(text) == {"c"}

    def test_same_as_python_on_mixed_alphabets(self, tmp_path):
        keywords = ["économie", "σύμβαση", "договор*", "market testing"]
        coder = RuleCoder(load_codebook(book_with(tmp_path, keywords=keywords, patterns=[r"caf\w+"])))
        rx = [keyword_rx(k) for k in keywords] + [re.compile(r"(?<!\w)caf\w+")]
        for text in ["ÉCONOMIES x", "ÉCONOMIE\u00a0x", "Договоры", "MARKET\u2003TESTING", "σύμβασηα", "CAFÉ", "cafe"]:
            expected = {"c"} if any(r.search(text.lower()) for r in rx) else set()
            assert coder.codes_for(text) == expected, text


def test_a_codebook_key_with_a_typo_is_refused(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            codebook:
              verison: "2"
            codes:
              - id: c
                name: C
                definiton: D.
                rules:
                  keyword: [x]
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        load_codebook(path)
    message = str(err.value)
    assert "line 2, column 'verison'" in message
    assert "line 6, column 'definiton'" in message
    assert "line 8, column 'keyword'" in message


def test_the_frameworks_codebook_codes_its_items_as_python_re_does():
    """The frameworks codebook's final negative look-aheads, written out for RE2, code as Python's re reads them."""
    import pandas as pd

    book = load_codebook(paths.RAW / "frameworks" / "codebook.yaml")
    rules = [(c.id, keyword_rx(k)) for c in book.codes.values() for k in c.keywords]
    rules += [(c.id, re.compile(r"(?<!\w)(?:" + p + ")")) for c in book.codes.values() for p in c.patterns]
    items = pd.read_csv(paths.RAW / "frameworks" / "items.csv", dtype=str, keep_default_na=False)
    texts = [*items["text"], *items["label"]]
    for text, codes in zip(texts, RuleCoder(book).code_texts(texts)):
        assert codes == {code for code, rx in rules if rx.search(text.lower())}, text
