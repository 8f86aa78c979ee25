"""A copy of the course in another folder, for runs that change the instructor notebook (a test fix).

The grader reads `source/` from the course it is run in, so a test or benchmark that edits a hidden
test works on a copy, never on this repository.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from autograder.authoring.course import REPO_ROOT

NB = "01_linear_regression"
HIDDEN_CALL = 'grading.record("least_squares_fit(x, y)", least_squares_fit(x_hidden, y_hidden),'
EXACT_CALL = HIDDEN_CALL + " rtol=0, atol=0,"  # the slip: any correct alternative differs in the last bits


def copy_course(dest: Path, assignment: str = NB) -> Path:
    """Copy what `python -m autograder` needs to grade ``assignment`` into ``dest``; returns ``dest``."""
    for part in ("autograder", "course", f"source/{assignment}", "nbgrader_config.py"):
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            shutil.copy2(source, dest / part)
    return dest


def set_least_squares_test(course: Path, exact: bool) -> None:
    """Make 01's least_squares_fit hidden test compare exactly (the instructor's slip) or as the course does."""
    path = course / "source" / NB / f"{NB}.ipynb"
    text = path.read_text(encoding="utf-8")
    fixed, slipped = json.dumps(HIDDEN_CALL)[1:-1], json.dumps(EXACT_CALL)[1:-1]
    text = text.replace(slipped, fixed)
    assert text.count(fixed) == 1, f"{path} no longer holds the least_squares_fit record call"
    path.write_text(text.replace(fixed, slipped) if exact else text, encoding="utf-8")
