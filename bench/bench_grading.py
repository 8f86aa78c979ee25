"""Benchmark of the grading side: 50 synthetic submissions of notebook 01, graded with --jobs 2.

Run from the repository root:  python bench/bench_grading.py [--submissions 50] [--jobs 2]

Prints notebooks per minute and the overhead per notebook beyond the notebook's own execution
time (the sum of its cells' run times, measured once with plain nbclient). Record the output in
docs/grading_benchmark.md together with the machine it ran on.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

from autograder.course import load_course  # noqa: E402
from autograder.grade import grade_submissions  # noqa: E402

ASSIGNMENT_ID = "01_linear_regression"


def synthetic_submissions(folder: Path, count: int) -> None:
    """Write ``count`` students: solutions, untouched releases, one wrong exercise, stripped metadata."""
    assignment = load_course().assignment(ASSIGNMENT_ID)
    solution = nbformat.read(assignment.source_path(), as_version=4)
    release = nbformat.read(assignment.release_path(), as_version=4)
    for i in range(count):
        kind = i % 4
        notebook = copy.deepcopy(release if kind == 1 else solution)
        if kind == 2:
            cell = next(c for c in notebook.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "predict")
            cell.source = "def predict(x, phi):\n    return phi[1] + phi[0] * x\n"
        if kind == 3:
            for cell in notebook.cells:
                cell.metadata.pop("nbgrader", None)
        target = folder / f"student{i:02d}" / assignment.notebook
        target.parent.mkdir(parents=True)
        nbformat.write(notebook, target)


def own_execution_seconds() -> tuple[float, float]:
    """(seconds spent in the cells, seconds of a plain nbclient run with kernel start) for the solution notebook."""
    assignment = load_course().assignment(ASSIGNMENT_ID)
    notebook = nbformat.read(assignment.source_path(), as_version=4)
    os.environ["DLCOURSE_FAST"] = "1"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd:
        NotebookClient(notebook, timeout=300, record_timing=True, resources={"metadata": {"path": cwd}}).execute()
    total = time.perf_counter() - started
    cells = 0.0
    for cell in notebook.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            cells += (end - start).total_seconds()
    return cells, total


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (workers, and the kernels they waited for)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    cells, plain = own_execution_seconds()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        folder, out = Path(scratch) / "submissions", Path(scratch) / "out"
        synthetic_submissions(folder, args.submissions)
        cpu_before = cpu_seconds()
        started = time.perf_counter()
        rows = grade_submissions(folder, load_course().assignment(ASSIGNMENT_ID), out, jobs=args.jobs)
        wall = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_before
    graded = sum(row.status == "graded" for row in rows)
    per_notebook = wall * args.jobs / len(rows)
    load = os.getloadavg()
    print("\n=== grading benchmark ===")
    print(f"when        {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}")
    print(f"machine     {platform.node()} {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"notebook    {ASSIGNMENT_ID}: {cells:.2f} s in its cells; plain nbclient run incl. kernel start {plain:.2f} s")
    print(f"graded      {len(rows)} submissions ({graded} graded) with --jobs {args.jobs} in {wall:.1f} s "
          f"(includes the one-off nbgrader generate_assignment and gradebook writes)")
    print(f"throughput  {60 * len(rows) / wall:.1f} notebooks/minute (target >= 30)")
    print(f"per notebook {per_notebook:.2f} s of worker time; overhead beyond the cells {per_notebook - cells:.2f} s "
          f"(beyond a plain nbclient run {per_notebook - plain:.2f} s)")
    print(f"cpu         {cpu / len(rows):.2f} CPU-seconds per notebook (kernel, worker and parent); "
          f"on {os.cpu_count()} otherwise idle cores that allows about {60 * (os.cpu_count() or 1) * len(rows) / cpu:.0f} notebooks/minute")
    return 0


if __name__ == "__main__":
    sys.exit(main())
