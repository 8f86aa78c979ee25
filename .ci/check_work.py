#!/usr/bin/env python3
"""Run the visible checks of your notebooks in work/ and print one table of your progress.

    python .ci/check_work.py [NN_slug ...]       # what `make check-work` runs

Each notebook of ``work/NN_slug/`` is executed top to bottom in a fresh kernel, in fast mode
(``DLCOURSE_FAST=1``: smaller data, fewer epochs), the way you would with *Run All*. Your file is
read, never written: outputs stay in memory. Student notebooks hold no hidden test, so only the
visible checks run; the hidden tests decide the grade when you submit. Then one table says, per
notebook, how many exercises pass their visible checks and which one to do next: the same summary
as each notebook's last cell (``dlcourse.progress``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from tqdm import tqdm

from dlcourse import progress

ROOT = Path(__file__).resolve().parent.parent
MARK = "PROGRESS-TABLE "
CELL_TIMEOUT_S = 900


def release_notebooks(root: Path) -> list[Path]:
    """``release/NN_slug/NN_slug.ipynb`` of every notebook of the course, in order."""
    return sorted(p / f"{p.name}.ipynb" for p in (root / "release").iterdir()
                  if p.is_dir() and (p / f"{p.name}.ipynb").is_file())


def run_checks(work_copy: Path, exercises: dict[str, list[str]]) -> tuple[list[dict], float]:
    """Execute ``work_copy`` in memory in fast mode; return its progress table and the seconds taken."""
    notebook = nbformat.read(work_copy, as_version=4)
    table_cell = nbformat.v4.new_code_cell(
        "import json\nfrom dlcourse import progress\n"
        f"print({MARK!r} + json.dumps(progress.status_table({exercises!r})))")
    notebook.cells.append(table_cell)
    os.environ["DLCOURSE_FAST"] = "1"
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_S, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(work_copy.parent)}})
    started = time.monotonic()
    with client.setup_kernel():
        for index, cell in enumerate(tqdm(notebook.cells, desc=f"  {work_copy.stem}", unit="cell", leave=False)):
            client.execute_cell(cell, index)
    printed = "".join(o.get("text", "") for o in table_cell.outputs if o.get("output_type") == "stream")
    line = next((l for l in printed.splitlines() if l.startswith(MARK)), None)
    if line is None:
        raise RuntimeError("the progress cell printed nothing")
    return json.loads(line[len(MARK):]), time.monotonic() - started


def describe(table: list[dict]) -> tuple[str, str]:
    """('k of n', next exercise to do) for one notebook's progress table."""
    passing = sum(1 for row in table if row["passed"] is True)
    pending = next((row for row in table if row["passed"] is not True), None)
    if pending is None:
        return f"{passing} of {len(table)}", "all visible checks pass"
    state = "fails its check" if pending["passed"] is False else "not checked yet"
    return f"{passing} of {len(table)}", f"{pending['exercise']} ({state})"


def main(argv: list[str]) -> int:
    chosen = set(argv)
    notebooks = [p for p in release_notebooks(ROOT) if not chosen or p.stem in chosen]
    unknown = chosen - {p.stem for p in release_notebooks(ROOT)}
    if unknown:
        print(f"no notebook named {', '.join(sorted(unknown))}; the course has: "
              f"{', '.join(p.stem for p in release_notebooks(ROOT))}")
        return 2
    print(f"Running the visible checks of {len(notebooks)} notebook(s) in work/, in fast mode; a bar shows each "
          "notebook's cells. Your files are only read.", flush=True)
    rows = []
    for release in notebooks:
        work_copy = ROOT / "work" / release.parent.name / release.name
        if not work_copy.is_file():
            rows.append((release.stem, "-", "not started: `make lab` creates work/" + release.parent.name))
            continue
        exercises = progress.exercises_of(json.loads(release.read_text(encoding="utf-8")))
        try:
            table, seconds = run_checks(work_copy, exercises)
        except Exception as error:  # a notebook that cannot run still gets its row
            rows.append((release.stem, "-", f"could not run: {type(error).__name__}: {str(error)[:120]}"))
            continue
        passing, next_step = describe(table)
        print(f"  {release.stem}: {passing} exercises pass ({seconds:.0f} s)", flush=True)
        rows.append((release.stem, passing, next_step))
    width = max(len(row[0]) for row in rows) if rows else 8
    print(f"\n{'notebook':<{width}}  {'passing':>8}  next")
    for name, passing, next_step in rows:
        print(f"{name:<{width}}  {passing:>8}  {next_step}")
    print("\nOnly visible checks run here; your grade comes from the hidden tests when you submit.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
