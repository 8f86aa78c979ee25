"""Answer checkers used by the visible and hidden test cells.

Each checker returns None on success and raises ``AssertionError`` with a
message in one fixed order on failure::

    [FAIL] predict: got shape (4, 3), expected (4,). Hint: return one prediction per input.

``report_pass`` prints the matching success line, ``[PASS] predict (3 cases)``.
Importing this module inside a notebook kernel also makes failures read as one
``[FAIL] ...`` line, without the checker's internal frames (``install_failure_display``).

Introduced in 01_linear_regression.
"""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable

import numpy as np

from dlcourse import progress, rules


def _fail(name: str, got: str, expected: str, hint: str) -> AssertionError:
    """Build the failure in the course's fixed order: function, got, expected, hint."""
    message = f"[FAIL] {name}: got {got}, expected {expected}."
    if hint:
        message += f" Hint: {hint}"
    return AssertionError(message)


def _describe(value: Any, limit: int = 6) -> str:
    """Short, readable rendering of a value for a failure message."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return f"{float(value):.6g}" if np.issubdtype(value.dtype, np.number) else repr(value.item())
    if isinstance(value, np.ndarray):
        flat = np.array2string(value.ravel()[:limit], precision=4, separator=", ")
        more = ", ..." if value.size > limit else ""
        return f"{flat[:-1]}{more}] (shape {value.shape})"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _recorded(checker: Callable[..., None]) -> Callable[..., None]:
    """Record each call's result in ``dlcourse.progress`` under the checked name (the first argument)."""

    @functools.wraps(checker)
    def run(name: str, *args: Any, **kwargs: Any) -> None:
        try:
            checker(name, *args, **kwargs)
        except AssertionError:
            progress.record(name, False)
            raise
        progress.record(name, True)

    return run


def report_pass(name: str, cases: int | None = None) -> None:
    """Print the success line for ``name``, with the number of cases when given."""
    counted = f" ({cases} case{'s' if cases != 1 else ''})" if cases is not None else ""
    progress.record(name, True)
    print(f"[PASS] {name}{counted}")


@_recorded
def check_type(name: str, got: Any, expected: type | tuple[type, ...], hint: str = "") -> None:
    """Check that ``got`` is an instance of ``expected``."""
    if not isinstance(got, expected):
        names = expected.__name__ if isinstance(expected, type) else " or ".join(t.__name__ for t in expected)
        raise _fail(name, f"a {type(got).__name__}", f"a {names}", hint)


@_recorded
def check_shape(name: str, got: Any, expected: tuple[int, ...], hint: str = "") -> None:
    """Check that ``got`` is array-like with exactly the shape ``expected``."""
    shape = np.shape(got)
    if shape != tuple(expected):
        raise _fail(name, f"shape {shape}", f"shape {tuple(expected)}", hint)


@_recorded
def check_finite(name: str, got: Any, hint: str = "") -> None:
    """Check that every entry of ``got`` is a finite number (no NaN, no inf)."""
    values = np.asarray(got, dtype=float)
    if not np.all(np.isfinite(values)):
        bad = int(np.size(values) - np.count_nonzero(np.isfinite(values)))
        raise _fail(name, f"{bad} NaN or infinite value(s) in {_describe(values)}", "only finite numbers", hint)


@_recorded
def check_close(
    name: str,
    got: Any,
    expected: Any,
    hint: str = "",
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> None:
    """Check that ``got`` matches ``expected`` in shape and, within tolerance, in value.

    Args:
        name: the function under test, shown in the message.
        got: what the student's code returned (scalar or array).
        expected: the correct value.
        hint: one sentence that points at the likely mistake.
        rtol, atol: tolerances as in ``numpy.isclose``.
    """
    expected_array = np.asarray(expected, dtype=float)
    try:
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise _fail(name, f"{_describe(got)}, which is not a number or array", _describe(expected_array), hint) from None
    if got_array.shape != expected_array.shape:
        raise _fail(name, f"shape {got_array.shape}", f"shape {expected_array.shape}", hint)
    if not np.allclose(got_array, expected_array, rtol=rtol, atol=atol, equal_nan=False):
        raise _fail(name, _describe(got_array), _describe(expected_array), hint)


@_recorded
def check_true(name: str, condition: bool, got: str, expected: str, hint: str = "") -> None:
    """Check a condition that has no single expected value, such as 'the loss went down'."""
    if not condition:
        raise _fail(name, got, expected, hint)


@_recorded
def check_raises(name: str, call: Callable[[], Any], error: type[BaseException], hint: str = "") -> None:
    """Check that ``call()`` raises ``error``."""
    try:
        call()
    except error:
        return
    except Exception as other:  # a different error is still a failure, described as such
        raise _fail(name, f"{type(other).__name__}: {other}", f"a {error.__name__}", hint) from None
    raise _fail(name, "no error", f"a {error.__name__}", hint)


@_recorded
def check_rules(name: str, function: Any, *, must_not_use: tuple[str, ...] = (), no_loops: bool = False,
                hint: str = "") -> None:
    """Check how an answer is written, from its code: names it must not use, and whether it may loop.

    The grader reads this call from the instructor's notebook and checks the submitted answer cell
    the same way (``dlcourse.rules``), so a rule shown here is the rule graded.

    Args:
        name: the exercise's function, as messages show it.
        function: the student's function (its source is read, not run).
        must_not_use: dotted names the answer may not use (``"np.tanh"``; ``"scipy"`` for all of SciPy).
        no_loops: forbid for and while loops and comprehensions.
        hint: one sentence on how to do it instead.
    """
    import inspect
    import textwrap
    import types

    found = [rule for rule in must_not_use if function is _resolve(rule)]
    if not found:
        try:
            source = textwrap.dedent(inspect.getsource(function))
        except (OSError, TypeError):
            raise _fail(name, "a function whose code cannot be read", "a def in the answer cell", hint) from None
        own = getattr(function, "__name__", "")
        aliases = {key: value.__name__ for key, value in getattr(function, "__globals__", {}).items()
                   if isinstance(value, types.ModuleType)}
        try:
            found = rules.check_source(source, None if own == "<lambda>" else own, must_not_use=must_not_use,
                                       no_loops=no_loops, aliases=aliases)
        except ValueError as error:
            raise _fail(name, f"code that cannot be checked ({error})", "a def in the answer cell", hint) from None
    if found:
        raise AssertionError("[FAIL] " + rules.describe(name, found, must_not_use, no_loops, hint))


def _resolve(dotted: str) -> Any:
    """The object a dotted name such as ``np.tanh`` names, if its module is already imported (else None)."""
    parts = rules.canonical(dotted, rules.COURSE_ALIASES).split(".")
    for split in range(len(parts), 0, -1):
        value = sys.modules.get(".".join(parts[:split]))
        if value is not None:
            for attribute in parts[split:]:
                value = getattr(value, attribute, None)
            return value
    return None


# --- What a student sees when a check fails or an exercise is still a stub -------------------

NOT_IMPLEMENTED_HINT = "not implemented yet — write your code where it says YOUR CODE HERE"


def _raised_in_notebook(tb: Any) -> str | None:
    """Name of the function that raised (innermost frame of ``tb``) when a notebook cell defined it, else None.

    Cells run in the kernel's ``__main__`` namespace; library code never does. A cell's own
    top-level code is ``<module>``.
    """
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    frame = tb.tb_frame
    return frame.f_code.co_name if frame.f_globals.get("__name__") == "__main__" else None


def failure_message(error: BaseException) -> str | None:
    """The one line a student sees for ``error``, or None when it is not a course failure.

    * an ``AssertionError`` from a checker: its ``[FAIL] ...`` message;
    * a bare ``NotImplementedError()`` raised by an exercise stub in the notebook:
      ``[FAIL] predict: not implemented yet — write your code where it says YOUR CODE HERE``.

    Introduced in 01_linear_regression.
    """
    if isinstance(error, AssertionError) and str(error).startswith("[FAIL]"):
        return str(error)
    if type(error) is NotImplementedError and not error.args:
        function = _raised_in_notebook(error.__traceback__)
        if function is None:
            return None
        where = "" if function == "<module>" else f" {function}:"
        return f"[FAIL]{where} {NOT_IMPLEMENTED_HINT}"
    return None


def _show_course_failure(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    """IPython custom exception handler: one red ``[FAIL]`` line instead of a traceback.

    The cell still fails (an ``error`` output with the exception's name, which nbgrader,
    Validate and the grader count as a failed cell); only the traceback is shortened.
    Any other exception gets IPython's usual traceback.
    """
    message = failure_message(value.with_traceback(tb))
    if message is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # %debug still works
    progress.record_failure_line(message)
    shown = value if str(value) == message else etype(message)
    shell._showtraceback(etype, shown, [f"\x1b[0;31m{message}\x1b[0m"])
    return None


def install_failure_display() -> bool:
    """Make the running IPython kernel show course failures as a single ``[FAIL]`` line.

    Called when this module is imported (every visible test imports it) and by
    ``env.report_environment`` (every setup cell). Does nothing outside IPython, or where
    another custom exception handler is already installed. Returns True when installed.

    Introduced in 01_linear_regression.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    handled = (AssertionError, NotImplementedError)
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    current = tuple(getattr(shell, "custom_exceptions", ()))
    if current not in ((), handled):
        return False
    shell.set_custom_exc(handled, _show_course_failure)
    return True


install_failure_display()
