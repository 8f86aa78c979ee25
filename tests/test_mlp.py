"""dlcourse.mlp: the sigmoid/softmax network of 03_backpropagation for any layer sizes."""

import numpy as np
import pytest

from dlcourse import gradcheck, mlp


def small_problem(sizes=(5, 4, 3, 3), n=6, seed=0):
    rng = np.random.default_rng(seed)
    params = mlp.init_mlp(sizes, rng)
    params = {name: value + 0.1 * rng.normal(size=value.shape) for name, value in params.items()}
    x = rng.normal(size=(n, sizes[0]))
    y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]
    return params, x, y


def test_init_gives_weights_of_shape_inputs_by_outputs_and_zero_biases():
    params = mlp.init_mlp([784, 32, 10], np.random.default_rng(0))
    assert {name: value.shape for name, value in params.items()} == {
        "W1": (784, 32), "b1": (32,), "W2": (32, 10), "b2": (10,)}
    assert not params["b1"].any()
    assert abs(params["W1"].std() * np.sqrt(784) - 1) < 0.05


def test_init_rejects_a_single_layer_size():
    with pytest.raises(ValueError, match="at least two"):
        mlp.init_mlp([3], np.random.default_rng(0))


@pytest.mark.parametrize("sizes", [(5, 3), (5, 4, 3), (5, 4, 4, 3)])
def test_backward_matches_central_differences(sizes):
    params, x, y = small_problem(sizes)
    _, grads = mlp.loss_and_grads(params, x, y)
    for name in params:
        def loss_of(value, name=name):
            return mlp.loss_and_grads(dict(params, **{name: value}), x, y)[0]
        assert gradcheck.rel_error(grads[name], gradcheck.numeric_grad(loss_of, params[name])) < 1e-6, name


def test_forward_probabilities_sum_to_one_and_survive_huge_logits():
    params, x, _ = small_problem()
    params["W3"] = params["W3"] * 1e4
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        probs = mlp.mlp_forward(x, params)["Y_hat"]
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def test_evaluate_reports_the_cross_entropy_and_the_fraction_correct():
    params, x, y = small_problem()
    loss, accuracy = mlp.evaluate(params, x, y)
    probs = mlp.mlp_forward(x, params)["Y_hat"]
    assert loss == pytest.approx(-np.mean(np.log(np.sum(probs * y, axis=1))))
    assert accuracy == pytest.approx(np.mean(probs.argmax(1) == y.argmax(1)))


def test_sigmoid_is_stable_for_huge_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = mlp.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 0.5, 1.0])
