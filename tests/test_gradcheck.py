"""dlcourse.gradcheck: central differences and the relative-error verdict."""

import numpy as np
import pytest

from dlcourse import gradcheck


def test_numeric_grad_matches_an_analytic_gradient():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    numeric = gradcheck.numeric_grad(lambda w: float(np.sum(a * w ** 2)), x)
    assert gradcheck.rel_error(numeric, 2 * a * x) < 1e-8


def test_numeric_grad_leaves_the_input_unchanged():
    x = np.array([1.0, 2.0])
    gradcheck.numeric_grad(lambda w: float(w @ w), x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_rel_error_rejects_different_shapes():
    with pytest.raises(ValueError, match=r"\(2,\) and \(3,\)"):
        gradcheck.rel_error(np.zeros(2), np.zeros(3))


def test_check_gradient_prints_a_verdict_with_the_tolerance(capsys):
    error = gradcheck.check_gradient("dW", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-10]), tolerance=1e-7)
    assert error < 1e-7
    assert "[PASS] dW: rel. error" in capsys.readouterr().out


def test_check_gradient_fails_on_a_sign_error():
    with pytest.raises(AssertionError, match=r"\[FAIL\] dW: got rel. error 1.0e\+00"):
        gradcheck.check_gradient("dW", np.array([1.0, 2.0]), np.array([-1.0, -2.0]))
