"""Wrong answers to notebook 05 that its hidden tests must reject."""

from tests.mutant_harness import Mutant

NOTEBOOK = "05_optimization"

MOMENTUM_HEAD = "def momentum_step(params, grads, state, lr, beta):\n"
RMSPROP_HEAD = "def rmsprop_step(params, grads, state, lr, rho, eps=1e-8):\n"
ADAM_HEAD = "def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
SPLIT_HEAD = "def split_data(x, y, n_val, n_test, rng):\n"
L2_HEAD = "def add_l2_penalty(loss, grads, params, weight_decay):\n"
STOP_HEAD = "def early_stopping(params, run_epoch, validation_loss, max_epochs, patience):\n"


def _adam(t_line: str = "    t = state['t'] + 1\n",
          m_line: str = "    m = {k: beta1 * state['m'][k] + (1 - beta1) * grads[k] for k in params}\n",
          v_line: str = "    v = {k: beta2 * state['v'][k] + (1 - beta2) * grads[k] ** 2 for k in params}\n",
          hats: str = "    mh = {k: m[k] / (1 - beta1 ** t) for k in params}\n"
                      "    vh = {k: v[k] / (1 - beta2 ** t) for k in params}\n",
          update: str = "    new = {k: params[k] - lr * mh[k] / (np.sqrt(vh[k]) + eps) for k in params}\n",
          ret: str = "    return new, {'m': m, 'v': v, 't': t}") -> str:
    """An Adam step assembled from lines, so that each mutant changes one idea."""
    return ADAM_HEAD + t_line + m_line + v_line + hats + update + ret


def _stopping(compare: str = "losses[-1] < best_loss", reset: str = "        waited = 0\n",
              stop: str = "waited >= patience", keep: str = "best, best_epoch, best_loss = params, epoch, losses[-1]",
              back: str = "best, best_epoch", first: str = "losses = [validation_loss(params)]") -> str:
    """An early-stopping loop assembled from pieces, so that each mutant changes one idea."""
    return (STOP_HEAD + f"    {first}\n"
            "    best, best_epoch, best_loss, waited = params, 0, validation_loss(params), 0\n"
            "    for epoch in range(1, max_epochs + 1):\n"
            "        params = run_epoch(params)\n"
            "        losses.append(validation_loss(params))\n"
            f"        if {compare}:\n"
            f"            {keep}\n"
            f"    {reset}"
            "        else:\n"
            "            waited += 1\n"
            f"            if {stop}:\n"
            "                break\n"
            f"    return {back}, np.array(losses, dtype=float)")


MUTANTS = [
    # momentum_step
    Mutant("momentum_step", "moves with the old velocity",
           MOMENTUM_HEAD + "    new = {k: params[k] - lr * state['velocity'][k] for k in params}\n"
           "    v = {k: beta * state['velocity'][k] + grads[k] for k in params}\n"
           "    return new, {'velocity': v}"),
    Mutant("momentum_step", "velocity as an average weighted by 1 - beta",
           MOMENTUM_HEAD + "    v = {k: beta * state['velocity'][k] + (1 - beta) * grads[k] for k in params}\n"
           "    return {k: params[k] - lr * v[k] for k in params}, {'velocity': v}"),
    Mutant("momentum_step", "Nesterov look-ahead instead of heavy ball",
           MOMENTUM_HEAD + "    v = {k: beta * state['velocity'][k] + grads[k] for k in params}\n"
           "    return {k: params[k] - lr * (grads[k] + beta * v[k]) for k in params}, {'velocity': v}"),
    Mutant("momentum_step", "returns the old state",
           MOMENTUM_HEAD + "    v = {k: beta * state['velocity'][k] + grads[k] for k in params}\n"
           "    return {k: params[k] - lr * v[k] for k in params}, state"),
    Mutant("momentum_step", "updates the velocity in place",
           MOMENTUM_HEAD + "    v = state['velocity']\n    for k in params:\n        v[k] *= beta\n        v[k] += grads[k]\n"
           "    return {k: params[k] - lr * v[k] for k in params}, {'velocity': v}"),
    Mutant("momentum_step", "ignores the velocity",
           MOMENTUM_HEAD + "    return {k: params[k] - lr * grads[k] for k in params}, state"),
    # warmup_steps
    Mutant("warmup_steps", "floor instead of ceiling",
           "def warmup_steps(beta, fraction):\n    return max(1, int(np.floor(np.log(1 - fraction) / np.log(beta))))"),
    Mutant("warmup_steps", "compares with the gradient instead of the terminal velocity",
           "def warmup_steps(beta, fraction):\n"
           "    return max(1, int(np.ceil(np.log(1 - fraction * (1 - beta)) / np.log(beta))))"),
    Mutant("warmup_steps", "log(fraction) instead of log(1 - fraction)",
           "def warmup_steps(beta, fraction):\n    return max(1, int(np.ceil(np.log(fraction) / np.log(beta))))"),
    Mutant("warmup_steps", "one step too many",
           "def warmup_steps(beta, fraction):\n    return int(np.ceil(np.log(1 - fraction) / np.log(beta))) + 1"),
    Mutant("warmup_steps", "rounds to the nearest integer",
           "def warmup_steps(beta, fraction):\n    return max(1, int(round(np.log(1 - fraction) / np.log(beta))))"),
    # rmsprop_step
    Mutant("rmsprop_step", "epsilon inside the square root (Keras's convention, not this exercise's)",
           RMSPROP_HEAD + "    s = {k: rho * state['square_avg'][k] + (1 - rho) * grads[k] ** 2 for k in params}\n"
           "    return {k: params[k] - lr * grads[k] / np.sqrt(s[k] + eps) for k in params}, {'square_avg': s}"),
    Mutant("rmsprop_step", "divides by the old average",
           RMSPROP_HEAD + "    s = {k: rho * state['square_avg'][k] + (1 - rho) * grads[k] ** 2 for k in params}\n"
           "    return ({k: params[k] - lr * grads[k] / (np.sqrt(state['square_avg'][k]) + eps) for k in params},\n"
           "            {'square_avg': s})"),
    Mutant("rmsprop_step", "no square root",
           RMSPROP_HEAD + "    s = {k: rho * state['square_avg'][k] + (1 - rho) * grads[k] ** 2 for k in params}\n"
           "    return {k: params[k] - lr * grads[k] / (s[k] + eps) for k in params}, {'square_avg': s}"),
    Mutant("rmsprop_step", "rho and 1 - rho swapped",
           RMSPROP_HEAD + "    s = {k: (1 - rho) * state['square_avg'][k] + rho * grads[k] ** 2 for k in params}\n"
           "    return {k: params[k] - lr * grads[k] / (np.sqrt(s[k]) + eps) for k in params}, {'square_avg': s}"),
    Mutant("rmsprop_step", "averages |g| instead of g squared",
           RMSPROP_HEAD + "    s = {k: rho * state['square_avg'][k] + (1 - rho) * np.abs(grads[k]) for k in params}\n"
           "    return {k: params[k] - lr * grads[k] / (np.sqrt(s[k]) + eps) for k in params}, {'square_avg': s}"),
    Mutant("rmsprop_step", "ignores eps",
           RMSPROP_HEAD + "    s = {k: rho * state['square_avg'][k] + (1 - rho) * grads[k] ** 2 for k in params}\n"
           "    return {k: params[k] - lr * grads[k] / (np.sqrt(s[k]) + 1e-8) for k in params}, {'square_avg': s}"),
    Mutant("rmsprop_step", "updates the average in place",
           RMSPROP_HEAD + "    s = state['square_avg']\n    for k in params:\n        s[k] *= rho\n"
           "        s[k] += (1 - rho) * grads[k] ** 2\n"
           "    return {k: params[k] - lr * grads[k] / (np.sqrt(s[k]) + eps) for k in params}, {'square_avg': s}"),
    # adam_step
    Mutant("adam_step", "no bias correction", _adam(hats="    mh, vh = m, v\n")),
    Mutant("adam_step", "beta1 and beta2 swapped",
           _adam(m_line="    m = {k: beta2 * state['m'][k] + (1 - beta2) * grads[k] for k in params}\n",
                 v_line="    v = {k: beta1 * state['v'][k] + (1 - beta1) * grads[k] ** 2 for k in params}\n",
                 hats="    mh = {k: m[k] / (1 - beta2 ** t) for k in params}\n"
                      "    vh = {k: v[k] / (1 - beta1 ** t) for k in params}\n")),
    Mutant("adam_step", "epsilon inside the square root of v-hat (Keras's convention, not this exercise's)",
           _adam(update="    new = {k: params[k] - lr * mh[k] / np.sqrt(vh[k] + eps) for k in params}\n")),
    Mutant("adam_step", "bias correction with the old step count",
           _adam(hats="    mh = {k: m[k] / (1 - beta1 ** max(t - 1, 1)) for k in params}\n"
                      "    vh = {k: v[k] / (1 - beta2 ** max(t - 1, 1)) for k in params}\n")),
    Mutant("adam_step", "stores the corrected averages in the state",
           _adam(ret="    return new, {'m': mh, 'v': vh, 't': t}")),
    Mutant("adam_step", "does not count the step",
           _adam(ret="    return new, {'m': m, 'v': v, 't': state['t']}")),
    Mutant("adam_step", "bias-corrects only the first moment",
           _adam(hats="    mh = {k: m[k] / (1 - beta1 ** t) for k in params}\n    vh = v\n")),
    Mutant("adam_step", "averages g instead of g squared for v",
           _adam(v_line="    v = {k: beta2 * state['v'][k] + (1 - beta2) * np.abs(grads[k]) for k in params}\n")),
    Mutant("adam_step", "divides by v instead of its square root",
           _adam(update="    new = {k: params[k] - lr * mh[k] / (vh[k] + eps) for k in params}\n")),
    # step_decay
    Mutant("step_decay", "continuous exponent instead of whole blocks",
           "def step_decay(lr0, epoch, drop, every):\n    return lr0 * drop ** (epoch / every)"),
    Mutant("step_decay", "decays one epoch early",
           "def step_decay(lr0, epoch, drop, every):\n    return lr0 * drop ** ((epoch + 1) // every)"),
    Mutant("step_decay", "decays every epoch",
           "def step_decay(lr0, epoch, drop, every):\n    return lr0 * drop ** epoch"),
    Mutant("step_decay", "subtracts instead of multiplying",
           "def step_decay(lr0, epoch, drop, every):\n    return lr0 - drop * (epoch // every) * lr0 / 10"),
    # split_data
    Mutant("split_data", "validation set taken from the training data (leak)",
           SPLIT_HEAD + "    order = rng.permutation(len(y))\n"
           "    val, test, train = order[:n_val], order[n_val:n_val + n_test], order[n_test:]\n"
           "    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])"),
    Mutant("split_data", "test set left inside the training data (leak)",
           SPLIT_HEAD + "    order = rng.permutation(len(y))\n"
           "    val, test, train = order[:n_val], order[n_val:n_val + n_test], order[n_val:]\n"
           "    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])"),
    Mutant("split_data", "no shuffle",
           SPLIT_HEAD + "    order = np.arange(len(y))\n"
           "    val, test, train = order[:n_val], order[n_val:n_val + n_test], order[n_val + n_test:]\n"
           "    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])"),
    Mutant("split_data", "separate permutations for validation and test",
           SPLIT_HEAD + "    val = rng.permutation(len(y))[:n_val]\n    test = rng.permutation(len(y))[:n_test]\n"
           "    train = np.setdiff1d(np.arange(len(y)), np.concatenate([val, test]))\n"
           "    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])"),
    Mutant("split_data", "shuffles images and labels with different orders",
           SPLIT_HEAD + "    order = rng.permutation(len(y))\n    other = rng.permutation(len(y))\n"
           "    val, test, train = order[:n_val], order[n_val:n_val + n_test], order[n_val + n_test:]\n"
           "    val_y, test_y, train_y = other[:n_val], other[n_val:n_val + n_test], other[n_val + n_test:]\n"
           "    return (x[train], y[train_y]), (x[val], y[val_y]), (x[test], y[test_y])"),
    Mutant("split_data", "training set first instead of validation",
           SPLIT_HEAD + "    order = rng.permutation(len(y))\n    n_train = len(y) - n_val - n_test\n"
           "    train, val, test = order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]\n"
           "    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])"),
    Mutant("split_data", "validation and test swapped",
           SPLIT_HEAD + "    order = rng.permutation(len(y))\n"
           "    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_val + n_test:]\n"
           "    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])"),
    # add_l2_penalty
    Mutant("add_l2_penalty", "penalises the biases too",
           L2_HEAD + "    penalty = 0.5 * weight_decay * sum(float(np.sum(p ** 2)) for p in params.values())\n"
           "    return loss + penalty, {k: grads[k] + weight_decay * params[k] for k in grads}"),
    Mutant("add_l2_penalty", "gradient 2 lambda W (derivative of lambda ||W||^2)",
           L2_HEAD + "    ws = [k for k in params if k.startswith('W')]\n"
           "    penalty = 0.5 * weight_decay * sum(float(np.sum(params[k] ** 2)) for k in ws)\n"
           "    return loss + penalty, {k: grads[k] + 2 * weight_decay * params[k] if k in ws else grads[k] for k in grads}"),
    Mutant("add_l2_penalty", "loss without the factor 1/2",
           L2_HEAD + "    ws = [k for k in params if k.startswith('W')]\n"
           "    penalty = weight_decay * sum(float(np.sum(params[k] ** 2)) for k in ws)\n"
           "    return loss + penalty, {k: grads[k] + weight_decay * params[k] if k in ws else grads[k] for k in grads}"),
    Mutant("add_l2_penalty", "subtracts the penalty gradient",
           L2_HEAD + "    ws = [k for k in params if k.startswith('W')]\n"
           "    penalty = 0.5 * weight_decay * sum(float(np.sum(params[k] ** 2)) for k in ws)\n"
           "    return loss + penalty, {k: grads[k] - weight_decay * params[k] if k in ws else grads[k] for k in grads}"),
    Mutant("add_l2_penalty", "updates grads in place",
           L2_HEAD + "    ws = [k for k in params if k.startswith('W')]\n"
           "    penalty = 0.5 * weight_decay * sum(float(np.sum(params[k] ** 2)) for k in ws)\n"
           "    for k in ws:\n        grads[k] += weight_decay * params[k]\n    return loss + penalty, grads"),
    Mutant("add_l2_penalty", "forgets the loss",
           L2_HEAD + "    ws = [k for k in params if k.startswith('W')]\n"
           "    return loss, {k: grads[k] + weight_decay * params[k] if k in ws else grads[k] for k in grads}"),
    Mutant("add_l2_penalty", "penalises absolute values (L1)",
           L2_HEAD + "    ws = [k for k in params if k.startswith('W')]\n"
           "    penalty = weight_decay * sum(float(np.sum(np.abs(params[k]))) for k in ws)\n"
           "    return loss + penalty, {k: grads[k] + weight_decay * np.sign(params[k]) if k in ws else grads[k] for k in grads}"),
    # early_stopping
    Mutant("early_stopping", "returns the last parameters",
           _stopping(back="params, best_epoch")),
    Mutant("early_stopping", "patience counter never reset", _stopping(reset="        pass\n")),
    Mutant("early_stopping", "compares with the previous epoch instead of the best",
           _stopping(compare="losses[-1] < losses[-2]")),
    Mutant("early_stopping", "a tie counts as a new best", _stopping(compare="losses[-1] <= best_loss")),
    Mutant("early_stopping", "waits one epoch too long", _stopping(stop="waited > patience")),
    Mutant("early_stopping", "stops at the first epoch without a new best", _stopping(stop="True")),
    Mutant("early_stopping", "never stops early", _stopping(stop="False")),
    Mutant("early_stopping", "history without epoch 0",
           _stopping(first="losses = []")),
    Mutant("warmup_steps", "simulates the steps instead of solving with logarithms",
           "def warmup_steps(beta, fraction):\n    velocity, steps = 0.0, 0\n    while True:\n"
           "        velocity, steps = beta * velocity + 1.0, steps + 1\n"
           "        if velocity >= fraction / (1 - beta):\n            return steps"),
]
