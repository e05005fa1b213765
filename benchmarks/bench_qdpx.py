"""Benchmark: import a two-coder REFI-QDA project and compute character-level agreement for every code.

The project is generated (fixed seed): 1,000 documents of about 5,000 characters each (about
5 MB of text, the interview excerpts' words in random order), 50 codes, 2 coders and 20,000
segments (10,000 each, of 20 to 600 characters, overlapping freely). It is written once with
the workbench's own export; the figure is the time to read it back (`read_qdpx`: XML, sources,
duplicate ids, every offset checked against the selection's stored text) plus the time to
compute percent agreement, Cohen's kappa and Krippendorff's alpha on character units for each
of the 50 codes and pooled. The bar is 5 s on the project's 2-core machine; the last line reads
`BENCH qdpx <seconds> s <bar> <met|not met>`. Run: `make bench`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import paths
from helpers.interviews import load_excerpts, refi
from helpers.interviews.codebook import Code, build_codebook
from helpers.interviews.documents import SEGMENT_COLUMNS
from helpers.interviews.segments import character_agreement

DOCUMENTS, CHARACTERS, CODES, SEGMENTS_PER_CODER = 1_000, 5_000, 50, 10_000
CODERS = ["coder_a", "coder_b"]
SEED = 2015
BAR_SECONDS = 5.0


def project(folder: Path) -> Path:
    """Write the generated project and return its path."""
    rng = np.random.default_rng(SEED)
    words = np.array(" ".join(load_excerpts(paths.LOCAL_PARTNERSHIPS_2015)["text"]).split())
    texts = []
    for _ in range(DOCUMENTS):
        text = " ".join(rng.choice(words, size=CHARACTERS // 5))
        texts.append(text[:CHARACTERS])
    documents = pd.DataFrame({"document_id": [f"doc{i:04d}" for i in range(DOCUMENTS)], "text": texts})
    book = build_codebook([Code(f"code_{i:02d}", f"Code {i}", definition="A generated code.") for i in range(CODES)])
    frames = []
    for coder in CODERS:
        doc = rng.integers(0, DOCUMENTS, SEGMENTS_PER_CODER)
        length = documents["text"].str.len().to_numpy()[doc]
        width = rng.integers(20, 600, SEGMENTS_PER_CODER)
        start = (rng.random(SEGMENTS_PER_CODER) * (length - width)).astype(np.int64)
        frames.append(
            pd.DataFrame(
                {
                    "document_id": documents["document_id"].to_numpy()[doc],
                    "start": start,
                    "end": start + width,
                    "code": [f"code_{i:02d}" for i in rng.integers(0, CODES, SEGMENTS_PER_CODER)],
                    "coder": coder,
                    "memo": "",
                }
            )
        )
    segments = pd.concat(frames, ignore_index=True)[SEGMENT_COLUMNS]
    segments = segments.drop_duplicates(["document_id", "start", "end", "code", "coder"])
    none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    return refi.write_qdpx(book, documents, none, folder / "generated.qdpx", "benchmark", segments=segments)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = project(Path(folder))
        size = path.stat().st_size / 1e6
        start = time.perf_counter()
        imported = refi.read_qdpx(path)
        read = time.perf_counter() - start
        start = time.perf_counter()
        codes = imported.codebook.codable()
        rows, _ = character_agreement(imported.segments, imported.documents, codes, CODERS, "code")
        computed = time.perf_counter() - start
    text_mb = imported.documents["text"].str.len().sum() / 1e6
    total = read + computed
    print(
        f"project: {len(imported.documents):,} documents, {text_mb:.1f} MB of text ({size:.1f} MB zipped), "
        f"{len(imported.segments):,} segments, {len(CODERS)} coders, {len(codes)} codes"
    )
    print(f"import {read:.2f} s; character-level agreement for every code and pooled {computed:.2f} s")
    print(f"total {total:.2f} s (bar: under {BAR_SECONDS:.0f} s){'' if total < BAR_SECONDS else ' -- OVER THE BAR'}")
    print(f"BENCH qdpx {total:.2f} s {BAR_SECONDS:g} {'met' if total < BAR_SECONDS else 'not met'}")
    expected = (len(codes) + 1) * rows["statistic"].nunique()  # every code and the pooled row, each statistic
    if len(rows) != expected:
        print(f"agreement gave {len(rows)} rows, expected {expected}: the benchmark did not measure the whole job")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
