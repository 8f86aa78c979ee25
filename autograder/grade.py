"""Autograde a folder or .zip of submitted notebooks: the `grade` command, built on nbgrader.

`grade_submissions` runs `autograder.pipeline.RUN_STEPS`; see that module for the steps.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from autograder.course import Assignment
from autograder.grade_row import CSV_COLUMNS, GradeRow
from autograder.run_state import RunState
from autograder.settings import GradingSettings

__all__ = ["CSV_COLUMNS", "GradeRow", "grade_submissions"]


def grade_submissions(folder: Path, assignment: Assignment, out: Path, jobs: int = 1,
                      settings: GradingSettings | None = None) -> list[GradeRow]:
    """Grade every file under ``folder`` (a folder or .zip) and write grades.csv, feedback and the gradebook to ``out``.

    Returns:
        One GradeRow per submitted file, in the order of grades.csv.
    """
    from autograder.pipeline import RUN_STEPS

    if not Path(folder).exists():
        raise FileNotFoundError(f"{folder} does not exist; pass the folder or .zip of downloaded notebooks")
    settings = replace(settings or GradingSettings(), jobs=jobs)
    scratch = Path(tempfile.mkdtemp(prefix="autograder-run-"))
    state = RunState(assignment=assignment, submissions_path=Path(folder), out=Path(out), settings=settings, scratch=scratch)
    try:
        for step in RUN_STEPS:
            step().run(state)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return state.rows
