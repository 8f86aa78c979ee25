"""Autograde a folder or .zip of submitted notebooks (`grade`), and merge sharded runs (`merge`).

`grade_submissions` runs `autograder.grading.pipeline.RUN_STEPS`, `merge_outputs` MERGE_STEPS. The run's
private folder (extracted zip, connection files, font cache) is deleted at the end, and by a small
janitor process if the grader itself is killed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from autograder.authoring.course import Assignment
from autograder.execution.settings import GradingSettings
from autograder.grading.run_state import RunState
from autograder.reports.grade_row import CSV_COLUMNS, GradeRow
from autograder.grading.roster import Roster

__all__ = ["CSV_COLUMNS", "GradeRow", "grade_submissions", "merge_outputs"]

JANITOR = """
import os, shutil, sys, time
sys.stdin.buffer.read()  # returns when the grader is gone, however it ended
if os.path.exists(sys.argv[1]):
    time.sleep(0.5)  # the grader died: let its workers die too (PR_SET_PDEATHSIG) before deleting
for _ in range(20):  # again for a while: workers dying at the same moment may still write
    shutil.rmtree(sys.argv[1], ignore_errors=True)
    if not os.path.exists(sys.argv[1]):
        break
    time.sleep(0.25)
"""


def start_janitor(folder: Path) -> subprocess.Popen:
    """A process that deletes ``folder`` once this process has ended (it holds the only write end of its stdin)."""
    return subprocess.Popen([sys.executable, "-c", JANITOR, str(folder)], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def remove_stale_cgroups() -> None:
    """Delete the sandbox cgroups whose worker has ended (a worker killed at the end leaves its spare's)."""
    from autograder.execution import cgroups

    if cgroups.backend().available:
        cgroups.remove_stale(cgroups.backend())


def run_steps(steps, state: RunState) -> RunState:
    """Run the steps on ``state`` inside a private scratch folder that never outlives the run."""
    scratch = Path(tempfile.mkdtemp(prefix="autograder-run-"))
    janitor = start_janitor(scratch)
    state.scratch = scratch
    try:
        for step in steps:
            step().run(state)
    finally:
        from autograder.execution.kernel_pool import close_pools

        close_pools()
        remove_stale_cgroups()
        shutil.rmtree(scratch, ignore_errors=True)
        janitor.stdin.close()
        janitor.wait()
    return state


def parse_shard(text: str | None) -> tuple[int, int]:
    """'K/N' -> (K, N) with 0 <= K < N; None -> (0, 1)."""
    if not text:
        return 0, 1
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard {text!r}: write K/N, e.g. 0/4 for the first of four shards") from None
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"--shard {text!r}: K must be between 0 and N - 1 (shards 0/{count} ... {count - 1}/{count})")
    return index, count


def grade_submissions(folder: Path, assignment: Assignment, out: Path, jobs: int = 1,
                      settings: GradingSettings | None = None, seed: str = "", shard: str | None = None,
                      roster: Roster | None = None, regrade: bool = False) -> list[GradeRow]:
    """Grade every file under ``folder`` (a folder or .zip) and write grades.csv, feedback and the gradebook to ``out``.

    Returns:
        One GradeRow per submitted file (of this shard), in the order of grades.csv.
    """
    from autograder.grading.pipeline import RUN_STEPS

    if not Path(folder).exists():
        raise FileNotFoundError(f"{folder} does not exist; pass the folder or .zip of downloaded notebooks")
    settings = replace(settings or GradingSettings(), jobs=jobs)
    state = RunState(out=Path(out), settings=settings, assignment=assignment, submissions_path=Path(folder),
                     seed_option=seed, shard=parse_shard(shard), roster=roster, regrade=regrade)
    return run_steps(RUN_STEPS, state).rows


def merge_outputs(shard_outs: list[Path], out: Path, roster: Roster | None = None) -> list[GradeRow]:
    """Combine the output folders of `grade --shard` runs into one gradebook, grades.csv and feedback folder."""
    from autograder.grading.pipeline import MERGE_STEPS

    state = RunState(out=Path(out), settings=GradingSettings(), shard_outs=tuple(Path(p) for p in shard_outs),
                     roster=roster)
    return run_steps(MERGE_STEPS, state).rows
