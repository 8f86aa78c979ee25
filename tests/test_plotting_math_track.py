"""dlcourse.plotting: the decision-boundary plot of the math track (02-04)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import plotting  # noqa: E402

X = np.array([[-1.0, -1.0], [-0.5, 0.0], [1.0, 0.5], [0.5, 1.5]])
LABELS = np.array([0, 0, 1, 1])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_decision_boundary_is_titled_labelled_and_scatters_both_classes():
    ax = plotting.plot_decision_boundary(X, LABELS, lambda g: 1 / (1 + np.exp(-(g[:, 0] + g[:, 1]))),
                                         title="boundary", grid_size=20)
    assert ax.get_title() == "boundary" and ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.collections) >= 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]


def test_decision_boundary_grid_covers_the_data_with_margin():
    ax = plotting.plot_decision_boundary(X, LABELS, lambda g: (g[:, 0] > 0).astype(float), grid_size=10, margin=1.0)
    assert ax.get_xlim() == pytest.approx((-2.0, 2.0))
    assert ax.get_ylim() == pytest.approx((-2.0, 2.5))


def test_decision_boundary_accepts_a_constant_classifier():
    ax = plotting.plot_decision_boundary(X, LABELS, lambda g: np.zeros(len(g)), grid_size=10)
    assert ax.get_title()
