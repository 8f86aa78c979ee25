"""dlcourse.checks: messages in the course's fixed order."""

import functools

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


# --- What a student sees in the notebook: one [FAIL] line, the cell still failed ----------------

import re  # noqa: E402
import tempfile  # noqa: E402

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from tests.conftest import COURSE, nbgrader_meta, read_notebook  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")
STUB = 'def predict(x, phi):\n    """Predictions of the line."""\n    # YOUR CODE HERE\n    raise NotImplementedError()'
VISIBLE = ('import numpy as np\nfrom dlcourse.checks import check_close, report_pass\n\n'
           'check_close("predict", predict(np.array([0.0, 1.0]), np.array([1.0, 2.0])), [1.0, 3.0], hint="phi[0] is the intercept.")\n'
           'report_pass("predict", cases=1)')


def execute(sources: list[str], path=None) -> list[list[dict]]:
    """Run code cells in a fresh kernel (errors allowed, as Jupyter does); return each cell's outputs."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path or tempfile.gettempdir())}}).execute()
    return [cell.outputs for cell in notebook.cells]


def shown_error(outputs: list[dict]) -> tuple[dict, str]:
    """The cell's error output (there must be exactly one) and its traceback as the student reads it."""
    errors = [o for o in outputs if o["output_type"] == "error"]
    assert len(errors) == 1, outputs
    return errors[0], ANSI.sub("", "\n".join(errors[0]["traceback"]))


def test_a_student_sees_one_fail_line_for_a_stub_and_for_a_wrong_answer():
    outputs = execute([
        'from dlcourse import env\nenv.report_environment(("numpy",))',  # the setup cell
        STUB, VISIBLE,
        "def predict(x, phi):\n    return phi[1] + phi[0] * x",  # a wrong answer
        VISIBLE,
    ])
    error, seen = shown_error(outputs[2])
    assert seen == "[FAIL] predict: not implemented yet — write your code where it says YOUR CODE HERE"
    assert error["ename"] == "NotImplementedError" and error["evalue"] == seen  # still a failed cell for nbgrader
    error, seen = shown_error(outputs[4])
    assert seen.startswith("[FAIL] predict: got [2., 3.]") and seen.endswith("Hint: phi[0] is the intercept.")
    assert "\n" not in seen and "checks.py" not in seen and "Traceback" not in seen
    assert error["ename"] == "AssertionError"
    assert not any(o["output_type"] == "stream" and o["name"] == "stderr" for cell in outputs for o in cell)


def test_the_visible_test_alone_installs_the_display_and_other_errors_keep_their_traceback():
    library = ('ns = {"__name__": "some_library"}\n'
               'exec("def abstract():\\n    raise NotImplementedError()", ns)\nns["abstract"]()')
    outputs = execute([STUB, VISIBLE, 'raise ValueError("an ordinary bug")', library,
                       "raise NotImplementedError('not a stub')", "assert 1 == 2, 'my own assert'"])
    assert shown_error(outputs[1])[1].startswith("[FAIL] predict: not implemented yet")
    for index, name in [(2, "ValueError"), (3, "NotImplementedError"), (4, "NotImplementedError"), (5, "AssertionError")]:
        error, seen = shown_error(outputs[index])
        assert error["ename"] == name and "[FAIL]" not in seen and "Cell In[" in seen, seen


def test_release_notebook_shows_fail_lines_for_its_first_exercise():
    """The committed release of the first notebook, run to its first visible test, as a student would."""
    assignment = COURSE.assignments[0]
    notebook = read_notebook(assignment.release_path())
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cells.append(cell.source)
        if nbgrader_meta(cell).get("grade") and "### BEGIN HIDDEN TESTS" not in cell.source:
            stub = next(c for c in notebook.cells if nbgrader_meta(c).get("solution"))
            function = re.search(r"def (\w+)\(", stub.source).group(1)
            break
    outputs = execute(cells, path=assignment.release_path().parent)
    error, seen = shown_error(outputs[-1])
    assert seen == f"[FAIL] {function}: not implemented yet — write your code where it says YOUR CODE HERE"
    assert error["ename"] == "NotImplementedError"


def test_failure_message_outside_a_notebook():
    assert checks.failure_message(AssertionError("[FAIL] f: got 1, expected 2.")) == "[FAIL] f: got 1, expected 2."
    assert checks.failure_message(AssertionError("plain")) is None
    assert checks.failure_message(ValueError("x")) is None
    assert checks.install_failure_display() is False  # no IPython kernel here


# check_rules reads the function's own code: these stand in for a student's answers.
def _tanh_from_exp(x):
    e = np.exp(-2 * np.abs(x))
    return np.sign(x) * (1 - e) / (1 + e)


def _tanh_by_numpy(x):
    return np.tanh(x)


def _predict_with_a_loop(x, phi):
    return np.array([phi[0] + phi[1] * value for value in x])


TANH_RULE = {"must_not_use": ("np.tanh", "scipy"), "hint": "build it from np.exp."}


def test_check_rules_passes_an_answer_that_keeps_them():
    assert checks.check_rules("tanh", _tanh_from_exp, **TANH_RULE) is None


@pytest.mark.parametrize("answer, message", [
    (_tanh_by_numpy, "[FAIL] tanh: got code that uses np.tanh, expected an answer without np.tanh or scipy. "
                     "Hint: build it from np.exp."),
    (np.tanh, "[FAIL] tanh: got code that uses np.tanh,"),
    (lambda x: np.tanh(x), "[FAIL] tanh: got code that uses np.tanh,"),
    (functools.partial(np.power, 2), "[FAIL] tanh: got a function whose code cannot be read, expected a def in the "
                                     "answer cell."),
])
def test_check_rules_fails_a_forbidden_name_in_one_line(answer, message):
    with pytest.raises(AssertionError) as failure:
        checks.check_rules("tanh", answer, **TANH_RULE)
    assert str(failure.value).startswith(message) and "\n" not in str(failure.value)


def test_check_rules_finds_a_loop_when_loops_are_forbidden():
    with pytest.raises(AssertionError, match=r"got code that uses a list comprehension, expected an answer without "
                                             r"a Python loop"):
        checks.check_rules("predict", _predict_with_a_loop, no_loops=True)
    assert checks.check_rules("predict", _predict_with_a_loop) is None
