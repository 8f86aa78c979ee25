"""Decide a test cell in the grader: the student's recorded values against the reference's.

This is the trust boundary. The records of the student's kernel may be forged, but they never
contain an expected value, and nothing the kernel sends can change the reference records, the
tolerances or the hints, which all come from the instructor's run. Messages describe the
student's own values and the kind of mistake, never the expected values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.execution.capped_client import RECORD_MIME

KINDS = ("array", "too_large", "list", "dict", "str", "none", "other")


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str  # "" when passed


def records_of(outputs: list) -> list[dict]:
    """The record payloads among one cell's outputs, in order; malformed ones are skipped."""
    found = []
    for output in outputs or []:
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue
        payload = (output.get("data") or {}).get(RECORD_MIME)
        if isinstance(payload, dict) and isinstance(payload.get("name"), str) and isinstance(payload.get("value"), dict):
            found.append(payload)
    return found


def _kind(encoded: dict) -> str:
    """The student's claimed kind, if it is one the grader knows."""
    kind = encoded.get("kind")
    return kind if kind in KINDS else "value"


def _array(encoded: dict) -> np.ndarray:
    data = [float(x) for x in encoded["data"]]
    return np.array(data, dtype=float).reshape(encoded["shape"])


QUOTED_VALUES = 3  # a verdict quotes at most this many of the student's numbers, plus a shape of up to 3 sizes


def _describe(array: np.ndarray, limit: int = QUOTED_VALUES) -> str:
    """The student's value in a few numbers: the first ``limit`` entries and the shape, never more."""
    if array.ndim == 0:
        return f"{float(array):.4g}"
    flat = ", ".join(f"{x:.4g}" for x in array.ravel()[:limit])
    more = ", ..." if array.size > limit else ""
    shape = f"shape {tuple(array.shape)}" if array.ndim <= 3 else f"a {array.ndim}-dimensional array"
    return f"[{flat}{more}] ({shape})"


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def _simple(ratio: float) -> bool:
    """A factor like 2, 1/2 or 1/N, which says something even about a single number."""
    for value in (abs(ratio), 1 / abs(ratio)):
        if value > 1.5 and abs(value - round(value)) < 1e-6 * value:
            return True
    return False


def diagnose(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    """Name the kind of mistake that turns the expected values into the student's, if a common one does."""
    tol = (max(rtol, 1e-6), max(atol, 1e-9))
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
        return "contains NaN or infinity"
    if got.shape != expected.shape:
        if got.size == expected.size and _close(got.reshape(expected.shape), expected, *tol):
            return "has the right values in the wrong shape"
        if got.ndim == 2 and _close(got.T, expected, *tol):
            return "is transposed"
        if got.ndim == expected.ndim - 1 and expected.ndim >= 1:
            for axis in range(expected.ndim):
                if _close(got, expected.sum(axis=axis), *tol):
                    return f"looks summed over axis {axis}, which should be kept"
                if _close(got, expected.mean(axis=axis), *tol):
                    return f"looks averaged over axis {axis}, which should be kept"
        return "has the wrong shape"
    if (rtol, atol) != tol and _close(got, expected, *tol):
        digits = -np.log10(np.max(np.abs(got - expected) / (np.abs(expected) + tol[1])))
        return (f"agrees only to about {max(digits, 0):.0f} significant digits, while this test asks for rtol={rtol:g}: "
                "an approximation (a finite difference?) where an exact formula is asked for")
    if _close(got, -expected, *tol):
        return "has the sign flipped"
    if expected.ndim >= 1 and _close(got, np.flip(expected, axis=-1), *tol):
        return "has its entries in reverse order"
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and _close(got, expected.T, *tol):
        return "is transposed"
    scale = float(np.vdot(got, expected) / np.vdot(expected, expected)) if np.any(expected) else 0.0
    if scale and np.isfinite(scale) and _close(got, scale * expected, *tol) and (expected.size > 1 or _simple(scale)):
        return f"is off by a constant factor ({scale:.4g} times the expected values)"
    shift = float(np.mean(got - expected))
    if expected.size > 1 and shift and _close(got, expected + shift, *tol):
        return "is off by a constant offset"
    return "does not match the reference"


def compare_value(expected: dict, got: dict, rtol: float, atol: float) -> str:
    """'' when the student's encoded value matches the reference's, else what is wrong with it."""
    kind = expected.get("kind")
    if got.get("kind") == "other":
        return "is a value the grader cannot compare (not a number, array, string or None)"
    if kind == "array":
        if got.get("kind") != "array":
            return f"is a {_kind(got)}, not a number or an array"
        try:
            got_array = _array(got)
        except (KeyError, TypeError, ValueError):
            return "could not be read"
        expected_array = _array(expected)
        if _close(got_array, expected_array, rtol, atol):
            return ""
        return f"is {_describe(got_array)}, which {diagnose(got_array, expected_array, rtol, atol)}"
    if kind == "too_large":  # only its shape was sent, which anyone can claim: never a match
        return "cannot be compared (the instructor's value is too large to record); report this to your instructor"
    if kind in ("list", "dict"):
        if got.get("kind") != kind:
            return f"is a {_kind(got)}, expected a {'tuple or list' if kind == 'list' else 'dict'}"
        items_e, items_g = expected["items"], got.get("items")
        if kind == "list":
            if not isinstance(items_g, list) or len(items_g) != len(items_e):
                return f"has {'a different number of' if isinstance(items_g, list) else 'no'} items (expected {len(items_e)})"
            pairs = [(f"item {i}", e, g) for i, (e, g) in enumerate(zip(items_e, items_g))]
        else:
            if not isinstance(items_g, dict) or set(items_g) != set(items_e):
                return f"has other keys than the expected {sorted(items_e)[:10]}"
            pairs = [(f"key {k!r}", items_e[k], items_g[k]) for k in items_e]
        for label, e, g in pairs:
            problem = compare_value(e, g if isinstance(g, dict) else {}, rtol, atol)
            if problem:
                return f"{label} {problem}"
        return ""
    if kind in ("str", "none"):
        if got.get("kind") == kind and got.get("value") == expected.get("value"):
            return ""
        return f"is a different {'string' if kind == 'str' else 'value'}"
    return "has a kind the grader does not know"


def judge_cell(reference: list[dict], student: list[dict]) -> Verdict:
    """Pass only if every reference record appears once among the student's and matches it."""
    if not reference:
        return Verdict(False, "the instructor's test recorded no value; report this to your instructor")
    by_name: dict[str, list[dict]] = {}
    for payload in student:
        by_name.setdefault(payload["name"], []).append(payload)
    for expected in reference:
        name = expected["name"]
        hint = f" Hint: {expected['hint']}" if expected.get("hint") else ""
        matches = by_name.get(name, [])
        if not matches:
            return Verdict(False, f"{name}: no value was recorded (the test stopped before it).{hint}")
        if len(matches) > 1:
            return Verdict(False, f"{name}: recorded {len(matches)} times; a test records each value once.")
        problem = compare_value(expected["value"], matches[0]["value"], float(expected["rtol"]), float(expected["atol"]))
        if problem:
            return Verdict(False, f"{name} {problem}.{hint}")
    return Verdict(True, "")
