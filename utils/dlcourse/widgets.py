"""Interactive controls that degrade to a static plot where widgets cannot render.

Widgets need a live kernel and a front end that draws them (JupyterLab, Colab).
In fast mode (CI), or where ipywidgets is missing, ``explore`` draws the plot
once with the default values instead.

Introduced in 01_linear_regression.
"""

from __future__ import annotations

import importlib.util
from typing import Any, Callable

from dlcourse import env

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
    from IPython.display import display

    panel = ipywidgets.interactive(draw, **{name: _make_control(name, spec) for name, spec in controls.items()})
    display(panel)
    return None
