"""CheckRules: the rules a visible test declares are read from the instructor's notebook and checked on the code."""

from __future__ import annotations

import pytest

from autograder.grading.steps.check_rules import Rule, declared_rules, verdict
from autograder.grading.template import ANSWER, TEST, NotebookTemplate, TemplateCell


def _cell(role: str, grade_id: str | None, source: str, points: float = 0.0) -> TemplateCell:
    return TemplateCell("code", role, grade_id, source, source, {}, points)


def _template(visible: str) -> NotebookTemplate:
    return NotebookTemplate("04.ipynb", (
        _cell(ANSWER, "tanh", "def tanh(x):\n    raise NotImplementedError()\n"),
        _cell(TEST, "tanh_examples", visible),
        _cell(TEST, "tanh_hidden", "grading.record('tanh', tanh(x_hidden))", points=3),
    ))


TANH = Rule("tanh", "tanh", "tanh_hidden", ("np.tanh", "scipy"), False, "build it from np.exp.")


def test_a_rule_is_read_from_the_visible_test_with_the_hidden_test_it_guards():
    visible = ('from dlcourse.checks import check_rules\ncheck_close("tanh", tanh(0.0), 0.0)\n'
               'check_rules("tanh", tanh, must_not_use=("np.tanh", "scipy"), hint="build it from np.exp.")\n')
    assert declared_rules(_template(visible)) == [TANH]
    assert declared_rules(_template("check_close('tanh', tanh(0.0), 0.0)\n")) == []


@pytest.mark.parametrize("visible, reason", [
    ('check_rules("tanh", lambda x: tanh(x))', "with the function named directly"),
    ('check_rules("tanh", tanh, must_not_use=BANNED)', "every argument but the function must be a literal"),
])
def test_an_instructors_malformed_rule_stops_the_run_with_the_reason(visible, reason):
    with pytest.raises(ValueError, match=reason):
        declared_rules(_template(visible))


@pytest.mark.parametrize("sources, expected", [
    (["import numpy as np", "def tanh(x):\n    e = np.exp(-2 * abs(x))\n    return np.sign(x) * (1 - e) / (1 + e)"],
     None),
    (["import numpy as np", "def tanh(x):\n    return np.tanh(x)"],
     "tanh: got code that uses np.tanh, expected an answer without np.tanh or scipy. Hint: build it from np.exp."),
    (["import numpy as np", "tanh = np.tanh"], "tanh: got code that uses np.tanh"),
    (["from scipy import special as sp", "def tanh(x):\n    return 2 * sp.expit(2 * x) - 1"],
     "tanh: got code that uses scipy"),
    (["def tanh(x):\n    return np.tanh(x)", "def tanh(x):\n    return x"], None),  # the last definition ran
    (["def tanh(x):\n    return x", "def tanh(x):\n    return np.tanh(x)"], "got code that uses np.tanh"),
    (["exec('def tanh(x): return x')"], "no def of tanh was found in your notebook"),
    (["def tanh(x):\n    return np.tanh(x" + ")" * 300], "could not be checked: its code cannot be parsed (SyntaxError)"),
])
def test_the_verdict_reads_the_last_definition_that_ran(sources, expected):
    found = verdict(TANH, sources)
    assert found is None if expected is None else expected in found


def test_aliases_from_other_cells_are_resolved():
    rule = Rule("numerical_gradient", "numerical_gradient", "numerical_gradient_hidden", ("dlcourse.gradcheck",))
    sources = ["from dlcourse import gradcheck as gc",
               "def numerical_gradient(f, x, h=1e-5):\n    return gc.numeric_grad(f, x, h)"]
    assert verdict(rule, sources).startswith("numerical_gradient: got code that uses dlcourse.gradcheck")
