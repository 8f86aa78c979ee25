"""dlcourse.gradcheck: central differences and the relative-error verdict."""

import numpy as np
import pytest

from dlcourse import checks, gradcheck


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


def test_check_gradient_prints_a_verdict_and_returns_nothing(capsys):
    """A returned value would show as a stray ``Out:`` line under the [PASS] line."""
    returned = gradcheck.check_gradient("dW", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-10]), tolerance=1e-7)
    assert returned is None
    assert "[PASS] dW: rel. error 2.5e-11 < 1e-07" in capsys.readouterr().out


def test_a_gradient_check_blames_the_loss_when_the_loss_fails_its_own_check():
    with pytest.raises(AssertionError):
        checks.check_close("loss_for_blame_test", 4.0, 5.0)
    with pytest.raises(AssertionError, match=r"come from loss_for_blame_test, which fails its own check: fix "
                                             r"loss_for_blame_test first"):
        gradcheck.check_gradient("dL/dphi", np.array([1.0, 2.0]), np.array([1.5, 2.0]), numeric_from="loss_for_blame_test")
    checks.check_close("loss_for_blame_test", 5.0, 5.0)  # the loss fixed: now the gradient is to blame
    with pytest.raises(AssertionError, match=r"Hint: compare your formula term by term"):
        gradcheck.check_gradient("dL/dphi", np.array([1.0, 2.0]), np.array([1.5, 2.0]), numeric_from="loss_for_blame_test")


def test_a_gradient_check_asks_for_the_loss_check_when_it_has_not_run():
    with pytest.raises(AssertionError, match=r"whose check has not run: run it first"):
        gradcheck.check_gradient("dL/dphi", np.array([1.0]), np.array([2.0]), numeric_from="never_checked_loss")


def test_check_gradient_fails_on_a_sign_error():
    with pytest.raises(AssertionError, match=r"\[FAIL\] dW: got rel. error 1.0e\+00"):
        gradcheck.check_gradient("dW", np.array([1.0, 2.0]), np.array([-1.0, -2.0]))
