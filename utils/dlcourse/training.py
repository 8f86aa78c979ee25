"""Training loops that take an optimiser step as an argument.

An optimiser step is any function ``step(params, grads, state, lr, **hyper) -> (new_params,
new_state)`` over dicts of arrays, as the optimisers of 05_optimization are written. The loops
here only shuffle, slice mini-batches, call the step and keep histories; they contain no
optimiser and no regulariser of their own.

Introduced in 05_optimization.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

Params = dict[str, np.ndarray]
Step = Callable[..., tuple[Params, Any]]
LossAndGrads = Callable[[Params, np.ndarray, np.ndarray], tuple[float, Params]]


def zeros_like_params(params: Params) -> Params:
    """A dict with a float zero array shaped like each parameter (a fresh optimiser buffer).

    Introduced in 05_optimization.
    """
    return {name: np.zeros(np.shape(value)) for name, value in params.items()}


def minibatch_indices(n_examples: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """One epoch of mini-batches: a fresh permutation cut into slices of ``batch_size``.

    The last slice may be shorter. One ``rng.permutation`` call per epoch.

    Introduced in 05_optimization.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size!r}")
    order = rng.permutation(n_examples)
    return [order[start:start + batch_size] for start in range(0, n_examples, batch_size)]


def run_steps(step: Step, params: Params, state: Any, grad_fn: Callable[[Params], Params],
              loss_fn: Callable[[Params], float], n_steps: int, **hyper: Any) -> tuple[list[Params], np.ndarray]:
    """Apply an optimiser ``n_steps`` times to a deterministic loss.

    Args:
        step: the optimiser step; called as step(params, grad_fn(params), state, **hyper).
        state: its starting state.
        grad_fn, loss_fn: the gradient and the value of the loss at params.
    Returns:
        (history, losses): the n_steps + 1 parameter dicts visited, start included, and their losses.

    Introduced in 05_optimization.
    """
    history, losses = [params], [loss_fn(params)]
    for _ in range(n_steps):
        params, state = step(params, grad_fn(params), state, **hyper)
        history.append(params)
        losses.append(loss_fn(params))
    return history, np.array(losses, dtype=float)


def run_epoch(params: Params, state: Any, step: Step, x: np.ndarray, y: np.ndarray, batch_size: int,
              rng: np.random.Generator, loss_and_grads: LossAndGrads, **hyper: Any) -> tuple[Params, Any]:
    """One pass over (x, y) in shuffled mini-batches, one optimiser step per batch.

    Returns:
        (params, state) after the epoch.

    Introduced in 05_optimization.
    """
    for batch in minibatch_indices(len(x), batch_size, rng):
        _, grads = loss_and_grads(params, x[batch], y[batch])
        params, state = step(params, grads, state, **hyper)
    return params, state


def make_epoch_runner(step: Step, state: Any, x: np.ndarray, y: np.ndarray, batch_size: int,
                      rng: np.random.Generator, loss_and_grads: LossAndGrads,
                      **hyper: Any) -> Callable[[Params], Params]:
    """A function params -> params that trains one epoch and keeps the optimiser state between calls.

    Introduced in 05_optimization.
    """
    memory = {"state": state}

    def run_one_epoch(params: Params) -> Params:
        new_params, memory["state"] = run_epoch(params, memory["state"], step, x, y, batch_size, rng,
                                                loss_and_grads, **hyper)
        return new_params

    return run_one_epoch


def train_epochs(params: Params, state: Any, step: Step, data: dict[str, tuple[np.ndarray, np.ndarray]],
                 n_epochs: int, batch_size: int, rng: np.random.Generator, loss_and_grads: LossAndGrads,
                 evaluate: Callable[[Params, np.ndarray, np.ndarray], tuple[float, float]],
                 schedule: Callable[[int], float] | None = None, **hyper: Any) -> tuple[Params, dict[str, np.ndarray]]:
    """Train on data["train"] for n_epochs and measure every split in ``data`` before and after each epoch.

    Args:
        data: {"train": (x, y), "val": (x, y), ...}; training uses data["train"] only.
        evaluate: (params, x, y) -> (loss, accuracy), without any penalty term.
        schedule: epoch -> learning rate (epoch counts from 0); overrides hyper["lr"] when given.
        **hyper: passed to every step (lr, beta, ...).
    Returns:
        (params, history) with history["<split>_loss"] and history["<split>_accuracy"] of shape
        (n_epochs + 1,); entry k is measured after k epochs.

    Introduced in 05_optimization.
    """
    history: dict[str, list[float]] = {}

    def measure(current: Params) -> None:
        for split, (xs, ys) in data.items():
            loss, accuracy = evaluate(current, xs, ys)
            history.setdefault(f"{split}_loss", []).append(loss)
            history.setdefault(f"{split}_accuracy", []).append(accuracy)

    x_train, y_train = data["train"]
    measure(params)
    for epoch in range(n_epochs):
        if schedule is not None:
            hyper["lr"] = schedule(epoch)
        params, state = run_epoch(params, state, step, x_train, y_train, batch_size, rng, loss_and_grads, **hyper)
        measure(params)
    return params, {key: np.array(values, dtype=float) for key, values in history.items()}
