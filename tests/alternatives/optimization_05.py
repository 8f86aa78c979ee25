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
    Alternative("rmsprop_step", "one loop over the names, np.square",
                "def rmsprop_step(params, grads, state, lr, rho, eps=1e-8):\n    new_params, square_avg = {}, {}\n"
                "    for name, value in params.items():\n"
                "        square_avg[name] = rho * state['square_avg'][name] + (1 - rho) * np.square(grads[name])\n"
                "        new_params[name] = value - lr * grads[name] / (np.sqrt(square_avg[name]) + eps)\n"
                "    return new_params, {'square_avg': square_avg}"),
    Alternative("adam_step", "bias correction folded into the step size, as in Kingma and Ba's section 2",
                "def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n    t = state['t'] + 1\n"
                "    step_size = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)\n"
                "    eps_hat = eps * np.sqrt(1 - beta2 ** t)\n    m, v, new_params = {}, {}, {}\n"
                "    for name in params:\n        m[name] = beta1 * state['m'][name] + (1 - beta1) * grads[name]\n"
                "        v[name] = beta2 * state['v'][name] + (1 - beta2) * grads[name] ** 2\n"
                "        new_params[name] = params[name] - step_size * m[name] / (np.sqrt(v[name]) + eps_hat)\n"
                "    return new_params, {'m': m, 'v': v, 't': t}"),
    Alternative("step_decay", "math.floor of the ratio",
                "import math\n\n\ndef step_decay(lr0, epoch, drop, every):\n"
                "    return lr0 * drop ** math.floor(epoch / every)"),
    Alternative("add_l2_penalty", "one loop over the gradients",
                "def add_l2_penalty(loss, grads, params, weight_decay):\n    new_loss, new_grads = float(loss), {}\n"
                "    for name, grad in grads.items():\n        if name.startswith('W'):\n"
                "            new_loss += weight_decay / 2 * np.sum(np.square(params[name]))\n"
                "            new_grads[name] = grad + weight_decay * params[name]\n        else:\n"
                "            new_grads[name] = grad.copy()\n    return new_loss, new_grads"),
    Alternative("early_stopping", "patience counted from the best epoch",
                "def early_stopping(params, run_epoch, validation_loss, max_epochs, patience):\n"
                "    val_losses, kept, best_epoch = [validation_loss(params)], params, 0\n"
                "    for epoch in range(1, max_epochs + 1):\n        params = run_epoch(params)\n"
                "        val_losses.append(validation_loss(params))\n"
                "        if val_losses[-1] < val_losses[best_epoch]:\n            kept, best_epoch = params, epoch\n"
                "        elif epoch - best_epoch >= patience:\n            break\n"
                "    return kept, best_epoch, np.asarray(val_losses, dtype=float)"),
]
