#!/usr/bin/env python3
"""Execute course notebooks top to bottom and print how long each took: the README's timings.

    python .ci/time_notebooks.py [--full] [--check] [--slow 10] [NN_slug ...]   # or: make timings [FULL=1] [NB=...]

Fast mode (``DLCOURSE_FAST=1``, what CI and the grader run) by default; ``--full`` is what
students run. Each notebook runs in a fresh kernel from its own folder, as nbval runs it.
``--check`` also fails on any cell that writes to stderr or raises, and on any widget shown
more than once. Prints one line per notebook and the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nbclient import NotebookClient  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class WithoutOutputWidgets(NotebookClient):
    """nbclient imitates a frontend's Output widget (ipywidgets' `interactive` shows its plot in one);
    on a loaded machine that imitation can miss the end of a cell and wait for ever (jupyter/nbclient#312,
    seen in CI). Without it the plot is an ordinary output of the cell: what is checked stays the same."""

    def on_comm_open_jupyter_widget(self, msg):
        return None


def execute(path: Path, full: bool, timeout: int = 1800):
    """Run the notebook in a fresh kernel; return (executed notebook, seconds)."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    saved = os.environ.get("DLCOURSE_FAST")
    os.environ["DLCOURSE_FAST"] = "0" if full else "1"
    try:
        started = time.monotonic()
        WithoutOutputWidgets(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                             resources={"metadata": {"path": str(path.parent)}}).execute()
        return notebook, time.monotonic() - started
    finally:
        if saved is None:
            os.environ.pop("DLCOURSE_FAST", None)
        else:
            os.environ["DLCOURSE_FAST"] = saved


def problems(notebook) -> list[str]:
    """Cells that raised, wrote to stderr, or showed a widget more than once."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        for output in outputs:
            if output.get("output_type") == "error":
                found.append(f"cell {index} raised {output.get('ename')}: {output.get('evalue', '')[:200]}")
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {index} wrote to stderr: {output.get('text', '')[:300]!r}")
        views = sum(1 for o in outputs if WIDGET_VIEW in o.get("data", {}))
        if views > 1:
            found.append(f"cell {index} shows {views} widgets")
    return found


def slow_cells(notebook, seconds: float) -> list[str]:
    """'cell N: S s, <first line>' for every code cell that ran longer than ``seconds`` (nbclient's timing)."""
    from datetime import datetime

    found = []
    for index, cell in enumerate(notebook.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        begun, ended = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type != "code" or not begun or not ended:
            continue
        took = (datetime.fromisoformat(ended.replace("Z", "+00:00"))
                - datetime.fromisoformat(begun.replace("Z", "+00:00"))).total_seconds()
        if took > seconds:
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            found.append(f"cell {index}: {took:.0f} s, {first[:80]}")
    return found


def main(argv: list[str]) -> int:
    from autograder.authoring.course import load_course

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="NN_slug ids (default: every notebook)")
    parser.add_argument("--full", action="store_true", help="full mode, what students run (default: fast mode)")
    parser.add_argument("--check", action="store_true", help="fail on errors, stderr output or doubled widgets")
    parser.add_argument("--slow", type=float, default=0, metavar="SECONDS",
                        help="also list the cells that ran longer than SECONDS (each should show progress)")
    args = parser.parse_args(argv)
    course = load_course()
    ids = args.notebooks or [a.id for a in course.assignments]
    mode = "full" if args.full else "fast"
    print(f"{mode} mode on {platform.node()}: {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}, Python {platform.python_version()}")
    failed = False
    for assignment_id in ids:
        notebook, seconds = execute(course.assignment(assignment_id).source_path(), args.full)
        found = problems(notebook)
        print(f"{assignment_id}: {seconds:.0f} s ({mode} mode)" + (f", {len(found)} problems" if found else ""))
        for line in found:
            print(f"  {line}")
        if args.slow:
            for line in slow_cells(notebook, args.slow):
                print(f"  slow: {line}")
        failed |= bool(found) and args.check
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
