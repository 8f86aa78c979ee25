"""dlcourse.plotting: every plot is titled and labelled."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import plotting  # noqa: E402

X = np.linspace(0, 4, 10)
Y = 1 + 0.5 * X


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def assert_labelled(ax):
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_line_fit_draws_one_square_per_point():
    ax = plotting.plot_line_fit(X, Y + 1, (1.0, 0.5), show_squares=True)
    assert_labelled(ax)
    assert len(ax.patches) == len(X)
    # the residual is 1 everywhere, so every square has side 1
    assert all(abs(p.get_width() - 1) < 1e-12 and abs(p.get_height() - 1) < 1e-12 for p in ax.patches)


def test_fit_snapshots_draw_one_line_per_epoch():
    history = np.array([[0.0, 0.0], [0.5, 0.2], [1.0, 0.5]])
    ax = plotting.plot_fit_snapshots(X, Y, history, epochs=[0, 2])
    assert_labelled(ax)
    assert len(ax.get_lines()) == 2


def test_loss_surface_draws_the_path():
    path = np.array([[0.0, 0.0], [0.5, 0.3], [1.0, 0.5]])
    ax = plotting.plot_loss_surface(lambda p: float(np.sum((p[0] + p[1] * X - Y) ** 2)),
                                    np.linspace(-1, 2, 15), np.linspace(-1, 1, 15), path=path)
    assert_labelled(ax)
    np.testing.assert_array_equal(ax.get_lines()[0].get_xydata(), path)


def test_losses_drop_non_finite_values():
    ax = plotting.plot_losses({"ok": [3.0, 2.0, 1.0], "diverging": [1.0, 10.0, np.inf, np.nan]})
    assert_labelled(ax)
    assert len(ax.get_lines()[1].get_xdata()) == 2
    assert ax.get_yscale() == "log"


def test_optimizer_paths_draw_one_line_per_path_and_skip_diverged_points():
    paths = {"a": np.array([[0.0, 0.0], [1.0, 1.0]]), "b": np.array([[0.0, 0.0], [np.inf, np.nan], [0.5, 0.2]])}
    ax = plotting.plot_optimizer_paths(lambda t: float(t @ t), np.linspace(-1, 1, 9), np.linspace(-1, 1, 7), paths,
                                       minimum=(0.0, 0.0))
    assert_labelled(ax)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["a", "b"] and "start" in labels and "minimum" in labels
    assert len(ax.get_lines()[1].get_xdata()) == 2


def test_capacity_curves_mark_the_chosen_capacity():
    ax = plotting.plot_capacity_curves([1, 2, 3], {"training": [3, 2, 1], "validation": [3, 1, 2]}, best=2)
    assert_labelled(ax)
    assert [line.get_label() for line in ax.get_lines()] == ["training", "validation", "chosen: 2"]
