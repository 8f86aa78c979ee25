"""dlcourse.rules: what an answer names and how it loops, read from its code."""

from __future__ import annotations

import pytest

from dlcourse.rules import check_source, describe

TANH_RULE = {"must_not_use": ("np.tanh", "scipy", "sigmoid")}


@pytest.mark.parametrize("source, found", [
    ("def tanh(x):\n    return np.tanh(x)\n", ["np.tanh"]),
    ("import numpy\ndef tanh(x):\n    return numpy.tanh(x)\n", ["np.tanh"]),
    ("from numpy import tanh as t\ndef tanh(x):\n    return t(x)\n", ["np.tanh"]),
    ("import numpy as xp\ndef tanh(x):\n    f = xp.tanh\n    return f(x)\n", ["np.tanh"]),
    ("def tanh(x):\n    from scipy.special import expit\n    return 2 * expit(2 * x) - 1\n", ["scipy"]),
    ("import scipy.special as sp\ndef tanh(x):\n    return 2 * sp.expit(2 * x) - 1\n", ["scipy"]),
    ("tanh = np.tanh\n", ["np.tanh"]),
    ("from dlcourse.mlp import sigmoid\ndef tanh(x):\n    return 2 * sigmoid(2 * x) - 1\n", ["sigmoid"]),
    ("def tanh(x):\n    return 2 * mlp.sigmoid(2 * x) - 1\n", ["sigmoid"]),
    ("tanh = lambda x: np.tanh(x)\n", ["np.tanh"]),
    ("def tanh(x):\n    e = np.exp(-2 * np.abs(x))\n    return np.sign(x) * (1 - e) / (1 + e)\n", []),
    ("def tanh(x):\n    return np.tanhx(x)\n", []),
    ("def tanh(x):\n    return np.tanh(x)\n\ndef tanh(x):\n    return np.exp(x)\n", []),  # the last def counts
])
def test_forbidden_names_are_found_through_any_alias(source, found):
    assert check_source(source, "tanh", **TANH_RULE) == found


@pytest.mark.parametrize("body, found", [
    ("return phi[0] + phi[1] * x", []),
    ("return np.array([phi[0] + phi[1] * v for v in x])", ["a list comprehension"]),
    ("out = []\n    for v in x:\n        out.append(phi[0] + phi[1] * v)\n    return np.array(out)", ["a for loop"]),
    ("i = 0\n    while i < 1:\n        i += 1\n    return x", ["a while loop"]),
    ("return np.fromiter((phi[0] + phi[1] * v for v in x), float)", ["a generator expression"]),
])
def test_loops_and_comprehensions_are_found_when_forbidden(body, found):
    source = f"def predict(x, phi):\n    {body}\n"
    assert check_source(source, "predict", no_loops=True) == found
    assert check_source(source, "predict") == [], "without no_loops, loops are fine"


@pytest.mark.parametrize("source, reason", [
    ("def tanh(x:\n    return x\n", "its code cannot be parsed (SyntaxError)"),
    ("def other(x):\n    return x\n", "the cell does not define tanh"),
    ("def tanh(x):\n    return " + "a." * 45_000 + "b\n", "its code cannot be parsed (RecursionError)"),
    ("x = 1\n" * 20_000, "the cell has 120000 characters; at most 100000 can be checked"),
])
def test_code_that_cannot_be_checked_says_why(source, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        check_source(source, "tanh", **TANH_RULE)


def test_the_verdict_names_what_was_used_and_what_is_not_allowed():
    assert describe("tanh", ["np.tanh"], ("np.tanh", "scipy"), hint="build it from np.exp.") == \
        "tanh: got code that uses np.tanh, expected an answer without np.tanh or scipy. Hint: build it from np.exp."
    assert describe("predict", ["a for loop", "a list comprehension"], no_loops=True) == \
        "predict: got code that uses a for loop and a list comprehension, expected an answer without a Python loop."
