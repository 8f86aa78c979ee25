"""Scoring one grade cell: nbgrader's rule plus the completion marker and the guard's verdict."""

import nbformat
import pytest

from autograder.steps.score_cells import failure_message, score_cell, strip_marker

MARKER = "autograder-done-abc"
GUARD_OK = {"log": {0: {"restore": "ok", "verify": "ok"}}, "timed_out": set()}


def grade_cell(*outputs, status="ok"):
    cell = nbformat.v4.new_code_cell("check()")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "points": 2, "solution": False}
    cell.metadata["autograder"] = {"reply_status": status}
    cell.outputs = [nbformat.v4.new_output(**o) for o in outputs]
    return cell


def stdout(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_finished_test_without_errors_earns_its_points_and_loses_the_marker():
    cell = grade_cell(stdout(f"[PASS] t\n{MARKER}\n"))
    assert score_cell(cell, 0, MARKER, GUARD_OK, 10) == (2.0, "")
    assert cell.outputs[0]["text"] == "[PASS] t\n"


def test_test_without_the_marker_earns_nothing():
    score, reason = score_cell(grade_cell(stdout("[PASS] t\n")), 0, MARKER, GUARD_OK, 10)
    assert score == 0 and "did not run to its end" in reason


def test_failed_check_reports_its_fail_line():
    error = {"output_type": "error", "ename": "AssertionError", "evalue": "[FAIL] t: got 1, expected 2.", "traceback": []}
    assert score_cell(grade_cell(error, status="error"), 0, MARKER, GUARD_OK, 10) == (0.0, "[FAIL] t: got 1, expected 2.")


def test_error_status_without_visible_output_still_fails():
    score, _ = score_cell(grade_cell(stdout(MARKER + "\n"), status="error"), 0, MARKER, GUARD_OK, 10)
    assert score == 0


def test_environment_changed_during_the_test_earns_nothing():
    guard = {"log": {0: {"restore": "ok", "verify": "changed: numpy.allclose"}}, "timed_out": set()}
    score, reason = score_cell(grade_cell(stdout(MARKER)), 0, MARKER, guard, 10)
    assert score == 0 and "numpy.allclose" in reason


def test_stderr_output_zeroes_the_cell_as_in_nbgrader():
    cell = grade_cell({"output_type": "stream", "name": "stderr", "text": "RuntimeWarning: overflow\n"}, stdout(MARKER))
    score, reason = score_cell(cell, 0, MARKER, GUARD_OK, 10)
    assert score == 0 and "stderr" in reason


@pytest.mark.parametrize("status, guard, words", [
    (None, GUARD_OK, "not run"),
    ("error", {"log": {}, "timed_out": {0}}, "timed out after 10 s"),
])
def test_cells_that_did_not_complete_say_why(status, guard, words):
    cell = grade_cell(stdout(MARKER))
    cell.metadata["autograder"] = {} if status is None else {"reply_status": status}
    assert words in score_cell(cell, 0, MARKER, guard, 10)[1]


def test_marker_alone_in_a_stream_removes_the_stream():
    outputs = [nbformat.v4.new_output("stream", name="stdout", text=MARKER + "\n")]
    assert strip_marker(outputs, MARKER) and outputs == []


def test_other_errors_are_named_by_type():
    outputs = [{"output_type": "error", "ename": "NameError", "evalue": "name 'x' is not defined", "traceback": []}]
    assert failure_message(outputs) == "NameError: name 'x' is not defined"
