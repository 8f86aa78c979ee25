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


def test_visible_checks_pass_or_fail_for_no_points_without_their_text():
    passed, failed = judge(graded_cell("f_examples", 0, []),
                           graded_cell("f_examples2", 0, [nbformat.v4.new_output(
                               "error", ename="AssertionError", evalue="[FAIL] hidden stuff", traceback=[])], "error"))
    assert passed.passed and passed.score == passed.max_score == 0
    assert not failed.passed and "hidden stuff" not in failed.message and "AssertionError" in failed.message


def test_a_graded_cell_without_reference_earns_nothing():
    [cell] = judge(graded_cell("g_hidden", 3, [record(2.0)]))
    assert not cell.passed and "no reference" in cell.message
