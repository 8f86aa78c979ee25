"""What this kernel's visible checks said: each exercise's latest result, and a summary.

Every checker of ``dlcourse.checks`` and ``gradcheck.check_gradient`` records its latest result
under the name it was given, and so does every ``[FAIL]`` line shown in the notebook. An exercise
passes when every check its visible test cells name last passed, fails when one last failed, and
is "not checked yet" otherwise. The last cell of every notebook prints the summary::

    Exercises passing: 2 of 7. Next: loss_gradient (its check says [FAIL]).

``make check-work`` runs each notebook in ``work/`` and prints the same summary for all of them.
Only the visible checks count here; the grade comes from the hidden tests.

Introduced in 01_linear_regression.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_latest: dict[str, bool] = {}  # check name -> passed, the latest result
_FAIL_NAME = re.compile(r"^\[FAIL\] ([^:]+):")
# What a visible test cell names its checks with: the first argument of a checker or report_pass.
_CHECK_CALL = re.compile(r"\b(?:check_\w+|report_pass)\(\s*f?[\"']([^\"']+)[\"']")


def record(name: str, passed: bool) -> None:
    """Remember that the check ``name`` just passed or failed."""
    _latest[name] = passed


def record_failure_line(message: str) -> None:
    """Record the check named in a ``[FAIL] name: ...`` line (a line without a name is ignored)."""
    match = _FAIL_NAME.match(message)
    if match:
        record(match.group(1).strip(), False)


def exercise_status(check_names: Sequence[str]) -> bool | None:
    """False when any of ``check_names`` last failed, True when all last passed, else None (not all run)."""
    results = [_latest[name] for name in check_names if name in _latest]
    if not all(results):
        return False
    return True if results and len(results) == len(check_names) else None


def status_table(exercises: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """One entry per exercise, in order: its name and ``passed`` (True, False or None)."""
    return [{"exercise": exercise, "passed": exercise_status(names)} for exercise, names in exercises.items()]


def summary_line(table: Sequence[Mapping[str, Any]]) -> str:
    """``Exercises passing: k of n. Next: ...`` for a status table."""
    passing = sum(1 for row in table if row["passed"] is True)
    line = f"Exercises passing: {passing} of {len(table)}."
    pending = next((row for row in table if row["passed"] is not True), None)
    if pending is None:
        return line + " All visible checks pass; the hidden tests decide the grade when you submit."
    why = "its check says [FAIL]" if pending["passed"] is False else "its check has not run yet"
    return line + f" Next: {pending['exercise']} ({why})."


def summary(exercises: Mapping[str, Sequence[str]]) -> None:
    """Print each exercise's status and the summary line (the last cell of every notebook).

    Args:
        exercises: for each exercise in notebook order, the names its visible checks report under.
    """
    table = status_table(exercises)
    marks = {True: "pass", False: "FAIL", None: "not checked yet"}
    for row in table:
        print(f"  {marks[row['passed']]:>15}  {row['exercise']}")
    print(summary_line(table))


def exercises_of(notebook: Mapping[str, Any]) -> dict[str, list[str]]:
    """The ``exercises`` mapping of a notebook, from its nbgrader metadata and visible test cells.

    An exercise is an autograded answer cell (a code cell marked ``solution``); the check names
    are those used by the visible test cells (graded, 0 points) that follow it.
    """
    exercises: dict[str, list[str]] = {}
    current = None
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "code" and meta.get("solution") and not meta.get("grade"):
            if meta.get("grade_id") != "setup":
                current = meta["grade_id"]
                exercises[current] = []
        elif current and meta.get("grade") and not meta.get("points"):
            for name in _CHECK_CALL.findall(source):
                if "{" not in name and name not in exercises[current]:  # f-string names vary per call
                    exercises[current].append(name)
    return {name: checks for name, checks in exercises.items() if checks}
