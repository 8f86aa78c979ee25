"""What a hidden test cell hands to the grader: the values the student's code computed.

A hidden test never holds an expected value. It calls the student's function on inputs drawn
from ``rng()``, which the grader seeds with a secret per grading run, and passes what comes
back to ``record``. The grader runs the same cell once against the instructor's solution in a
separate kernel and compares the two sets of records itself, outside the student's process::

    rng = grading.rng("square_area")  # an example exercise, not one of the course's
    sides = rng.uniform(1.0, 2.0, size=5)
    grading.record("square_area(sides)", square_area(sides), hint="multiply each side by itself.")

Outside a grading run ``record`` only checks that the value can be sent, so instructors can run
their notebooks as usual. The comparison and the hints live in ``autograder/grading/verdict.py``.

Introduced in 01_linear_regression.
"""

from __future__ import annotations

import hashlib
import math
import os
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np

SEED_VARIABLE = "DLCOURSE_GRADING_SEED"
RECORD_MIME = "application/vnd.dlcourse.record+json"
MAX_ELEMENTS = 20_000  # a record larger than this is sent as its shape only (the course's largest holds 1,152)


def grading_active() -> bool:
    """True inside a grading run, where the grader has set the secret seed."""
    return bool(os.environ.get(SEED_VARIABLE))


def rng(stream: str) -> np.random.Generator:
    """A generator for one test's inputs, seeded by the grading run's secret and ``stream``.

    Args:
        stream: a name unique to the test cell, e.g. the function under test.

    Returns:
        A fresh ``numpy.random.Generator``; the same stream and seed give the same numbers in
        the student's kernel and in the grader's reference kernel.
    """
    secret = os.environ.get(SEED_VARIABLE, "course-default")
    digest = hashlib.sha256(f"{secret}/{stream}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _as_array(value: Any) -> np.ndarray | None:
    """A NumPy view of numbers, tensors included; None for anything that is not numeric."""
    if hasattr(value, "detach"):  # torch.Tensor
        value = value.detach().cpu().numpy()
    elif hasattr(value, "numpy") and callable(value.numpy):  # tf.Tensor, tf.Variable
        value = value.numpy()
    try:
        array = np.asarray(value)
    except Exception:
        return None
    if array.dtype.kind in "biuf" and array.dtype != object:
        return array
    return None


def _number(x: float) -> float | str:
    """JSON has no NaN or infinity: send them as strings."""
    return x if math.isfinite(x) else repr(x)


def encode(value: Any, depth: int = 0) -> dict:
    """Turn a value into the JSON form the grader compares; never raises.

    Numbers and arrays become {"kind": "array", "dtype", "shape", "data"}, strings and None
    keep their kind, tuples, lists and dicts are encoded item by item, and anything else
    becomes {"kind": "other", "type": <type name>}, which matches nothing.
    """
    try:
        if value is None:
            return {"kind": "none"}
        if isinstance(value, str):
            return {"kind": "str", "value": value[:1000]}
        if isinstance(value, dict) and depth < 4:
            return {"kind": "dict", "items": {str(k): encode(v, depth + 1) for k, v in list(value.items())[:100]}}
        if isinstance(value, (list, tuple)) and depth < 4 and any(
                isinstance(v, (list, tuple, dict, str, type(None))) or _as_array(v) is None or np.ndim(v) > 0
                for v in value):
            return {"kind": "list", "items": [encode(v, depth + 1) for v in list(value)[:100]]}
        array = _as_array(value)
        if array is None:
            return {"kind": "other", "type": type(value).__name__}
        if array.size > MAX_ELEMENTS:
            return {"kind": "too_large", "shape": list(array.shape)}
        dtype = "bool" if array.dtype.kind == "b" else ("int" if array.dtype.kind in "iu" else "float")
        data = [_number(float(x)) for x in array.astype(float).ravel()]
        return {"kind": "array", "dtype": dtype, "shape": list(array.shape), "data": data}
    except Exception as error:  # a value whose conversion fails is reported, not raised
        return {"kind": "other", "type": f"{type(value).__name__} ({type(error).__name__})"}


def record(name: str, value: Any, *, rtol: float = 1e-6, atol: float = 1e-8, hint: str = "") -> None:
    """Hand one value computed by the student's code to the grader.

    Args:
        name: what was computed, e.g. "predict(x, phi)"; unique within the cell.
        value: the student's result: a number, array, tensor, string, or a tuple/list/dict of them.
        rtol, atol: tolerances as in ``numpy.isclose``; the grader uses the reference's.
        hint: one sentence shown to the student when this value is wrong.
    """
    payload = {"name": name, "value": encode(value), "rtol": rtol, "atol": atol, "hint": hint}
    if grading_active():
        from IPython.display import display

        display({RECORD_MIME: payload}, raw=True)


_MISSING = object()


@contextmanager
def substitute(namespace: dict, **doubles: Any) -> Iterator[None]:
    """Replace names in a notebook's globals with test doubles for the duration of a block.

    A downstream exercise's hidden test swaps the upstream functions it calls for stand-ins,
    so that one mistake upstream costs points once, not in every exercise that uses it.

    Args:
        namespace: the notebook's ``globals()``.
        **doubles: name -> replacement.
    """
    saved = {name: namespace.get(name, _MISSING) for name in doubles}
    namespace.update(doubles)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is _MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def call_strictly(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` with NumPy's floating-point warnings turned into errors.

    A hidden test records what comes back, so an answer that overflows on huge inputs fails with
    its own hint instead of stopping the test cell:
    ``grading.record("sigmoid at +-1000", grading.call_strictly(sigmoid, z), hint=...)``.

    Args:
        function: the student's function.
        *args, **kwargs: passed on to it.

    Returns:
        Its result, or a string such as "FloatingPointError: overflow encountered in exp" when
        NumPy (or Python's float arithmetic) overflowed, divided by zero or produced an invalid value.

    Introduced in 02_logistic_regression.
    """
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        try:
            return function(*args, **kwargs)
        except (FloatingPointError, OverflowError, ZeroDivisionError) as error:
            return f"{type(error).__name__}: {error}"
