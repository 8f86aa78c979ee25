"""dlcourse.grading.call_strictly: results pass through, floating-point errors come back as strings."""

import numpy as np

from dlcourse import grading


def test_a_result_without_floating_point_errors_is_returned_unchanged():
    result = grading.call_strictly(np.exp, np.array([-1000.0, 0.0]))
    assert np.array_equal(result, [0.0, 1.0])


def test_an_overflow_comes_back_as_a_string_naming_it():
    result = grading.call_strictly(np.exp, np.array([1000.0]))
    assert isinstance(result, str) and result.startswith("FloatingPointError") and "overflow" in result


def test_invalid_values_and_division_by_zero_are_caught_too():
    assert "invalid" in grading.call_strictly(lambda t: t - t, np.array([np.inf]))
    assert "divide" in grading.call_strictly(np.log, np.array([0.0]))
    assert grading.call_strictly(lambda: 1 / 0).startswith("ZeroDivisionError")


def test_keyword_arguments_are_passed_on():
    assert grading.call_strictly(lambda x, alpha=1.0: alpha * x, 2.0, alpha=3.0) == 6.0


def test_numpy_error_state_is_restored_afterwards():
    before = np.geterr()
    grading.call_strictly(np.exp, np.array([1000.0]))
    assert np.geterr() == before
