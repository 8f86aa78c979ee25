"""Gradient checking by central finite differences.

Introduced in 01_linear_regression (used to check a hand-derived gradient) and
taught in depth in 03_backpropagation.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from dlcourse import progress


def numeric_grad(f: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function.

    Args:
        f: maps an array shaped like ``x`` to a float.
        x: float array, any shape; it is left unchanged.
        step: the finite-difference step h in (f(x + h) - f(x - h)) / 2h.

    Returns:
        float64 array shaped like ``x``.
    """
    point = np.array(x, dtype=np.float64)
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        saved = point[index]
        point[index] = saved + step
        f_plus = float(f(point))
        point[index] = saved - step
        f_minus = float(f(point))
        point[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * step)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-12) -> float:
    """Largest relative error max |a - b| / max(|a| + |b|, floor), element-wise."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs equal shapes; got {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def check_gradient(
    name: str,
    analytic: np.ndarray,
    numeric: np.ndarray,
    tolerance: float = 1e-6,
    numeric_from: str | None = None,
) -> None:
    """Compare an analytic gradient with a numeric one and print the verdict.

    Args:
        name: what is checked, shown in the ``[PASS]``/``[FAIL]`` line.
        analytic, numeric: the two gradients, of the same shape.
        tolerance: the largest relative error that passes.
        numeric_from: the exercise whose finite differences gave ``numeric`` (a loss, say).
            When its own visible check has failed or not run, a failure blames it, not the gradient.

    Returns None (a check shows its verdict as a printed line); raises AssertionError on failure.
    """
    if np.shape(analytic) != np.shape(numeric):
        raise AssertionError(
            f"[FAIL] {name}: got gradient shape {np.shape(analytic)}, expected {np.shape(numeric)}. "
            "Hint: return one partial derivative per parameter."
        )
    error = rel_error(analytic, numeric)
    if not error < tolerance:
        hint = "compare your formula term by term with the derivation above."
        source_status = progress.exercise_status([numeric_from]) if numeric_from else True
        if source_status is False:
            hint = (f"the finite differences come from {numeric_from}, which fails its own check: "
                    f"fix {numeric_from} first, then run this cell again.")
        elif source_status is None:
            hint = (f"the finite differences come from {numeric_from}, whose check has not run: run it first; "
                    "if it passes, compare your formula term by term with the derivation above.")
        raise AssertionError(f"[FAIL] {name}: got rel. error {error:.1e}, expected < {tolerance:.0e}. Hint: {hint}")
    progress.record(name, True)
    print(f"[PASS] {name}: rel. error {error:.1e} < {tolerance:.0e}")
