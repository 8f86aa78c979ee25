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
