"""Benchmark of secure grading: 50 submissions of notebook 01, the sandboxed grader against plain nbclient.

Run from the repository root:  python bench/bench_grading.py [--submissions 50] [--jobs 2] [--kernel-starts 5]

In one run, on the same cores, it measures
1. plain nbclient: the same submitted notebooks executed by ``--jobs`` processes side by side, one
   fresh kernel per notebook, no sandbox, no grading (fast mode, a grading seed set, errors allowed);
2. the secure grader: ``python -m autograder grade ... --jobs N`` as an instructor runs it (sandboxed
   kernels, a sandboxed reference run, verdicts, feedback, gradebook, CSV);
3. the sandbox's own cost: the time to start a sandboxed kernel (bubblewrap, prlimit, setpriv) and
   a plain one, until each answers ``kernel_info``.
It prints notebooks per minute for 1 and 2, their ratio (target >= 0.75), and the overhead per
notebook of the sandbox. Record the output in docs/grading_benchmark.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

from tests.attacks import notebooks as nbs  # noqa: E402

SEED = "bench-grading-seed"
KINDS = ("full", "partial", "blank")


def write_submissions(folder: Path, count: int) -> Counter:
    """``count`` students in turn: full solution, two exercises wrong, untouched release."""
    makers = {"full": nbs.full, "partial": nbs.partial, "blank": nbs.release}
    kinds = Counter()
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        nbs.write(makers[kind](), folder / f"student{i:02d}" / nbs.NOTEBOOK)
        kinds[kind] += 1
    return kinds


def _execute_plain(path: str) -> float:
    """One notebook in a fresh, unsandboxed kernel (a worker process of the plain run)."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd:
        NotebookClient(notebook, timeout=600, allow_errors=True, kernel_name="python3",
                       resources={"metadata": {"path": cwd}}).execute()
    return time.perf_counter() - started


def plain_run(paths: list[Path], jobs: int) -> float:
    """Wall seconds to execute every notebook with ``jobs`` processes side by side."""
    os.environ.update({"DLCOURSE_FAST": "1", "DLCOURSE_GRADING_SEED": SEED})
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_execute_plain, [str(p) for p in paths]))
    return time.perf_counter() - started


def secure_run(folder: Path, out: Path, jobs: int, extra: list[str]) -> tuple[float, list[dict], str]:
    """Wall seconds of `python -m autograder grade`, its rows and its last output lines."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--assignment",
                           nbs.ASSIGNMENT.id, "--jobs", str(jobs), "--out", str(out), "--seed", SEED, *extra],
                          cwd=REPO_ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"grading failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return wall, rows, done.stdout


async def _ready(km) -> None:
    client = km.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=120)
    finally:
        client.stop_channels()


def kernel_start_seconds(starts: int) -> tuple[list[float], list[float]]:
    """Seconds until a sandboxed and a plain kernel answer kernel_info, alternating, ``starts`` each."""
    from jupyter_client.manager import AsyncKernelManager

    from autograder.execution.kernel_pool import Kernel, KernelRecipe
    from autograder.execution.settings import GradingSettings

    sandboxed, plain = [], []
    with tempfile.TemporaryDirectory(prefix="bench-kernels-") as run_dir:
        os.chmod(run_dir, 0o755)
        recipe = KernelRecipe(GradingSettings(), Path(run_dir), seed=SEED)
        for _ in range(starts):
            started = time.perf_counter()
            kernel: Kernel = recipe.start()
            try:
                asyncio.run(_ready(kernel.km))
                sandboxed.append(time.perf_counter() - started)
            finally:
                kernel.discard()

            async def plain_start() -> float:
                km = AsyncKernelManager(kernel_name="python3")
                began = time.perf_counter()
                await km.start_kernel()
                try:
                    await _ready(km)
                    return time.perf_counter() - began
                finally:
                    await km.shutdown_kernel(now=True)

            plain.append(asyncio.run(plain_start()))
    return sandboxed, plain


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--kernel-starts", type=int, default=10)
    parser.add_argument("--grade-args", default="", help="extra options for `grade`, e.g. '--no-sandbox'")
    args = parser.parse_args()
    loads = [os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        folder, out = Path(scratch) / "submissions", Path(scratch) / "out"
        kinds = write_submissions(folder, args.submissions)
        paths = sorted(folder.glob("*/*.ipynb"))
        plain = plain_run(paths, args.jobs)
        loads.append(os.getloadavg())
        secure, rows, summary = secure_run(folder, out, args.jobs, args.grade_args.split())
        loads.append(os.getloadavg())
    sandboxed_starts, plain_starts = kernel_start_seconds(args.kernel_starts)
    loads.append(os.getloadavg())

    n = len(paths)
    plain_rate, secure_rate = 60 * n / plain, 60 * n / secure
    scores = Counter((row["status"], row["score"]) for row in rows)
    sandboxed = sum(row["sandboxed"].lower() in ("yes", "true", "1") for row in rows)
    overhead = statistics.median(sandboxed_starts) - statistics.median(plain_starts)
    print("\n=== secure grading benchmark ===")
    print(f"when         {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}")
    print(f"machine      {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}")
    print("load average " + " | ".join(f"{a:.2f} {b:.2f} {c:.2f}" for a, b, c in loads)
          + "  (start | after plain | after grader | after kernel starts)")
    print(f"submissions  {n} of {nbs.ASSIGNMENT.id}: " + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
          + f"; --jobs {args.jobs}")
    print(f"plain        nbclient, {args.jobs} processes, no sandbox, no grading: {plain:.1f} s, "
          f"{plain_rate:.1f} notebooks/minute")
    print(f"secure       python -m autograder grade --jobs {args.jobs} {args.grade_args}".rstrip()
          + f": {secure:.1f} s, {secure_rate:.1f} notebooks/minute "
          f"(includes the reference run, prepare, feedback, gradebook; {sandboxed}/{len(rows)} rows sandboxed)")
    print("graded       " + ", ".join(f"{count} x {status} {score}" for (status, score), count in sorted(scores.items())))
    print(f"ratio        secure / plain = {secure_rate / plain_rate:.2f} (target >= 0.75)")
    print(f"kernel start sandboxed median {statistics.median(sandboxed_starts):.2f} s "
          f"[{', '.join(f'{s:.2f}' for s in sandboxed_starts)}], plain median {statistics.median(plain_starts):.2f} s "
          f"[{', '.join(f'{s:.2f}' for s in plain_starts)}]")
    print(f"sandbox      overhead {overhead:.2f} s per notebook to start its kernel "
          f"({overhead / max(plain / n * args.jobs, 1e-9):.0%} of a plain notebook's {plain / n * args.jobs:.2f} s)")
    print(f"per notebook plain {plain / n * args.jobs:.2f} s, secure {secure / n * args.jobs:.2f} s of worker time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
