"""Benchmark: the rule coder on a generated corpus of 100,000 excerpts (about 15 MB of text).

The corpus is made of the real excerpts' words in random order (fixed seed), so keywords occur
about as often as in the interviews. Prints the corpus size, the time to compile the codebook's
rules, the time to code every excerpt and the throughput in MB/s, then one line against the bar:
`BENCH rule_coder <MB/s> MB/s >=50 met` (or `not met`). The best of five runs counts, each with a
newly built coder (its automaton built again as it scans): on a shared machine one run's figure
swings by a fifth either way. Every run is printed. Run: `make bench`.
"""

from __future__ import annotations

import random
import sys
import time

from helpers.core import paths
from helpers.interviews import load_excerpts
from helpers.interviews.codebook import load_codebook
from helpers.interviews.coders import RuleCoder

EXCERPTS = 100_000
REPEAT = 5
SEED = 2015
BAR = 50.0  # MB/s: the rule coder keeps up with reading transcripts from disk


def corpus(n: int = EXCERPTS, seed: int = SEED) -> list[str]:
    """n excerpts of 10 to 40 words drawn from the real excerpts' words."""
    words = " ".join(load_excerpts(paths.LOCAL_PARTNERSHIPS_2015)["text"]).split()
    rng = random.Random(seed)
    return [" ".join(rng.choices(words, k=rng.randint(10, 40))) for _ in range(n)]


def main() -> int:
    book = load_codebook(paths.LOCAL_PARTNERSHIPS_2015 / "codebook.yaml")
    texts = corpus()
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    runs = []
    for run in range(1, REPEAT + 1):
        start = time.perf_counter()
        coder = RuleCoder(book)
        compiled = time.perf_counter() - start
        start, cpu_start = time.perf_counter(), time.process_time()
        coded = coder.code_texts(texts)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        applied = sum(len(c) for c in coded)
        if run == 1:
            print(
                f"corpus: {len(texts):,} excerpts, {megabytes:.1f} MB; rules: {len(coder.keywords)} keywords, "
                f"{len(coder.patterns)} patterns"
            )
        runs.append(megabytes / elapsed)
        print(
            f"run {run}: compiled in {compiled:.2f} s, coded in {elapsed:.2f} s ({cpu:.2f} s of CPU): "
            f"{runs[-1]:.1f} MB/s ({applied:,} codes applied)"
        )
    speed = max(runs)
    print(f"best of {REPEAT}: {speed:.1f} MB/s")
    print(f"BENCH rule_coder {speed:.1f} MB/s >={BAR:g} {'met' if speed >= BAR else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
