"""dlcourse.training: loops that take any optimiser step function."""

import numpy as np
import pytest

from dlcourse import mlp, training


def sgd(params, grads, state, lr):
    return {name: params[name] - lr * grads[name] for name in params}, state


def test_zeros_like_params_makes_fresh_float_buffers():
    params = {"W": np.ones((2, 3), dtype=int), "b": np.ones(3)}
    zeros = training.zeros_like_params(params)
    assert {k: v.shape for k, v in zeros.items()} == {"W": (2, 3), "b": (3,)}
    assert zeros["W"].dtype == float and not zeros["W"].any()
    assert zeros["b"] is not params["b"]


def test_minibatch_indices_cover_every_example_once_with_a_short_last_batch():
    batches = training.minibatch_indices(10, 4, np.random.default_rng(0))
    assert [len(b) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(10))
    np.testing.assert_array_equal(np.concatenate(batches), np.random.default_rng(0).permutation(10))


def test_minibatch_indices_rejects_an_empty_batch():
    with pytest.raises(ValueError, match="batch_size"):
        training.minibatch_indices(10, 0, np.random.default_rng(0))


def test_run_steps_keeps_the_start_and_every_step():
    history, losses = training.run_steps(sgd, {"x": np.array([4.0])}, None, lambda p: {"x": 2 * p["x"]},
                                         lambda p: float(p["x"][0] ** 2), 3, lr=0.25)
    np.testing.assert_allclose([p["x"][0] for p in history], [4.0, 2.0, 1.0, 0.5])
    np.testing.assert_allclose(losses, [16.0, 4.0, 1.0, 0.25])


def test_epoch_runner_keeps_the_optimiser_state_between_calls():
    seen_states = []

    def recording_sgd(params, grads, state, lr):
        seen_states.append(state)
        return sgd(params, grads, state, lr)[0], state + 1

    x, y = np.zeros((10, 2)), np.eye(2)[np.zeros(10, dtype=int)]
    zero_grads = lambda p, xb, yb: (0.0, {k: np.zeros_like(v) for k, v in p.items()})  # noqa: E731
    runner = training.make_epoch_runner(recording_sgd, 0, x, y, 4, np.random.default_rng(0), zero_grads, lr=0.1)
    runner(runner({"W": np.ones(2)}))
    assert seen_states == [0, 1, 2, 3, 4, 5]  # 3 batches per epoch, counted across both calls


def test_train_epochs_measures_every_split_and_lowers_the_training_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4))
    y = np.eye(3)[np.argmax(x[:, :3], axis=1)]
    params = mlp.init_mlp([4, 8, 3], rng)
    rates = []

    def schedule(epoch):
        rates.append(epoch)
        return 1.0 / (1 + epoch)

    _, history = training.train_epochs(params, None, sgd, {"train": (x[:40], y[:40]), "val": (x[40:], y[40:])}, 5, 8,
                                       np.random.default_rng(1), mlp.loss_and_grads, mlp.evaluate, schedule=schedule)
    assert set(history) == {"train_loss", "train_accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 6 for values in history.values())
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert rates == [0, 1, 2, 3, 4]
