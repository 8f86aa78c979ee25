"""dlcourse.data: synthetic data sets."""

import numpy as np
import pytest

from dlcourse import data


def test_linear_data_is_sorted_seeded_and_near_the_line():
    x, y = data.make_linear_data(n_points=200, slope=0.5, intercept=2.0, noise=0.1, seed=1)
    x_again, _ = data.make_linear_data(n_points=200, slope=0.5, intercept=2.0, noise=0.1, seed=1)
    assert x.shape == y.shape == (200,)
    assert np.all(np.diff(x) >= 0)
    np.testing.assert_array_equal(x, x_again)
    slope, intercept = np.polyfit(x, y, 1)
    assert abs(slope - 0.5) < 0.05 and abs(intercept - 2.0) < 0.1


@pytest.mark.parametrize("kwargs, message", [({"n_points": 1}, "n_points"), ({"x_range": (3, 1)}, "x_range")])
def test_linear_data_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.make_linear_data(**kwargs)
