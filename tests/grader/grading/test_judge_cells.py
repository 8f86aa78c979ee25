"""Judging test cells in the grader: records against the reference, errors and timeouts, no kernel text."""

import nbformat
import pytest

from autograder.execution.settings import GradingSettings
from autograder.grading.context import GradingContext
from autograder.grading.steps.judge_cells import JudgeCells
from autograder.grading.submission import Submission, SubmissionState
from autograder.grading.template import AssignmentTemplate, NotebookTemplate
from autograder.grading.verdict import RECORD_MIME
from dlcourse.grading import encode

NAME = "01.ipynb"


def record(value) -> dict:
    payload = {"name": "f(x)", "value": encode(value), "rtol": 1e-6, "atol": 1e-8, "hint": "use f."}
    return nbformat.v4.new_output("display_data", data={RECORD_MIME: payload})


def graded_cell(grade_id, points, outputs, status="ok"):
    cell = nbformat.v4.new_code_cell("test")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": points}
    cell.metadata["autograder"] = {} if status is None else {"reply_status": status}
    cell.outputs = outputs
    return cell


def judge(*cells, timed_out=()):
    reference = {NAME: {"f_hidden": [{"name": "f(x)", "value": encode(2.0), "rtol": 1e-6, "atol": 1e-8, "hint": "use f."}]}}
    context = GradingContext(template=AssignmentTemplate("01", {NAME: NotebookTemplate(NAME, ())}),
                             settings=GradingSettings(cell_timeout=10), reference=reference)
    notebook = nbformat.v4.new_notebook(cells=list(cells))
    state = SubmissionState(submission=Submission("s", None, "s", NAME, "01"), out=None, executed=notebook,
                            timed_out=set(timed_out))
    JudgeCells(context).run(state)
    return state.cells


def test_matching_records_earn_the_points():
    [cell] = judge(graded_cell("f_hidden", 3, [record(2.0)]))
    assert cell.passed and cell.score == 3


def test_wrong_records_fail_with_the_grader_s_message_only():
    [cell] = judge(graded_cell("f_hidden", 3, [record(-2.0), nbformat.v4.new_output("stream", text="[PASS] f_hidden")]))
    assert not cell.passed and cell.score == 0 and "sign flipped" in cell.message and "PASS" not in cell.message


@pytest.mark.parametrize("outputs, status, timed_out, words", [
    ([record(2.0), nbformat.v4.new_output("error", ename="ValueError", evalue="SECRET", traceback=[])], "error", (),
     "raised ValueError"),
    ([record(2.0), nbformat.v4.new_output("error", ename="MySecretHiddenSourceClass", evalue="x", traceback=[])],
     "error", (), "raised an exception"),
    ([record(2.0)], None, (), "not run"),
    ([record(2.0)], "ok", (0,), "timed out after 10 s"),
    ([record(2.0)], "aborted", (), "raised an error"),
])
def test_a_hidden_test_that_did_not_finish_cleanly_fails_even_with_right_records(outputs, status, timed_out, words):
    [cell] = judge(graded_cell("f_hidden", 3, outputs, status), timed_out=timed_out)
    assert not cell.passed and words in cell.message and "SECRET" not in cell.message


def _error(ename: str, evalue: str):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])


def test_a_failed_visible_check_shows_the_fail_line_the_student_saw():
    passed, failed, stub = judge(
        graded_cell("f_examples", 0, []),
        graded_cell("f_examples2", 0, [_error("AssertionError", "[FAIL] f: got 1, expected 2. Hint: add one.")], "error"),
        graded_cell("f_examples3", 0, [_error("NotImplementedError", "[FAIL] f: not implemented yet")], "error"))
    assert passed.passed and passed.score == passed.max_score == 0
    assert not failed.passed and failed.message == "[FAIL] f: got 1, expected 2. Hint: add one."
    assert stub.message == "[FAIL] f: not implemented yet"


@pytest.mark.parametrize("error", [
    _error("ValueError", "[FAIL] looks like a check"),                 # not what a check raises
    _error("AssertionError", "[FAIL] two\nlines"),                    # a check's line is one line
    _error("AssertionError", "[FAIL] " + "x" * 400),                  # and short
    _error("AssertionError", "plain assert text"),
])
def test_anything_else_a_visible_check_raised_is_not_quoted(error):
    [cell] = judge(graded_cell("f_examples", 0, [error], "error"))
    assert not cell.passed and cell.message.startswith("raised ") and "run this cell" in cell.message


def test_a_hidden_test_never_quotes_a_fail_line():
    [cell] = judge(graded_cell("f_hidden", 3, [record(2.0), _error("AssertionError", "[FAIL] f: trust me")], "error"))
    assert "trust me" not in cell.message and "raised AssertionError on the hidden inputs" in cell.message


def test_a_graded_cell_without_reference_earns_nothing():
    [cell] = judge(graded_cell("g_hidden", 3, [record(2.0)]))
    assert not cell.passed and "no reference" in cell.message
