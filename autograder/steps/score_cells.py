"""ScoreCells: points per grade cell, counted only when the test ran to its end untouched."""

from __future__ import annotations

import logging

from nbgrader.utils import determine_grade

from autograder.steps.base import Step
from autograder.submission import CellResult
from autograder.template import nbgrader_metadata

LOG = logging.getLogger("autograder")


def failure_message(outputs: list) -> str:
    """The first error of a cell as the student should read it: the [FAIL] line, or 'Type: message'."""
    for output in outputs:
        if output.get("output_type") == "error":
            ename, evalue = output.get("ename", "Error"), str(output.get("evalue", "")).strip()
            if ename == "AssertionError" and evalue.startswith("[FAIL]"):
                return evalue.splitlines()[0]
            return f"{ename}: {evalue.splitlines()[0] if evalue else ''}".strip().rstrip(":")
    return ""


def strip_marker(outputs: list, marker: str) -> bool:
    """Remove the marker line from stdout streams in place; return whether it was there."""
    seen = False
    for output in list(outputs):
        if output.get("output_type") == "stream" and marker in output.get("text", ""):
            seen = True
            lines = [line for line in output["text"].splitlines(keepends=True) if line.strip() != marker]
            output["text"] = "".join(lines)
            if not output["text"]:
                outputs.remove(output)
    return seen


def score_cell(cell, index: int, marker: str, guard: dict, cell_timeout: float) -> tuple[float, str]:
    """(score, reason when not full marks) of one executed grade cell."""
    meta = nbgrader_metadata(cell)
    points = float(meta.get("points", 0) or 0)
    status = cell.get("metadata", {}).get("autograder", {}).get("reply_status")
    completed = strip_marker(cell.get("outputs", []), marker)
    log = guard["log"].get(index, {})
    if status is None:
        return 0.0, "not run (the notebook stopped before this test)"
    if index in guard["timed_out"]:
        return 0.0, f"timed out after {cell_timeout:.0f} s"
    message = failure_message(cell.get("outputs", []))
    if message or status != "ok":
        return 0.0, message or "the test raised an error"
    if log.get("restore") != "ok":
        return 0.0, f"the grader could not reset the test environment before this test ({log.get('restore')})"
    if not completed:
        return 0.0, "the test did not run to its end (its output was redirected or cut short)"
    if log.get("verify") != "ok":
        return 0.0, f"the code under test changed the test environment ({log.get('verify', 'unknown')})"
    score, _ = determine_grade(cell, LOG)
    if score is None:
        return 0.0, "needs manual grading"
    if score < points:
        streams = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
        return float(score), "the test wrote to stderr: " + streams[0]["text"].strip().splitlines()[-1][:200] if streams else "partial credit"
    return float(score), ""


class ScoreCells(Step):
    """Score cells: nbgrader's rule (no error, no stderr) plus the run's completion marker and the guard's verdict."""

    requires = ("executed", "guard")
    provides = ("cells",)

    def run(self, state) -> None:
        results = []
        for index, cell in enumerate(state.executed.cells):
            meta = nbgrader_metadata(cell)
            if cell.cell_type != "code":
                continue
            if not meta.get("grade"):
                strip_marker(cell.get("outputs", []), self.context.marker)
                continue
            score, reason = score_cell(cell, index, self.context.marker, state.guard, self.context.settings.cell_timeout)
            meta["score"], meta["points"] = score, float(meta.get("points", 0) or 0)
            results.append(CellResult(meta["grade_id"], score, meta["points"], reason))
        state.cells = results
