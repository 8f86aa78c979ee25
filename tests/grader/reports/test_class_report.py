"""The class report: pass rates, grouped diagnoses, scores, missing students and errors, all escaped."""

from __future__ import annotations

from pathlib import Path

from autograder.grading.result import SubmissionResult
from autograder.grading.submission import CellResult, Submission
from autograder.reports.class_report import diagnosis, render, hidden_test_summaries
from autograder.reports.grade_row import GradeRow


def _result(student: str, cells: list[CellResult], status: str = "graded") -> SubmissionResult:
    submission = Submission(student_id=student, path=Path("x"), original_name=f"{student}/nb.ipynb", notebook="nb.ipynb",
                            output_stem="nb")
    return SubmissionResult(submission=submission, assignment="01", status=status, message="", max_score=6.0,
                            cells=cells)


def _cell(grade_id: str, passed: bool, message: str = "") -> CellResult:
    return CellResult(grade_id=grade_id, score=3.0 if passed else 0.0, max_score=3.0, passed=passed, message=message)


def test_the_same_mistake_with_other_numbers_is_one_diagnosis():
    assert diagnosis("got 2.1, expected 4.2. Hint: the sign is flipped") == diagnosis(
        "got -0.35, expected 1e-3. Hint: the sign is flipped")


def test_pass_rates_and_the_most_frequent_diagnoses_per_test():
    results = [
        _result("a", [_cell("predict", True), _cell("loss", False, "got 2.1, expected 4.2. Hint: square the residual")]),
        _result("b", [_cell("predict", True), _cell("loss", False, "got 7, expected 3. Hint: square the residual")]),
        _result("c", [_cell("predict", False, "raised NotImplementedError"), _cell("loss", True)]),
        _result("d", [], status="error"),
    ]
    summaries = hidden_test_summaries(results)
    assert [(s["grade_id"], s["passed"], s["graded"]) for s in summaries] == [("predict", 2, 3), ("loss", 1, 3)]
    assert summaries[1]["diagnoses"].most_common(1) == [("got #, expected #. Hint: square the residual", 2)]


def test_the_page_lists_missing_students_and_errors_escaped_and_loads_nothing():
    results = [_result("<b>eve</b>", [_cell("predict", False, "<script>alert(1)</script> got 1")])]
    rows = [GradeRow("<b>eve</b>", "01", "nb", 0.0, 6.0, "graded", ""),
            GradeRow("s003", "01", "", 0.0, 6.0, "missing", "no file"),
            GradeRow("bob", "01", "nb", 0.0, 6.0, "error", "not valid JSON <img src=x>")]
    page = render("01_linear_regression", 6.0, results, rows)
    assert "<script" not in page and "<img" not in page and "<b>eve" not in page
    assert "&lt;script&gt;alert(#)&lt;/script&gt; got #: <b>1 student</b>" in page
    assert "<h2>Missing</h2><p>s003</p>" in page and "not valid JSON &lt;img src=x&gt;" in page
    assert "default-src 'none'" in page


def test_files_whose_id_the_grader_chose_are_listed_escaped():
    stranger = _result("zed", [_cell("predict", True)])
    stranger.submission = Submission(student_id="zed", path=Path("x"), original_name="<i>zed</i>_1_2_nb.ipynb",
                                     notebook="nb.ipynb", output_stem="nb", note="zed is not on the roster")
    page = render("01", 6.0, [stranger, _result("ann", [_cell("predict", True)])], [])
    assert "<td>zed</td><td>&lt;i&gt;zed&lt;/i&gt;_1_2_nb.ipynb</td><td>zed is not on the roster</td>" in page
    assert "<td>ann</td>" not in page.split("<h2>Names to check</h2>")[1], "only files with a note"
