"""dlcourse.plotting: the convolution pictures of 06_convolutions."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("size, kernel, stride, padding, windows", [(7, 3, 2, 1, 4), (6, 3, 2, 0, 2), (5, 5, 1, 2, 5),
                                                                     (3, 6, 1, 0, 0)])
def test_conv_windows_draws_one_bar_per_window_that_fits(size, kernel, stride, padding, windows):
    ax = plotting.plot_conv_windows(size, kernel, stride, padding)
    assert ax.get_title().endswith(f"{windows} output(s)") and ax.get_xlabel() and ax.get_ylabel()
    cells, bars = ax.patches[:size + 2 * padding], ax.patches[size + 2 * padding:]
    assert len(cells) == size + 2 * padding and len(bars) == windows
    assert all(bar.get_x() + bar.get_width() <= size + 2 * padding for bar in bars)


def test_conv_windows_rejects_a_zero_stride():
    with pytest.raises(ValueError, match="stride"):
        plotting.plot_conv_windows(5, 3, 0, 0)


def test_kernel_slide_marks_the_window_of_the_chosen_output():
    image = np.arange(36.0).reshape(6, 6)
    output = np.arange(9.0).reshape(3, 3)
    axes = plotting.plot_kernel_slide(image, np.ones((2, 2)), output, position=5, stride=2, padding=0)
    assert len(axes) == 3 and all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in axes)
    window = axes[0].patches[0]
    assert (window.get_x(), window.get_y()) == (2 * 2 - 0.5, 1 * 2 - 0.5)  # output (1, 2) reads rows 2-3, columns 4-5
    assert "output[1, 2]" in axes[2].get_title()
    shown = axes[2].images[0].get_array()
    assert np.ma.is_masked(shown[2, 0]) and shown[1, 2] == 5.0  # outputs after the window are not drawn yet


def test_kernel_slide_rejects_a_position_past_the_output():
    with pytest.raises(ValueError, match="position"):
        plotting.plot_kernel_slide(np.zeros((4, 4)), np.ones((3, 3)), np.zeros((2, 2)), position=4)


def test_channels_draws_one_panel_per_map_and_hides_the_rest():
    fig = plotting.plot_channels(np.random.default_rng(0).normal(size=(5, 4, 4)), "five maps", n_columns=4,
                                 labels=list("abcde"), symmetric=True)
    axes = fig.axes
    assert fig._suptitle.get_text() == "five maps" and len(axes) == 8
    assert [ax.get_title() for ax in axes[:5]] == list("abcde")
    assert all(len(ax.images) == 1 for ax in axes[:5]) and not any(ax.images for ax in axes[5:])
    low, high = axes[0].images[0].get_clim()
    assert low == -high  # weights: a colour scale centred on zero


def test_channels_rejects_a_single_map():
    with pytest.raises(ValueError, match=r"\(K, H, W\)"):
        plotting.plot_channels(np.zeros((4, 4)), "one map")


def test_channels_can_scale_each_panel_on_its_own():
    maps = np.stack([np.full((3, 3), 0.5), np.full((3, 3), -4.0)])
    fig = plotting.plot_channels(maps, "two scales", n_columns=2, symmetric=True, shared_scale=False)
    assert [ax.images[0].get_clim() for ax in fig.axes] == [(-0.5, 0.5), (-4.0, 4.0)]


def test_channels_accepts_maps_of_different_sizes():
    fig = plotting.plot_channels([np.ones((24, 24)), np.ones((12, 12))], "before and after pooling", n_columns=2)
    assert [ax.images[0].get_array().shape for ax in fig.axes] == [(24, 24), (12, 12)]


def test_channels_panel_size_sets_the_figure_width():
    fig = plotting.plot_channels(np.zeros((4, 3, 3)), "wide panels", n_columns=4, panel_size=2.5)
    assert fig.get_size_inches()[0] == pytest.approx(10.0)
