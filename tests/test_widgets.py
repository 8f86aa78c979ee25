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
    from nbclient import NotebookClient

    monkeypatch.setenv("DLCOURSE_FAST", "0")
    cell = nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\nfrom dlcourse import widgets\n\n"
        "def draw(slope, n):\n    plt.plot([0, n], [0, slope * n])\n    plt.title('line')\n\n"
        "widgets.explore(draw, slope=(-1.0, 1.0, 0.1, 0.5), n=(1, 5, 1, 2))")
    notebook = nbformat.v4.new_notebook(cells=[cell])
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    views = [o for o in cell.outputs if WIDGET_VIEW in o.get("data", {})]
    assert len(views) == 1, cell.outputs
    assert not any(o.get("name") == "stderr" or o["output_type"] == "error" for o in cell.outputs), cell.outputs
