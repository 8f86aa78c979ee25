"""Grading round trip through nbgrader for every notebook of the course.

The instructor's notebook submitted as a student's work scores full marks, the untouched
release scores 0, and a submission with one exercise left unsolved scores strictly in between.
"""

import csv
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import COURSE, REPO_ROOT, nbgrader_meta, read_notebook

ASSIGNMENTS = [pytest.param(a, id=a.id) for a in COURSE.assignments]


def partly_wrong(assignment) -> nbformat.NotebookNode:
    """The source notebook with its first exercise replaced by the release's stub."""
    notebook = read_notebook(assignment.source_path())
    release = read_notebook(assignment.release_path())
    stubs = {nbgrader_meta(c)["grade_id"]: c.source for c in release.cells if nbgrader_meta(c).get("solution")}
    first = next(c for c in notebook.cells if nbgrader_meta(c).get("solution"))
    first.source = stubs[nbgrader_meta(first)["grade_id"]]
    return notebook


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    """Grade three students' copies of one assignment once; yield (assignment, rows by student, out dir)."""
    assignment = request.param
    submissions = tmp_path_factory.mktemp(f"{assignment.id}-submissions")
    copies = {
        "full": read_notebook(assignment.source_path()),
        "untouched": read_notebook(assignment.release_path()),
        "partial": partly_wrong(assignment),
    }
    for student, notebook in copies.items():
        (submissions / student).mkdir()
        nbformat.write(notebook, submissions / student / assignment.notebook)
    out = tmp_path_factory.mktemp(f"{assignment.id}-graded")
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(submissions), "--assignment", assignment.id,
         "--jobs", "2", "--out", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with open(out / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    yield assignment, rows, out


def test_solution_scores_full_marks(graded):
    _, rows, _ = graded
    full = rows["full"]
    assert full["status"] == "graded", full["message"]
    assert float(full["max_score"]) > 0
    assert float(full["score"]) == float(full["max_score"])


def test_untouched_release_scores_zero(graded):
    _, rows, _ = graded
    assert rows["untouched"]["status"] == "graded", rows["untouched"]["message"]
    assert float(rows["untouched"]["score"]) == 0


def test_partly_wrong_submission_scores_strictly_between(graded):
    _, rows, _ = graded
    partial = rows["partial"]
    assert partial["status"] == "graded", partial["message"]
    assert 0 < float(partial["score"]) < float(partial["max_score"])


def test_test_cells_of_the_solution_write_nothing_to_stderr(graded):
    assignment, _, out = graded
    executed = read_notebook(out / "autograded" / "full" / assignment.notebook)
    grade_cells = [c for c in executed.cells if nbgrader_meta(c).get("grade")]
    assert grade_cells
    for cell in grade_cells:
        streams = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
        assert not streams, f"{nbgrader_meta(cell)['grade_id']} wrote to stderr: {streams[0]['text'][:300]}"
