"""dlcourse.data: the labelled blobs of the math track (02-04)."""

import numpy as np
import pytest

from dlcourse import data


def test_gaussian_blobs_have_one_label_per_row_and_are_seeded():
    x, labels = data.make_gaussian_blobs(n_per_class=30, centers=[[0, 0, 0], [5, 5, 5], [-5, 5, 0]], seed=3)
    x_again, labels_again = data.make_gaussian_blobs(n_per_class=30, centers=[[0, 0, 0], [5, 5, 5], [-5, 5, 0]], seed=3)
    assert x.shape == (90, 3) and labels.shape == (90,)
    assert np.bincount(labels).tolist() == [30, 30, 30]
    np.testing.assert_array_equal(x, x_again)
    np.testing.assert_array_equal(labels, labels_again)


def test_gaussian_blobs_sit_around_their_centers():
    centers = np.array([[-2.0, 0.0], [2.0, 1.0]])
    x, labels = data.make_gaussian_blobs(n_per_class=500, centers=centers, spread=0.1, seed=0)
    for k, center in enumerate(centers):
        np.testing.assert_allclose(x[labels == k].mean(axis=0), center, atol=0.02)


def test_gaussian_blobs_are_interleaved():
    _, labels = data.make_gaussian_blobs(n_per_class=20, seed=1)
    assert 0 < labels[:20].sum() < 20


@pytest.mark.parametrize("kwargs, message", [
    ({"centers": [[0.0, 0.0]]}, "centers"),
    ({"n_per_class": 0}, "n_per_class"),
    ({"spread": 0.0}, "spread"),
])
def test_gaussian_blobs_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.make_gaussian_blobs(**kwargs)
