"""Codebook versions: the version, the change log's mappings, revisions after agreement, proposals, the blind copy."""

from __future__ import annotations

import textwrap

import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.interviews import load_excerpts
from helpers.interviews.codebook import Code, load_codebook, proposals

CORPUS = paths.LOCAL_PARTNERSHIPS_2015

BOOK = """\
codebook:
  id: tiny
  version: "3"
codes:
  - id: market
    name: Market
    definition: The supply side.
  - id: shortfall
    name: Shortfall
    parent: market
    definition: The market falls short.
changes:
  - date: 2026-01-01
    version: "2"
    from_version: "1"
    after_agreement: false
    renamed: {gap: short}
    change: Gap renamed.
  - date: 2026-02-01
    version: "3"
    after_agreement: true
    merged: {short: shortfall, scarcity: shortfall}
    dropped: [misc]
    change: Merged after seeing agreement.
"""


def load(tmp_path, text: str = BOOK):
    path = tmp_path / "codebook.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_codebook(path)


def error(tmp_path, text: str) -> str:
    with pytest.raises(DataError) as info:
        load(tmp_path, text)
    return str(info.value)


class TestVersions:
    def test_version_chain_and_mappings(self, tmp_path):
        book = load(tmp_path)
        assert book.version == "3" and book.versions() == ["1", "2", "3"]
        assert book.mapping("1") == {"gap": "shortfall", "misc": None, "scarcity": "shortfall", "short": "shortfall"}
        assert book.mapping("2") == {"misc": None, "scarcity": "shortfall", "short": "shortfall"}
        assert book.mapping("1", "2") == {"gap": "short"}
        assert book.mapping("3") == {}
        assert book.revised_after_agreement() == ["3"]

    def test_an_unknown_version_is_an_error(self, tmp_path):
        with pytest.raises(DataError, match="two versions of the change log"):
            load(tmp_path).mapping("7")

    def test_the_real_codebook_logs_its_merges_as_made_after_agreement(self):
        book = load_codebook(CORPUS / "codebook.yaml", load_excerpts(CORPUS)["excerpt_id"])
        assert book.version == "2" and book.versions() == ["1", "2"]
        assert book.revised_after_agreement() == ["2"]
        merged = book.mapping("1")
        assert set(merged.values()) <= set(book.ids()) and not set(merged) & set(book.ids())
        assert merged["market_shortfall"] == "impact_market_cannot_cope"

    @pytest.mark.parametrize(
        ("old", "new", "expected"),
        [
            ('version: "3"\ncodes', "version: 3\ncodes", 'a version as quoted text, e.g. version: "2"'),
            ("    after_agreement: true\n", "", "whether it came after_agreement"),
            ("    after_agreement: true\n", "    after_agreement: yes please\n", "true or false"),
            ("shortfall, scarcity", "nowhere, scarcity", "a code of this codebook as what 'short' became"),
            ('tiny\n  version: "3"', 'tiny\n  version: "4"', "the version made by the change log's last entry ('3')"),
            ("    renamed: {gap: short}\n", "    renamed: [gap]\n", "a mapping old_code_id: new_code_id"),
            ("    dropped: [misc]\n", "    dropped: misc\n", "a list of the old version's code ids"),
            ('    version: "2"\n', '    version: "3"\n', "each version made by one change"),
            ("    change: Gap renamed.\n", "    change: Gap renamed.\n    chnage: typo\n", "one of the fields date"),
            ("  id: tiny\n", "  id: tiny\n  verison: x\n", "one of the fields id, title"),
        ],
    )
    def test_a_bad_log_is_an_error_naming_what_was_expected(self, tmp_path, old, new, expected):
        assert old in BOOK
        assert expected in error(tmp_path, BOOK.replace(old, new))

    def test_an_unversioned_codebook_still_loads_its_dated_log(self, tmp_path):
        book = load(
            tmp_path,
            "codes:\n  - id: a\n    name: A\n    definition: D.\nchanges:\n  - date: 2026-01-01\n    change: x\n",
        )
        assert book.version is None and book.versions() == [] and book.changes()[0]["after_agreement"] is None


class TestProposals:
    def test_new_codes_and_memos_come_in_as_proposals(self, tmp_path):
        book = load(tmp_path)
        imported = [
            Code("market", "Market", definition="The supply side.", memo="Too broad?"),
            Code("shortfall", "Shortfall", parent="market", definition="The market falls short."),
            Code("bidders", "Few bidders", parent="market", definition="Too few bids.", memo="Seen twice."),
        ]
        import pandas as pd

        segments = pd.DataFrame({"document_id": ["A", "B", "B"], "code": ["bidders", "bidders", "market"]})
        frame = proposals(book, imported, coder="second", segments=segments)
        assert frame[["kind", "code", "text", "codings"]].values.tolist() == [
            ["memo", "market", "Too broad?", 0],
            ["new code", "bidders", "Too few bids. Seen twice.", 2],
        ]
        assert set(frame["coder"]) == {"second"} and set(frame["based_on_version"]) == {"3"}

    def test_nothing_new_gives_an_empty_table(self, tmp_path):
        book = load(tmp_path)
        frame = proposals(book, book.codes.values(), coder="second")
        assert frame.empty and list(frame.columns)[:3] == ["coder", "kind", "code"]


class TestBlind:
    def test_the_blind_codebook_holds_no_rules_sections_memos_or_examples_from_the_coded_set(self):
        excerpts = load_excerpts(CORPUS)
        book = load_codebook(CORPUS / "codebook.yaml", excerpts["excerpt_id"])
        assert any(c.example for c in book.codes.values()) and any(c.has_rules for c in book.codes.values())
        blind = book.blind(excerpts["excerpt_id"])
        assert blind.ids() == book.ids() and blind.version == book.version
        for code in blind.codes.values():
            assert not (code.keywords or code.patterns or code.section or code.from_list or code.memo or code.sets)
            assert code.example is None and not code.example_quote and not code.near_miss
            assert code.definition == book[code.id].definition and code.use_when == book[code.id].use_when
        assert "changes" not in blind.meta and "author" not in blind.meta

    def test_an_example_from_outside_the_coded_set_stays(self):
        from helpers.interviews.codebook import build_codebook

        book = build_codebook([Code("a", "A", definition="D.", example="X9", example_quote="q")])
        assert book.blind(["LP01"])["a"].example == "X9" and book.blind(["X9"])["a"].example is None
