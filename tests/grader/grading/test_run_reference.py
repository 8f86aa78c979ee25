"""The reference run: the instructor's solution must pass its tests and record a value in every hidden test."""

import nbformat
import pytest

from autograder.grading.steps.run_reference import ReferenceRunError, reference_records
from autograder.grading.verdict import RECORD_MIME


def cell(grade_id, outputs):
    code = nbformat.v4.new_code_cell("test")
    code.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id}
    code.outputs = outputs
    return code


RECORD = nbformat.v4.new_output("display_data", data={RECORD_MIME: {"name": "f(x)", "value": {"kind": "none"}}})
POINTS = {"f_examples": 0.0, "f_hidden": 3.0}


def test_records_of_each_hidden_test_are_kept():
    executed = nbformat.v4.new_notebook(cells=[cell("f_examples", []), cell("f_hidden", [RECORD])])
    assert reference_records(executed, "01.ipynb", POINTS) == {"f_hidden": [RECORD["data"][RECORD_MIME]]}


def test_a_hidden_test_without_records_stops_the_run_with_an_instructor_error():
    executed = nbformat.v4.new_notebook(cells=[cell("f_examples", []), cell("f_hidden", [])])
    with pytest.raises(ReferenceRunError, match="f_hidden of 01.ipynb recorded no value.*writing_tests"):
        reference_records(executed, "01.ipynb", POINTS)


def test_a_test_failing_on_the_solution_stops_the_run():
    error = nbformat.v4.new_output("error", ename="AssertionError", evalue="[FAIL] f", traceback=[])
    executed = nbformat.v4.new_notebook(cells=[cell("f_examples", [error]), cell("f_hidden", [RECORD])])
    with pytest.raises(ReferenceRunError, match="fails its own test f_examples"):
        reference_records(executed, "01.ipynb", POINTS)


def test_a_record_too_large_to_compare_stops_the_run():
    large = nbformat.v4.new_output("display_data", data={RECORD_MIME: {
        "name": "weights", "value": {"kind": "too_large", "shape": [500, 500]}}})
    executed = nbformat.v4.new_notebook(cells=[cell("f_examples", []), cell("f_hidden", [large])])
    with pytest.raises(ReferenceRunError, match="weights, too large to compare"):
        reference_records(executed, "01.ipynb", POINTS)
