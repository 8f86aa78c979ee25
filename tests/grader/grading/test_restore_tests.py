"""Building the notebook to run: release order, instructor tests, student answers."""

import copy

import nbformat
import pytest

from autograder.execution.settings import GradingSettings
from autograder.grading.context import GradingContext
from autograder.grading.steps.match_cells import MatchCells
from autograder.grading.steps.restore_tests import RestoreTests
from autograder.grading.submission import Submission, SubmissionState
from autograder.grading.template import AssignmentTemplate, build_notebook_template
from tests.conftest import COURSE, nbgrader_meta, read_notebook

ASSIGNMENT = COURSE.assignment("01_linear_regression")


@pytest.fixture(scope="module")
def context():
    template = build_notebook_template(ASSIGNMENT.notebook, read_notebook(ASSIGNMENT.release_path()),
                                       read_notebook(ASSIGNMENT.source_path()))
    return GradingContext(template=AssignmentTemplate(ASSIGNMENT.id, {ASSIGNMENT.notebook: template}),
                          settings=GradingSettings())


def restore(context, notebook):
    state = SubmissionState(submission=Submission("s", None, "s", ASSIGNMENT.notebook, "x"), out=None, notebook=notebook)
    MatchCells(context).run(state)
    RestoreTests(context).run(state)
    return state


def by_id(notebook, grade_id):
    return next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def test_release_gets_its_hidden_tests_back(context):
    state = restore(context, read_notebook(ASSIGNMENT.release_path()))
    assert "BEGIN HIDDEN TESTS" in by_id(state.graded, "predict_hidden").source
    assert "raise NotImplementedError" in by_id(state.graded, "predict").source


def test_student_answer_is_kept_and_edited_test_replaced(context):
    notebook = read_notebook(ASSIGNMENT.release_path())
    by_id(notebook, "predict").source = "def predict(x, phi):\n    return 0 * x"
    by_id(notebook, "predict_examples").source = "print('[PASS] predict')"
    state = restore(context, notebook)
    assert by_id(state.graded, "predict").source.endswith("return 0 * x")
    assert "check_close" in by_id(state.graded, "predict_examples").source
    assert "1 edited test cell(s) restored" in state.notes


def test_added_cell_claiming_to_be_a_grade_cell_earns_nothing(context):
    notebook = read_notebook(ASSIGNMENT.release_path())
    fake = nbformat.v4.new_code_cell("print('free points')")
    fake.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 100, "solution": False, "locked": True}
    notebook.cells.insert(3, fake)
    state = restore(context, notebook)
    added = next(c for c in state.graded.cells if "free points" in c.source)
    assert "nbgrader" not in added.metadata
    assert sum(nbgrader_meta(c).get("points", 0) for c in state.graded.cells) == context.template.max_score


def test_locked_setup_cell_is_restored_when_changed(context):
    notebook = read_notebook(ASSIGNMENT.source_path())
    original = copy.deepcopy(by_id(notebook, "setup").source)
    by_id(notebook, "setup").source = "import os\nos.environ['DLCOURSE_FAST'] = '0'"
    state = restore(context, notebook)
    assert by_id(state.graded, "setup").source == original
