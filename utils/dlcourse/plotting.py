"""Titled, labelled plots shared by the notebooks.

Every function draws on a given matplotlib ``Axes`` (or a new one) and returns it,
so a notebook can place plots side by side.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6, 4)) -> Axes:
    """Return ``ax``, or the axes of a new figure when it is None."""
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


def plot_line_fit(
    x: np.ndarray,
    y: np.ndarray,
    phi: Sequence[float],
    ax: Axes | None = None,
    title: str = "Data and fitted line",
    show_squares: bool = False,
) -> Axes:
    """Scatter (x, y) and draw the line y = phi[0] + phi[1] * x.

    Args:
        x, y: float arrays of shape (N,).
        phi: (intercept, slope).
        show_squares: shade each point's squared error as a square whose side is the residual.

    Introduced in 01_linear_regression.
    """
    ax = _axes(ax)
    intercept, slope = float(phi[0]), float(phi[1])
    grid = np.linspace(np.min(x), np.max(x), 100)
    ax.scatter(x, y, color="tab:blue", zorder=3, label="data")
    ax.plot(grid, intercept + slope * grid, color="tab:red", label=f"y = {intercept:.2f} + {slope:.2f}x")
    if show_squares:
        predictions = intercept + slope * x
        for xi, yi, yhat in zip(x, y, predictions):
            side = abs(yi - yhat)  # the residual is the side of the square
            ax.add_patch(plt.Rectangle((xi, min(yi, yhat)), side, side, alpha=0.25, color="tab:orange"))
        ax.set_aspect("equal", adjustable="datalim")
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left")
    return ax


def plot_fit_snapshots(
    x: np.ndarray,
    y: np.ndarray,
    phi_history: np.ndarray,
    epochs: Sequence[int],
    ax: Axes | None = None,
    title: str = "The fitted line across epochs",
) -> Axes:
    """Draw the line at several epochs of training, fading from light (early) to dark (late).

    Args:
        phi_history: shape (n_epochs + 1, 2), row k holds (intercept, slope) after k epochs.
        epochs: which rows to draw.
    """
    ax = _axes(ax)
    ax.scatter(x, y, color="tab:blue", zorder=3, label="data")
    grid = np.linspace(np.min(x), np.max(x), 100)
    colors = plt.cm.Reds(np.linspace(0.3, 1.0, len(epochs)))
    for color, epoch in zip(colors, epochs):
        intercept, slope = phi_history[epoch]
        ax.plot(grid, intercept + slope * grid, color=color, label=f"epoch {epoch}")
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_loss_surface(
    loss: Callable[[np.ndarray], float],
    intercepts: np.ndarray,
    slopes: np.ndarray,
    path: np.ndarray | None = None,
    ax: Axes | None = None,
    title: str = "Loss surface and the descent path",
) -> Axes:
    """Contour plot of loss(phi) over a grid of (intercept, slope), with an optional path.

    Args:
        loss: maps phi = (intercept, slope) to a float.
        intercepts, slopes: 1-D grids for phi[0] and phi[1].
        path: shape (K, 2), the parameters visited by an optimiser.
    """
    ax = _axes(ax)
    values = np.array([[loss(np.array([b, m])) for b in intercepts] for m in slopes])
    levels = np.geomspace(max(values.min(), 1e-3), values.max(), 25)
    contours = ax.contourf(intercepts, slopes, values, levels=levels, cmap="viridis", norm="log")
    plt.colorbar(contours, ax=ax, label="loss L[φ] (log scale)", format="%.3g")
    if path is not None:
        ax.plot(path[:, 0], path[:, 1], "w.-", markersize=3, label="gradient descent")
        ax.plot(path[0, 0], path[0, 1], "wo", label="start")
        ax.plot(path[-1, 0], path[-1, 1], "r*", markersize=12, label="end")
        ax.legend(loc="upper right")
    ax.set_title(title)
    ax.set_xlabel("intercept φ0")
    ax.set_ylabel("slope φ1")
    return ax


def plot_losses(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    title: str = "Training loss",
    xlabel: str = "epoch",
    ylabel: str = "loss",
    log_scale: bool = True,
) -> Axes:
    """One line per named loss curve, on a log scale by default.

    Non-finite values (a diverging run) are dropped so the rest still shows.
    """
    ax = _axes(ax)
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        steps = np.arange(len(values))
        keep = np.isfinite(values)
        ax.plot(steps[keep], values[keep], label=label)
    if log_scale:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_decision_boundary(
    x: np.ndarray,
    labels: np.ndarray,
    predict_proba: Callable[[np.ndarray], np.ndarray],
    ax: Axes | None = None,
    title: str = "Decision boundary",
    grid_size: int = 150,
    margin: float = 0.5,
) -> Axes:
    """Shade a binary classifier's probability over the plane and draw its 0.5 contour.

    Args:
        x: float array, shape (N, 2), the points to scatter.
        labels: int array, shape (N,), values 0 or 1.
        predict_proba: maps an array of shape (M, 2) to the probability of class 1, shape (M,).
            A hard classifier that returns 0 or 1 works too.
        grid_size: number of grid points along each axis.
        margin: how far the grid reaches beyond the data on every side.

    Returns:
        The axes drawn on.

    Introduced in 02_logistic_regression.
    """
    ax = _axes(ax)
    x = np.asarray(x, dtype=float)
    labels = np.asarray(labels)
    x0 = np.linspace(x[:, 0].min() - margin, x[:, 0].max() + margin, grid_size)
    x1 = np.linspace(x[:, 1].min() - margin, x[:, 1].max() + margin, grid_size)
    grid0, grid1 = np.meshgrid(x0, x1)
    probs = np.asarray(predict_proba(np.column_stack([grid0.ravel(), grid1.ravel()])), dtype=float)
    probs = probs.reshape(grid0.shape)
    filled = ax.contourf(grid0, grid1, probs, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    plt.colorbar(filled, ax=ax, label="P(class 1)")
    if probs.min() < 0.5 < probs.max():
        ax.contour(grid0, grid1, probs, levels=[0.5], colors="k", linewidths=2)
    for value, color in ((0, "tab:blue"), (1, "tab:red")):
        chosen = labels == value
        ax.scatter(x[chosen, 0], x[chosen, 1], color=color, edgecolor="k", s=25, label=f"class {value}")
    ax.set_xlim(x0[0], x0[-1])
    ax.set_ylim(x1[0], x1[-1])
    ax.set_title(title)
    ax.set_xlabel("feature $x_1$")
    ax.set_ylabel("feature $x_2$")
    ax.legend(loc="upper left")
    return ax


def plot_image_grid(
    images: np.ndarray,
    labels: Sequence[int],
    class_names: Sequence[str] | None = None,
    n_columns: int = 8,
    title: str = "Sample images",
) -> plt.Figure:
    """Grey images in a grid, each titled with its label (or class name).

    Args:
        images: shape (N, H, W), any numeric type; N images are drawn.
        labels: N integer labels.
        class_names: names indexed by label; the label itself when None.

    Introduced in 07_keras_vs_pytorch.
    """
    n_rows = -(-len(images) // n_columns)
    fig, axes = plt.subplots(n_rows, n_columns, figsize=(1.3 * n_columns, 1.5 * n_rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, label in zip(axes.ravel(), images, labels):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(class_names[int(label)] if class_names is not None else str(int(label)), fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_framework_comparison(summary: Mapping[str, Mapping], title: str = "Frameworks side by side") -> np.ndarray:
    """Three bar charts with mean ± std error bars: test accuracy, training time, peak host memory.

    Args:
        summary: ``dlcourse.bench.summarize`` output, {backend: {label, accuracy, seconds, peak_rss_mb, ...}}
            where each measurement is a (mean, std) pair.
    Returns:
        The array of three axes.

    Introduced in 07_keras_vs_pytorch.
    """
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    items = list(summary.values())
    names = [item["label"] for item in items]
    panels = [("accuracy", 100.0, "test accuracy (%)"), ("seconds", 1.0, "training time (s)"),
              ("peak_rss_mb", 1.0, "peak host memory (MiB)")]
    colors = plt.cm.tab10(np.arange(len(items)))
    for ax, (key, scale, label) in zip(axes, panels):
        means = [scale * item[key][0] for item in items]
        stds = [scale * item[key][1] for item in items]
        ax.bar(names, means, yerr=stds, capsize=6, color=colors)
        for x_position, value in enumerate(means):
            ax.annotate(f"{value:.1f}", (x_position, value), ha="center", va="bottom", fontsize=9,
                        xytext=(0, 3), textcoords="offset points")
        ax.set_ylabel(label)
        ax.set_title(label[0].upper() + label[1:])
    fig.suptitle(title)
    fig.tight_layout()
    return axes
