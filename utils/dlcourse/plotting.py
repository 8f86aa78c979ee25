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


def _label_curves(ax: Axes, title: str, xlabel: str, ylabel: str, log_scale: bool) -> Axes:
    """Finish a plot of labelled curves: optional log y-axis, title, axis labels and legend."""
    if log_scale:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


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
    return _label_curves(ax, title, xlabel, ylabel, log_scale)


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


def plot_optimizer_paths(
    loss: Callable[[np.ndarray], float],
    xs: np.ndarray,
    ys: np.ndarray,
    paths: Mapping[str, np.ndarray],
    ax: Axes | None = None,
    title: str = "Optimiser paths on the loss surface",
    xlabel: str = "θ1",
    ylabel: str = "θ2",
    minimum: Sequence[float] | None = None,
) -> Axes:
    """Contour lines of a 2-D loss with one coloured path per optimiser.

    Args:
        loss: maps a float array of shape (2,) to a float.
        xs, ys: 1-D grids for the first and the second coordinate.
        paths: name -> float array of shape (K, 2), the points an optimiser visited, start first.
        minimum: where to draw a star, e.g. the exact minimiser.

    Introduced in 05_optimization.
    """
    ax = _axes(ax, figsize=(7, 5))
    values = np.array([[loss(np.array([a, b])) for a in xs] for b in ys])
    low = values.min()
    levels = low + np.geomspace(max(values.max() - low, 1e-12) * 1e-4, values.max() - low, 18)
    ax.contour(xs, ys, values, levels=levels, colors="0.7", linewidths=0.8)
    for (label, path), color in zip(paths.items(), plt.cm.tab10(np.arange(len(paths)))):
        path = np.asarray(path, dtype=float)
        inside = np.all(np.isfinite(path), axis=1)
        ax.plot(path[inside, 0], path[inside, 1], ".-", color=color, markersize=3, linewidth=1.2, label=label)
    if paths:
        first = np.asarray(next(iter(paths.values())), dtype=float)[0]
        ax.plot(first[0], first[1], "ko", label="start")
    if minimum is not None:
        ax.plot(minimum[0], minimum[1], "k*", markersize=12, label="minimum")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_capacity_curves(
    capacities: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    title: str = "Error against model capacity",
    xlabel: str = "capacity",
    ylabel: str = "error",
    best: float | None = None,
    log_scale: bool = True,
) -> Axes:
    """Training and held-out errors (one line each) against a capacity such as degree or width.

    Args:
        capacities: the x values, one per model.
        curves: name -> one error per model, e.g. {"training": ..., "validation": ...}.
        best: a capacity to mark with a dashed vertical line (the one chosen on validation data).

    Introduced in 05_optimization.
    """
    ax = _axes(ax)
    for label, values in curves.items():
        ax.plot(capacities, values, "o-", label=label)
    if best is not None:
        ax.axvline(best, color="0.4", linestyle="--", label=f"chosen: {best:g}")
    return _label_curves(ax, title, xlabel, ylabel, log_scale)


def plot_conv_windows(size: int, kernel: int, stride: int, padding: int, ax: Axes | None = None) -> Axes:
    """One axis of a convolution: the padded input as a row of cells, each kernel window as a bar below it.

    Windows start at 0, stride, 2 * stride, ... of the padded row and are drawn while they fit
    inside it, so the number of bars is the output size along this axis.

    Args:
        size: input pixels along the axis; kernel: window width; stride: step between windows;
        padding: zeros added at each end.
    Returns:
        The axes drawn on.

    Introduced in 06_convolutions.
    """
    if min(size, kernel, stride) < 1 or padding < 0:
        raise ValueError(f"need size, kernel, stride >= 1 and padding >= 0; got {size}, {kernel}, {stride}, {padding}")
    total = size + 2 * padding
    starts = list(range(0, total - kernel + 1, stride))
    ax = _axes(ax, figsize=(max(6.0, 0.45 * total + 1.5), 1.6 + 0.32 * max(len(starts), 1)))
    for cell in range(total):
        is_pad = cell < padding or cell >= padding + size
        ax.add_patch(plt.Rectangle((cell, 0), 1, 1, facecolor="white" if is_pad else "lightsteelblue",
                                   edgecolor="grey", hatch="//" if is_pad else None))
        ax.text(cell + 0.5, 0.5, "0" if is_pad else str(cell - padding), ha="center", va="center", fontsize=8)
    colors = plt.cm.viridis(np.linspace(0.1, 0.9, max(len(starts), 1)))
    for row, (start, color) in enumerate(zip(starts, colors)):
        ax.add_patch(plt.Rectangle((start + 0.05, -1.0 - 0.8 * row), kernel - 0.1, 0.6, color=color))
        ax.text(start + kernel / 2, -0.7 - 0.8 * row, f"output {row}", ha="center", va="center", fontsize=7, color="white")
    ax.set_xlim(-0.5, total + 0.5)
    ax.set_ylim(-1.2 - 0.8 * max(len(starts), 1), 1.3)
    ax.set_yticks([])
    ax.set_title(f"size {size}, kernel {kernel}, stride {stride}, padding {padding}: {len(starts)} output(s)")
    ax.set_xlabel("position in the padded input (hatched cells are zero padding)")
    ax.set_ylabel("windows")
    return ax


def plot_kernel_slide(image: np.ndarray, kernel: np.ndarray, output: np.ndarray, position: int,
                      stride: int = 1, padding: int = 0) -> np.ndarray:
    """Three panels: the (padded) image with one kernel window, the kernel, and the output filled up to that window.

    Args:
        image: float array (H, W); kernel: float array (kh, kw);
        output: float array (H_out, W_out), the cross-correlation of ``image`` with ``kernel``.
        position: which output pixel to show, counted row by row from 0.
        stride, padding: the ones ``output`` was computed with.
    Returns:
        The array of three axes.

    Introduced in 06_convolutions.
    """
    output = np.asarray(output, dtype=float)
    out_h, out_w = output.shape
    if not 0 <= position < out_h * out_w:
        raise ValueError(f"position must be in [0, {out_h * out_w}); got {position}")
    row, col = divmod(int(position), out_w)
    padded = np.pad(np.asarray(image, dtype=float), padding)
    kernel_h, kernel_w = np.shape(kernel)
    fig, axes = plt.subplots(1, 3, figsize=(12, 4), gridspec_kw={"width_ratios": [1.2, 0.8, 1.2]})
    axes[0].imshow(padded, cmap="gray_r")
    axes[0].add_patch(plt.Rectangle((col * stride - 0.5, row * stride - 0.5), kernel_w, kernel_h,
                                    fill=False, edgecolor="red", linewidth=2))
    axes[0].set_title(f"input ({padding} pixel(s) of zero padding), window at row {row * stride}, column {col * stride}",
                      fontsize=9)
    limit = float(np.max(np.abs(kernel))) or 1.0
    axes[1].imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for (u, v), value in np.ndenumerate(kernel):
        axes[1].text(v, u, f"{value:.2g}", ha="center", va="center", fontsize=9,
                     color="white" if abs(value) > limit / 2 else "black")
    axes[1].set_xticks(range(kernel_w))
    axes[1].set_yticks(range(kernel_h))
    axes[1].set_title("kernel (weights)")
    shown = np.full(output.shape, np.nan)
    shown.flat[: position + 1] = output.flat[: position + 1]
    axes[2].imshow(shown, cmap="RdBu_r", vmin=-np.max(np.abs(output)), vmax=np.max(np.abs(output)))
    axes[2].add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2))
    axes[2].set_title(f"output[{row}, {col}] = sum(window * kernel) = {output[row, col]:.3g}", fontsize=9)
    for ax in axes:
        ax.set_xlabel("column")
        ax.set_ylabel("row")
    fig.tight_layout()
    return axes


def plot_channels(maps: np.ndarray | Sequence[np.ndarray], title: str, n_columns: int = 8,
                  labels: Sequence[str] | None = None, symmetric: bool = False,
                  shared_scale: bool = True, panel_size: float = 1.4) -> plt.Figure:
    """A grid of 2-D maps such as filters (F, kh, kw) or feature maps (C, H, W), one panel each.

    Args:
        maps: float array (K, H, W), or a sequence of K 2-D arrays whose sizes may differ.
        title: the figure's title.
        labels: a title per panel; "0", "1", ... when None.
        symmetric: a red-blue colour scale centred on 0 (for weights), else grey from each map's
            lowest to its highest value.
        shared_scale: with ``symmetric``, one scale for all panels (so weights compare across filters);
            False gives each panel its own.
        panel_size: width of one panel in inches.
    Returns:
        The figure.

    Introduced in 06_convolutions.
    """
    maps = [np.asarray(m, dtype=float) for m in maps]
    if not maps or any(m.ndim != 2 for m in maps):
        raise ValueError(f"plot_channels expects maps of shape (K, H, W) or a list of 2-D arrays; "
                         f"got shapes {[m.shape for m in maps]}")
    n_rows = -(-len(maps) // n_columns)
    fig, axes = plt.subplots(n_rows, n_columns, figsize=(panel_size * n_columns, 1.1 * panel_size * n_rows + 0.5),
                             squeeze=False)
    limit = max(float(np.max(np.abs(m))) for m in maps) or 1.0
    for index, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if index >= len(maps):
            ax.axis("off")
            continue
        if symmetric:
            own = limit if shared_scale else (float(np.max(np.abs(maps[index]))) or 1.0)
            ax.imshow(maps[index], cmap="RdBu_r", vmin=-own, vmax=own)
        else:
            ax.imshow(maps[index], cmap="gray_r")
        ax.set_title(labels[index] if labels is not None else str(index), fontsize=8)
    axes[-1, 0].set_xlabel("column", fontsize=7)
    axes[-1, 0].set_ylabel("row", fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
