"""Matching a student's cells back to the release by grade_id, content and order."""

import copy

import nbformat
import pytest

from autograder.grading.steps.match_cells import align, similarity
from autograder.grading.template import build_notebook_template
from tests.conftest import COURSE, nbgrader_meta, read_notebook

ASSIGNMENT = COURSE.assignment("01_linear_regression")


@pytest.fixture(scope="module")
def template():
    return build_notebook_template(ASSIGNMENT.notebook, read_notebook(ASSIGNMENT.release_path()),
                                   read_notebook(ASSIGNMENT.source_path()))


def solution_cells():
    return copy.deepcopy(read_notebook(ASSIGNMENT.source_path()).cells)


def test_unchanged_solution_matches_cell_for_cell(template):
    matches = align(template, solution_cells())
    assert matches.pairs == tuple(range(len(template.cells)))
    assert matches.extras == {}


def test_cells_without_metadata_match_by_content(template):
    cells = [nbformat.v4.new_code_cell(c.source) if c.cell_type == "code" else nbformat.v4.new_markdown_cell(c.source)
             for c in solution_cells()]
    assert align(template, cells).pairs == tuple(range(len(template.cells)))


def test_solution_cell_matches_by_the_function_it_defines(template):
    index = next(i for i, c in enumerate(template.cells) if c.grade_id == "predict")
    student = nbformat.v4.new_code_cell("def predict(x, phi):\n    return x")
    assert similarity(template.cells[index], student) >= 0.9


def test_moved_cell_is_found_and_added_cell_is_anchored(template):
    cells = solution_cells()
    predict = cells.pop(7)
    cells.insert(10, predict)
    cells.insert(3, nbformat.v4.new_code_cell("helper = 1"))
    matches = align(template, cells)
    assert matches.pairs[7] == 11
    assert matches.extras == {2: (3,)}


def test_deleted_cell_is_left_unmatched(template):
    cells = solution_cells()
    del cells[9]
    matches = align(template, cells)
    assert matches.pairs[9] is None
    assert matches.pairs[10] == 9


def test_same_grade_id_wins_over_content(template):
    index = next(i for i, c in enumerate(template.cells) if c.grade_id == "predict_hidden")
    cell = nbformat.v4.new_code_cell("pass")
    cell.metadata["nbgrader"] = dict(nbgrader_meta(read_notebook(ASSIGNMENT.source_path()).cells[index]))
    assert similarity(template.cells[index], cell) == 2.0
