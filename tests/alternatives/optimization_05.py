"""Correct answers to notebook 05, written otherwise than the instructor's, that must score full marks."""

from tests.mutant_harness import Alternative

NOTEBOOK = "05_optimization"

ALTERNATIVES = [
    Alternative("momentum_step", "one loop over the names",
                "def momentum_step(params, grads, state, lr, beta):\n    new_params, velocity = {}, {}\n"
                "    for name, value in params.items():\n"
                "        velocity[name] = beta * state['velocity'][name] + grads[name]\n"
                "        new_params[name] = value - lr * velocity[name]\n"
                "    return new_params, {'velocity': velocity}"),
    Alternative("warmup_steps", "math.log and math.ceil",
                "import math\n\n\ndef warmup_steps(beta, fraction):\n"
                "    return max(1, math.ceil(math.log(1 - fraction) / math.log(beta)))"),
    Alternative("split_data", "rng.choice without replacement, not rng.permutation",
                "def split_data(x, y, n_val, n_test, rng):\n    order = rng.choice(len(y), size=len(y), replace=False)\n"
                "    val, test, train = order[:n_val], order[n_val:n_val + n_test], order[n_val + n_test:]\n"
                "    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])",
                visible_fail="Hint: draw order = rng.permutation(N) once"),
]
