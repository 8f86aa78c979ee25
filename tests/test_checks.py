"""dlcourse.checks: messages in the course's fixed order."""

import numpy as np
import pytest

from dlcourse import checks


def test_check_close_accepts_values_within_tolerance():
    assert checks.check_close("f", np.array([1.0, 2.0]), [1.0, 2.0 + 1e-9]) is None


def test_check_close_reports_got_expected_and_hint():
    with pytest.raises(AssertionError) as failure:
        checks.check_close("predict", np.array([1.0, 2.0]), [1.0, 3.0], hint="add the intercept.")
    message = str(failure.value)
    assert message.startswith("[FAIL] predict: got [1., 2.")
    assert "expected [1., 3." in message
    assert message.endswith("Hint: add the intercept.")


def test_check_close_reports_a_shape_mismatch_first():
    with pytest.raises(AssertionError, match=r"got shape \(3,\), expected shape \(2,\)"):
        checks.check_close("f", np.zeros(3), np.zeros(2))


def test_check_close_explains_a_non_numeric_answer():
    with pytest.raises(AssertionError, match="not a number or array"):
        checks.check_close("f", "oops", 1.0)


def test_check_close_treats_nan_as_wrong():
    with pytest.raises(AssertionError):
        checks.check_close("f", float("nan"), 1.0)


def test_check_shape_and_type():
    checks.check_shape("f", np.zeros((2, 3)), (2, 3))
    with pytest.raises(AssertionError, match=r"got shape \(3, 2\), expected shape \(2, 3\)"):
        checks.check_shape("f", np.zeros((3, 2)), (2, 3))
    with pytest.raises(AssertionError, match="got a list, expected a ndarray"):
        checks.check_type("f", [1], np.ndarray)


def test_check_finite_counts_bad_values():
    with pytest.raises(AssertionError, match="2 NaN or infinite"):
        checks.check_finite("loss", [1.0, np.inf, np.nan])


def test_check_true_uses_the_given_descriptions():
    with pytest.raises(AssertionError, match="got loss 3, expected less than 2. Hint: h"):
        checks.check_true("fit", False, got="loss 3", expected="less than 2", hint="h")


def test_check_raises_distinguishes_no_error_from_another_error():
    checks.check_raises("f", lambda: int("x"), ValueError)
    with pytest.raises(AssertionError, match="got no error"):
        checks.check_raises("f", lambda: 1, ValueError)
    with pytest.raises(AssertionError, match="got KeyError"):
        checks.check_raises("f", lambda: {}["k"], ValueError)


def test_report_pass_prints_the_case_count(capsys):
    checks.report_pass("relu", cases=3)
    checks.report_pass("relu", cases=1)
    checks.report_pass("relu")
    assert capsys.readouterr().out.splitlines() == ["[PASS] relu (3 cases)", "[PASS] relu (1 case)", "[PASS] relu"]


def test_a_scalar_is_shown_as_a_plain_number():
    with pytest.raises(AssertionError, match=r"got 75, expected 0.75\."):
        checks.check_close("accuracy", np.float64(75.0), 0.75)
