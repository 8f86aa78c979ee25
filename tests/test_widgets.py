"""dlcourse.widgets: sliders where a front end draws them, a static plot elsewhere."""

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402

from dlcourse import widgets  # noqa: E402


def test_fast_mode_falls_back_to_one_static_plot(monkeypatch, capsys):
    monkeypatch.setenv("DLCOURSE_FAST", "1")
    calls = []
    assert widgets.explore(lambda a, b: calls.append((a, b)), a=(0.0, 1.0, 0.1, 0.3), b=(1, 5, 1, 2)) is None
    assert calls == [(0.3, 2)]
    assert "static plot" in capsys.readouterr().out


def test_widgets_are_unavailable_outside_a_kernel(monkeypatch):
    monkeypatch.setenv("DLCOURSE_FAST", "0")
    assert widgets.widgets_available() is False


def test_a_start_value_outside_the_range_is_rejected():
    with pytest.raises(ValueError, match="min <= value <= max"):
        widgets.explore(lambda a: None, a=(0.0, 1.0, 0.1, 2.0))


def test_sliders_are_built_with_the_right_kind():
    float_slider = widgets._make_control("a", (0.0, 1.0, 0.1, 0.5))
    int_slider = widgets._make_control("n", (1, 10, 1, 3))
    assert type(float_slider).__name__ == "FloatSlider" and float_slider.value == 0.5
    assert type(int_slider).__name__ == "IntSlider" and int_slider.value == 3


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_explore_shows_its_panel_once_in_a_live_kernel_in_full_mode(monkeypatch, tmp_path):
    """Full mode, widgets active: a cell that ends with explore(...) shows one panel, not two."""
    import nbformat
    from tests.notebook_client import ShortPollClient

    monkeypatch.setenv("DLCOURSE_FAST", "0")
    cell = nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\nfrom dlcourse import widgets\n\n"
        "def draw(slope, n):\n    plt.plot([0, n], [0, slope * n])\n    plt.title('line')\n\n"
        "widgets.explore(draw, slope=(-1.0, 1.0, 0.1, 0.5), n=(1, 5, 1, 2))")
    notebook = nbformat.v4.new_notebook(cells=[cell])
    ShortPollClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    views = [o for o in cell.outputs if WIDGET_VIEW in o.get("data", {})]
    assert len(views) == 1, cell.outputs
    assert not any(o.get("name") == "stderr" or o["output_type"] == "error" for o in cell.outputs), cell.outputs
    assert [o["data"]["text/markdown"] for o in cell.outputs if "text/markdown" in o.get("data", {})] == [
        widgets.RERUN_NOTE], "after a restart the panel is gone: the note under it says how to get it back"


def _widget_outputs(notebook) -> list[dict]:
    """Outputs captured by Output widgets (where ipywidgets shows what a slider's callback prints)."""
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return [output for model in state.values() for output in model.get("state", {}).get("outputs", [])]


def test_a_stub_called_from_a_slider_fails_in_one_line_as_everywhere_else(monkeypatch, tmp_path):
    import nbformat
    from tests.notebook_client import ShortPollClient

    monkeypatch.setenv("DLCOURSE_FAST", "0")
    cells = [
        'def predict(x):\n    """A stub, as in a release notebook."""\n    # YOUR CODE HERE\n    raise NotImplementedError()',
        "from dlcourse import widgets\n\ndef draw(x):\n    predict(x)\n\nwidgets.explore(draw, x=(0.0, 1.0, 0.1, 0.5))",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    ShortPollClient(notebook, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = _widget_outputs(notebook)
    assert [o.get("text") for o in shown] == [
        "[FAIL] predict: not implemented yet — write your code where it says YOUR CODE HERE\n"], shown
    assert not any(o["output_type"] == "error" for o in notebook.cells[1].outputs)


def test_other_errors_in_a_slider_keep_their_traceback():
    def draw(x):
        raise ZeroDivisionError("a real bug")

    with pytest.raises(ZeroDivisionError):
        widgets._failing_in_one_line(draw)(x=1.0)
