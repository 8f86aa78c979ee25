"""JudgeCells: decide each test cell in the grader, from the student's records and the reference's."""

from __future__ import annotations

import builtins
import re

from autograder.grading.sanitize import plain, withhold_secret
from autograder.grading.steps.base import Step
from autograder.grading.submission import CellResult
from autograder.grading.template import nbgrader_metadata
from autograder.grading.verdict import Verdict, judge_cell, records_of

BUILTIN_ERRORS = {name for name, value in vars(builtins).items()
                  if isinstance(value, type) and issubclass(value, BaseException)}


def error_name(outputs: list) -> str | None:
    """The exception a cell raised, named only if it is a built-in one (a student's class name could carry anything)."""
    for output in outputs:
        if output.get("output_type") == "error":
            name = output.get("ename")
            return name if name in BUILTIN_ERRORS else "an exception"
    return None


FAIL_LINE = re.compile(r"\[FAIL\] [^\n]{1,300}")


def fail_line(outputs: list) -> str | None:
    """The one-line ``[FAIL] ...`` a visible check showed the student, if that is what the cell raised."""
    for output in outputs:
        if output.get("output_type") == "error":
            value = output.get("evalue")
            if output.get("ename") in ("AssertionError", "NotImplementedError") and isinstance(value, str) \
                    and FAIL_LINE.fullmatch(value):
                return plain(value)
            return None
    return None


def judge(cell, index: int, reference: list | None, timed_out: set, cell_timeout: float) -> tuple[bool, str]:
    """(passed, message) of one executed test cell.

    The message never quotes what the kernel printed, with one exception: a visible check (no
    points) that failed with the course's one-line ``[FAIL] ...`` gets that line, which the student
    saw in their own notebook. It reaches only their feedback page (grades.csv lists visible checks
    by name), cleaned of control characters, and the seed is withheld from it as from every message.
    """
    status = cell.get("metadata", {}).get("autograder", {}).get("reply_status")
    outputs = cell.get("outputs", [])
    if status is None:
        return False, "not run (the notebook stopped before this test)"
    if index in timed_out:
        return False, f"timed out after {cell_timeout:.0f} s"
    raised = error_name(outputs)
    if raised or status != "ok":
        what = raised or "an error"
        if reference is None:
            return False, fail_line(outputs) or f"raised {what}; run this cell in your notebook to see the message"
        return False, f"raised {what} on the hidden inputs (the visible check above may show why)"
    if reference is None:
        return True, ""
    try:
        verdict = judge_cell(reference, records_of(outputs))
    except Exception:
        verdict = Verdict(False, "the recorded values could not be read")
    return verdict.passed, verdict.message


class JudgeCells(Step):
    """Judge cells: a hidden test passes when it ran without error and every reference record matches; visible tests only pass or fail."""

    requires = ("executed", "timed_out")
    provides = ("cells",)

    def run(self, state) -> None:
        reference = self.context.reference.get(state.submission.notebook, {})
        results = []
        for index, cell in enumerate(state.executed.cells):
            meta = nbgrader_metadata(cell)
            if cell.cell_type != "code" or not meta.get("grade"):
                continue
            points = float(meta.get("points", 0) or 0)
            hidden = reference.get(meta["grade_id"]) if points > 0 else None
            if points > 0 and not hidden:
                passed, message = False, "the grader has no reference for this test; report this to your instructor"
            else:
                passed, message = judge(cell, index, hidden, state.timed_out, self.context.settings.cell_timeout)
            if self.context.recipe is not None:  # the student chose the numbers a verdict quotes: never the seed
                message = withhold_secret(message, self.context.recipe.seed)
            score = points if passed else 0.0
            meta["score"], meta["points"] = score, points
            results.append(CellResult(meta["grade_id"], score, points, passed, message))
        state.cells = results
