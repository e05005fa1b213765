"""Character-unit agreement rows: positive agreement beside NVivo's figures, intervals from resampling documents."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.interviews.documents import SEGMENT_COLUMNS
from helpers.interviews.segments import character_agreement


def corpus(n_documents: int):
    """n documents of 40 characters; a codes 0-20 in each, b 5-20 (and 30-35 in the odd ones)."""
    documents = pd.DataFrame({"document_id": [f"d{i}" for i in range(n_documents)], "text": ["x" * 40] * n_documents})
    rows = []
    for i in range(n_documents):
        rows += [(f"d{i}", 0, 20, "c", "a", ""), (f"d{i}", 5, 20, "c", "b", "")]
        if i % 2:
            rows.append((f"d{i}", 30, 35, "c", "b", ""))
    return documents, pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


def test_positive_agreement_and_a_document_bootstrap_interval():
    documents, segments = corpus(8)
    rows, _ = character_agreement(segments, documents, ["c", "unused"], ["a", "b"], "code")
    pooled = rows[rows["code"] == "(pooled)"].set_index("statistic")
    # Per document: n11 = 15, n10 = 5, n01 = 0 or 5. Over 8: n11 = 120, n10 = 40, n01 = 20.
    # Positive agreement 2 * 120 / (240 + 60) = 0.8; the unused code adds no units to the pooled figure.
    assert pooled.loc["positive_agreement", "estimate"] == pytest.approx(0.8)
    assert pooled.loc["positive_agreement", "n_units"] == 8 * 40
    low, high = pooled.loc["positive_agreement", ["ci_low", "ci_high"]]
    assert low < 0.8 < high
    assert "bootstrap over documents" in pooled.loc["cohens_kappa", "note"]
    assert pooled.loc["cohens_kappa", "positives"] == "a 8, b 8 documents"


def test_no_interval_on_five_documents_or_fewer():
    documents, segments = corpus(4)
    rows, _ = character_agreement(segments, documents, ["c"], ["a", "b"], "code")
    kappa = rows[(rows["code"] == "c") & (rows["statistic"] == "cohens_kappa")].iloc[0]
    assert math.isnan(kappa["ci_low"]) and kappa["note"].startswith("no interval: coded in a 4, b 4 documents")
