"""Small synthetic data sets used across the course.

Image data sets (MNIST, Fashion-MNIST) live in ``dlcourse.mnist``.
"""

from __future__ import annotations

import numpy as np


def make_linear_data(
    n_points: int = 20,
    slope: float = 0.5,
    intercept: float = 2.0,
    noise: float = 0.4,
    x_range: tuple[float, float] = (0.0, 5.0),
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Points scattered around the line y = intercept + slope * x.

    Args:
        n_points: how many points, at least 2.
        slope, intercept: the true line.
        noise: standard deviation of the Gaussian noise added to y.
        x_range: x is drawn uniformly from this interval.
        seed: seed of the random generator.

    Returns:
        x, y: float64 arrays of shape (n_points,), sorted by x.

    Introduced in 01_linear_regression.
    """
    if int(n_points) != n_points or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2; got {n_points!r}")
    low, high = x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high; got {x_range!r}")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(low, high, size=int(n_points)))
    y = intercept + slope * x + rng.normal(0.0, noise, size=int(n_points))
    return x, y


def make_gaussian_blobs(
    n_per_class: int = 50,
    centers: np.ndarray | list[list[float]] = ((-1.0, -1.0), (1.0, 1.0)),
    spread: float = 0.7,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Labelled clouds of points, one Gaussian cloud around each center.

    Args:
        n_per_class: points drawn around each center, at least 1.
        centers: float array-like, shape (K, D): one row per class.
        spread: standard deviation of every cloud, in every direction.
        seed: seed of the random generator.

    Returns:
        x: float64, shape (K * n_per_class, D); labels: int64, shape (K * n_per_class,)
        with values 0..K-1. The rows are shuffled so classes are interleaved.

    Introduced in 02_logistic_regression.
    """
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or len(centers) < 2:
        raise ValueError(f"centers must have shape (K, D) with K >= 2; got shape {centers.shape}")
    if int(n_per_class) != n_per_class or n_per_class < 1:
        raise ValueError(f"n_per_class must be an integer >= 1; got {n_per_class!r}")
    if not spread > 0:
        raise ValueError(f"spread must be positive; got {spread!r}")
    rng = np.random.default_rng(seed)
    n = int(n_per_class)
    x = np.concatenate([c + spread * rng.normal(size=(n, centers.shape[1])) for c in centers])
    labels = np.repeat(np.arange(len(centers)), n)
    order = rng.permutation(len(labels))
    return x[order], labels[order]
