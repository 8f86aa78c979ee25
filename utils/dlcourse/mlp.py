"""A small fully connected NumPy network with sigmoid hidden layers and a softmax output.

This is the network that 03_backpropagation builds by hand (3 -> 4 -> 4 -> 3), written for any
layer sizes, so that later notebooks can train it on real data as a given tool. Parameters live
in a dict with keys ``W1``, ``b1``, ``W2``, ``b2``, ...; ``W`` has shape (inputs, outputs).

Introduced in 05_optimization.
"""

from __future__ import annotations

import numpy as np

Params = dict[str, np.ndarray]


def init_mlp(layer_sizes: list[int] | tuple[int, ...], rng: np.random.Generator) -> Params:
    """Random weights scaled by 1/sqrt(inputs) and zero biases.

    Args:
        layer_sizes: e.g. (784, 32, 32, 10): inputs, hidden widths, classes.
        rng: the generator that draws the weights.
    Returns:
        dict with W1 (sizes[0], sizes[1]), b1 (sizes[1],), W2, b2, ...

    Introduced in 05_optimization.
    """
    if len(layer_sizes) < 2 or any(int(n) != n or n < 1 for n in layer_sizes):
        raise ValueError(f"layer_sizes must hold at least two positive integers; got {layer_sizes!r}")
    params: Params = {}
    for index, (fan_in, fan_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        params[f"W{index}"] = rng.normal(size=(fan_in, fan_out)) / np.sqrt(fan_in)
        params[f"b{index}"] = np.zeros(fan_out)
    return params


def n_layers(params: Params) -> int:
    """Number of weight layers in a parameter dict (W1, W2, ...)."""
    return sum(1 for name in params if name.startswith("W"))


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, stable for large |z| (exponentiates only -|z|)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Log of the softmax over the last axis, computed without log(0)."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def mlp_forward(x: np.ndarray, params: Params) -> dict[str, np.ndarray]:
    """Forward pass: sigmoid after every layer but the last, softmax at the output.

    Args:
        x: float, shape (N, inputs).
    Returns:
        cache with A0 (= x), A1, ..., A{L-1} (hidden activations), Z{L} (logits, N x classes)
        and Y_hat (class probabilities).
    """
    depth = n_layers(params)
    cache = {"A0": x}
    activation = x
    for index in range(1, depth):
        activation = sigmoid(activation @ params[f"W{index}"] + params[f"b{index}"])
        cache[f"A{index}"] = activation
    logits = activation @ params[f"W{depth}"] + params[f"b{depth}"]
    cache[f"Z{depth}"] = logits
    cache["Y_hat"] = np.exp(log_softmax(logits))
    return cache


def mlp_backward(cache: dict[str, np.ndarray], y: np.ndarray, params: Params) -> Params:
    """Gradients of the mean softmax cross-entropy for every parameter.

    Args:
        cache: what ``mlp_forward`` returned; y: one-hot float, shape (N, classes).
    Returns:
        dict with the same keys and shapes as params.
    """
    depth = n_layers(params)
    delta = (cache["Y_hat"] - y) / len(y)
    grads: Params = {}
    for index in range(depth, 0, -1):
        previous = cache[f"A{index - 1}"]
        grads[f"W{index}"] = previous.T @ delta
        grads[f"b{index}"] = delta.sum(axis=0)
        if index > 1:
            delta = (delta @ params[f"W{index}"].T) * previous * (1 - previous)
    return {name: grads[name] for name in params}


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Mean categorical cross-entropy of softmax(logits) against one-hot y, from the logits."""
    return float(-np.mean(np.sum(y * log_softmax(logits), axis=-1)))


def loss_and_grads(params: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, Params]:
    """Mean cross-entropy on (x, y) and its gradient for every parameter.

    Args:
        x: float, shape (N, inputs); y: one-hot float, shape (N, classes).
    Returns:
        (loss, grads) with grads shaped like params.
    """
    cache = mlp_forward(x, params)
    return cross_entropy(cache[f"Z{n_layers(params)}"], y), mlp_backward(cache, y, params)


def evaluate(params: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Mean cross-entropy and accuracy (fraction correct) on (x, one-hot y)."""
    cache = mlp_forward(x, params)
    loss = cross_entropy(cache[f"Z{n_layers(params)}"], y)
    accuracy = float(np.mean(np.argmax(cache["Y_hat"], axis=1) == np.argmax(y, axis=1)))
    return loss, accuracy
