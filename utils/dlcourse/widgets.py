"""Interactive controls that degrade to a static plot where widgets cannot render.

Widgets need a live kernel and a front end that draws them (JupyterLab, Colab).
In fast mode (CI), or where ipywidgets is missing, ``explore`` draws the plot
once with the default values instead.

Introduced in 01_linear_regression.
"""

from __future__ import annotations

import functools
import importlib.util
from typing import Any, Callable

from dlcourse import env, progress
from dlcourse.checks import failure_message

Slider = tuple[float, float, float, float]  # (min, max, step, start value)


def widgets_available() -> bool:
    """True when ipywidgets is installed and a kernel with a front end is running."""
    if env.is_fast_mode() or importlib.util.find_spec("ipywidgets") is None:
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _make_control(name: str, spec: Slider | tuple[int, int, int, int]) -> Any:
    """An IntSlider when every number is an int, a FloatSlider otherwise."""
    import ipywidgets

    if len(spec) != 4:
        raise ValueError(f"control {name!r} needs (min, max, step, value); got {spec!r}")
    low, high, step, value = spec
    kind = ipywidgets.IntSlider if all(isinstance(v, int) for v in spec) else ipywidgets.FloatSlider
    return kind(min=low, max=high, step=step, value=value, description=name, continuous_update=False)


def explore(draw: Callable[..., Any], **controls: Slider) -> None:
    """Call ``draw(**values)`` from sliders, or once with the start values where widgets cannot render.

    Args:
        draw: a function that makes one plot from keyword arguments.
        **controls: for each keyword of ``draw``, a tuple (min, max, step, start value).

    Returns None: the panel is displayed here, so a cell that ends with ``explore(...)``
    shows it once (returning it would make Jupyter show it a second time).
    Works with ipywidgets 7.7 (what Colab ships) and 8.
    """
    for name, spec in controls.items():
        if len(spec) != 4 or not spec[0] <= spec[3] <= spec[1]:
            raise ValueError(f"control {name!r} needs (min, max, step, value) with min <= value <= max; got {spec!r}")
    if not widgets_available():
        import matplotlib.pyplot as plt

        draw(**{name: spec[3] for name, spec in controls.items()})
        plt.show()
        print("(static plot: run the notebook in JupyterLab or Colab to move the sliders)")
        return None
    import ipywidgets
    from IPython.display import Markdown, display

    panel = ipywidgets.interactive(_failing_in_one_line(draw),
                                   **{name: _make_control(name, spec) for name, spec in controls.items()})
    display(panel)
    # A panel lives only as long as its kernel: after a restart the front end can only say
    # "model not found", so the way back is written under it.
    display(Markdown(RERUN_NOTE))
    return None


RERUN_NOTE = "*No sliders above, or \"Error displaying widget\"? Run this cell again: sliders live only while the kernel runs.*"


def _failing_in_one_line(draw: Callable[..., Any]) -> Callable[..., Any]:
    """``draw``, printing a course failure (``[FAIL] ...``, an unwritten exercise) as its one line.

    ipywidgets shows a full traceback for anything a slider's callback raises; a check that fails
    there should read as it does everywhere else. Other errors keep their traceback.
    """

    @functools.wraps(draw)
    def run(**values: Any) -> Any:
        try:
            return draw(**values)
        except (AssertionError, NotImplementedError) as error:
            message = failure_message(error)
            if message is None:
                raise
            progress.record_failure_line(message)
            print(message)
            return None

    return run
