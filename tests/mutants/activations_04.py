"""Wrong answers to notebook 04 that its hidden tests must reject."""

from tests.mutant_harness import Mutant

NOTEBOOK = "04_activations"

_LEAKY = "def leaky_relu_derivative(x, alpha=0.01):\n    x = np.asarray(x, dtype=float)\n"
_JACOBIAN = "def softmax_jacobian(z):\n    s = softmax(z)\n"
_NETWORK = "def one_hidden_layer(x, v, b, w, b0):\n"
_FIT = "def fit_output_layer(x, y, v, b):\n"

MUTANTS = [
    Mutant("tanh", "textbook formula, overflows",
           "def tanh(x):\n    x = np.asarray(x, dtype=float)\n"
           "    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))"),
    Mutant("tanh", "rewritten with e^-2x but no absolute value",
           "def tanh(x):\n    x = np.asarray(x, dtype=float)\n    e = np.exp(-2.0 * x)\n"
           "    return (1.0 - e) / (1.0 + e)"),
    Mutant("tanh", "forgets to restore the sign",
           "def tanh(x):\n    x = np.asarray(x, dtype=float)\n    e = np.exp(-2.0 * np.abs(x))\n"
           "    return (1.0 - e) / (1.0 + e)"),
    Mutant("tanh", "e^-|x| instead of e^-2|x|",
           "def tanh(x):\n    x = np.asarray(x, dtype=float)\n    e = np.exp(-np.abs(x))\n"
           "    return np.sign(x) * (1.0 - e) / (1.0 + e)"),
    Mutant("tanh_derivative", "derivative 1 - x^2",
           "def tanh_derivative(x):\n    return 1.0 - np.asarray(x) ** 2"),
    Mutant("tanh_derivative", "derivative 1 - tanh without the square",
           "def tanh_derivative(x):\n    return 1.0 - tanh(x)"),
    Mutant("tanh_derivative", "derivative in the sigmoid's pattern t(1 - t)",
           "def tanh_derivative(x):\n    t = tanh(x)\n    return t * (1.0 - t)"),
    Mutant("tanh_derivative", "derivative 4 / (e^x + e^-x)^2, overflows",
           "def tanh_derivative(x):\n    x = np.asarray(x, dtype=float)\n"
           "    return 4.0 / (np.exp(x) + np.exp(-x)) ** 2"),
    Mutant("leaky_relu_derivative", "alpha * x on the negative side",
           _LEAKY + "    return np.where(x >= 0, 1.0, alpha * x)"),
    Mutant("leaky_relu_derivative", "fixed 0.01 instead of alpha",
           _LEAKY + "    return np.where(x >= 0, 1.0, 0.01)"),
    Mutant("leaky_relu_derivative", "strict inequality at 0",
           _LEAKY + "    return np.where(x > 0, 1.0, alpha)"),
    Mutant("leaky_relu_derivative", "ReLU's slope 0 on the negative side",
           _LEAKY + "    return np.where(x >= 0, 1.0, 0.0)"),
    Mutant("leaky_relu_derivative", "returns the function instead of its slope",
           _LEAKY + "    return np.where(x >= 0, x, alpha * x)"),
    Mutant("leaky_relu_derivative", "the two slopes swapped",
           _LEAKY + "    return np.where(x >= 0, alpha, 1.0)"),
    Mutant("elu", "np.exp(x) in a branch of np.where, overflows",
           "def elu(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
           "    return np.where(x >= 0, x, alpha * (np.exp(x) - 1.0))"),
    Mutant("elu", "exp(x) - 1 loses tiny inputs",
           "def elu(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
           "    return np.where(x >= 0, x, alpha * (np.exp(np.minimum(x, 0.0)) - 1.0))"),
    Mutant("elu", "ignores alpha",
           "def elu(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
           "    return np.where(x >= 0, x, np.expm1(np.minimum(x, 0.0)))"),
    Mutant("elu_derivative", "derivative alpha (e^x - 1), the function itself",
           "def elu_derivative(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
           "    return np.where(x >= 0, 1.0, alpha * np.expm1(np.minimum(x, 0.0)))"),
    Mutant("elu_derivative", "derivative without alpha",
           "def elu_derivative(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
           "    return np.where(x >= 0, 1.0, np.exp(np.minimum(x, 0.0)))"),
    Mutant("elu_derivative", "derivative takes the left piece at 0",
           "def elu_derivative(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
           "    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))"),
    Mutant("elu_derivative", "derivative with np.exp(x) in a branch, overflows",
           "def elu_derivative(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
           "    return np.where(x >= 0, 1.0, alpha * np.exp(x))"),
    Mutant("elu_derivative", "derivative through the output, but elu(x) - alpha",
           "def elu_derivative(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
           "    return np.where(x >= 0, 1.0, elu(x, alpha) - alpha)"),
    Mutant("softmax_jacobian", "diagonal only",
           _JACOBIAN + "    return np.diag(s * (1.0 - s))"),
    Mutant("softmax_jacobian", "sign flipped",
           _JACOBIAN + "    return np.outer(s, s) - np.diag(s)"),
    Mutant("softmax_jacobian", "forgets the diagonal term",
           _JACOBIAN + "    return -np.outer(s, s)"),
    Mutant("softmax_jacobian", "diag(s) - s s^T with s = exp(z), unnormalised",
           "def softmax_jacobian(z):\n    s = np.exp(z)\n    return np.diag(s) - np.outer(s, s)"),
    Mutant("softmax_jacobian", "squares the diagonal instead of the outer product",
           _JACOBIAN + "    return np.diag(s - s ** 2) - np.outer(s, s)"),
    Mutant("one_hidden_layer", "sums over the inputs instead of the units",
           _NETWORK + "    hidden = tanh(x[:, None] * v + b)\n    return hidden.T @ np.ones(len(x)) * w + b0"),
    Mutant("one_hidden_layer", "forgets the output bias",
           _NETWORK + "    return tanh(x[:, None] * v + b) @ w"),
    Mutant("one_hidden_layer", "unit biases outside the tanh",
           _NETWORK + "    return (tanh(x[:, None] * v) + b) @ w + b0"),
    Mutant("one_hidden_layer", "tanh on the output too",
           _NETWORK + "    return tanh(tanh(x[:, None] * v + b) @ w + b0)"),
    Mutant("one_hidden_layer", "sigmoid units",
           _NETWORK + "    return sigmoid(x[:, None] * v + b) @ w + b0"),
    Mutant("one_hidden_layer", "returns the hidden matrix",
           _NETWORK + "    return tanh(x[:, None] * v + b) * w + b0"),
    Mutant("fit_output_layer", "no column of ones",
           _FIT + "    phi = tanh(x[:, None] * v + b)\n    return np.linalg.lstsq(phi, y, rcond=None)[0], 0.0"),
    Mutant("fit_output_layer", "column of ones first, but b0 read from the end",
           _FIT + "    phi = np.column_stack([np.ones_like(x), tanh(x[:, None] * v + b)])\n"
           "    c = np.linalg.lstsq(phi, y, rcond=None)[0]\n    return c[:-1], float(c[-1])"),
    Mutant("fit_output_layer", "fits to the inputs instead of the hidden outputs",
           _FIT + "    phi = np.column_stack([x[:, None] * v + b, np.ones_like(x)])\n"
           "    c = np.linalg.lstsq(phi, y, rcond=None)[0]\n    return c[:-1], float(c[-1])"),
    Mutant("fit_output_layer", "sigmoid features",
           _FIT + "    phi = np.column_stack([sigmoid(x[:, None] * v + b), np.ones_like(x)])\n"
           "    c = np.linalg.lstsq(phi, y, rcond=None)[0]\n    return c[:-1], float(c[-1])"),
    Mutant("tanh", "np.tanh instead of the rewritten fraction (the exercise forbids it)",
           "def tanh(x):\n    return np.tanh(x)"),
    Mutant("softmax_jacobian", "differentiated numerically with dlcourse.gradcheck, not derived",
           "from dlcourse import gradcheck\n\n\ndef softmax_jacobian(z):\n    z = np.asarray(z, dtype=float)\n"
           "    return np.array([gradcheck.numeric_grad(lambda t: softmax(t)[i], z.copy()) for i in range(len(z))])"),
    Mutant("one_hidden_layer", "right values, but a Python loop over the hidden units (the exercise forbids it)",
           _NETWORK + "    out = np.full(len(x), float(b0))\n    for h in range(len(v)):\n"
           "        out = out + w[h] * tanh(v[h] * x + b[h])\n    return out"),
    Mutant("softmax_jacobian", "central differences written inline, agreeing to about 10 digits",
           "def softmax_jacobian(z):\n    z = np.asarray(z, dtype=float)\n    h, columns = 1e-5, []\n"
           "    for j in range(len(z)):\n        step = np.zeros(len(z))\n        step[j] = h\n"
           "        columns.append((softmax(z + step) - softmax(z - step)) / (2 * h))\n    return np.array(columns).T"),
]
