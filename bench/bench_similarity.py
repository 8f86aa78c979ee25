"""Benchmark of the similarity report: 300 submissions of notebook 03 compared pairwise, on this machine.

Run from the repository root:  python bench/bench_similarity.py [--submissions 300]

The class is made of what a real class hands in: the reference solution under renamed variables
(most students converge on the same code), the independent solution of
tests/data/alternative_03_answers.py likewise, half-finished notebooks and untouched ones. It times
`similar_pairs` (fingerprinting every answer, then all pairs) as `grade` runs it, and prints the
seconds against the target of 60 s. Record the output in docs/similarity_benchmark.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from autograder.reports.similarity import THRESHOLD, similar_pairs  # noqa: E402
from tests.grader.reports import test_similarity as fixtures  # noqa: E402

NAMES = ["grad_out", "point", "loss_history", "batch", "shifted", "saved", "index", "layer", "order", "exps"]


def renamed(code: str, rng: random.Random) -> str:
    """``code`` with a random half of its local names changed, as a student's own naming would."""
    for name in rng.sample(NAMES, len(NAMES) // 2):
        code = re.sub(rf"\b{name}\b", f"{name[:3]}_{rng.randrange(1000)}", code)
    return code


def class_of(n: int, seed: int = 0) -> dict[str, str]:
    rng = random.Random(seed)
    reference = re.sub(r" *### (BEGIN|END) SOLUTION\n?", "", fixtures._answers("source"))
    starter = fixtures._answers("release")
    independent = fixtures.independent_answers(starter)
    half = starter.split("def backward_all")[0] + "def backward_all" + reference.split("def backward_all")[1]
    kinds = [reference, independent, half, starter]
    return {f"s{i:03d}": renamed(rng.choices(kinds, weights=[5, 3, 1, 1])[0], rng) for i in range(n)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=300)
    args = parser.parse_args()
    answers = class_of(args.submissions)
    starter = fixtures._answers("release")
    started = time.perf_counter()
    pairs = similar_pairs(answers, starter, THRESHOLD)
    seconds = time.perf_counter() - started
    n = len(answers)
    print("=== similarity benchmark ===")
    print(f"machine      {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"submissions  {n} answer sets of notebook {fixtures.NB}: {n * (n - 1) // 2} pairs")
    print(f"flagged      {len(pairs)} pairs at or above {THRESHOLD:.0%}")
    print(f"time         {seconds:.1f} s (target < 60 s: {'met' if seconds < 60 else 'NOT met'}, {60 / seconds:.1f}x margin)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
