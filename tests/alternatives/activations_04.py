"""Correct answers to notebook 04, written otherwise than the instructor's, that must score full marks."""

from tests.mutant_harness import Alternative

NOTEBOOK = "04_activations"

ALTERNATIVES = [
    Alternative("tanh_functions", "np.copysign and 2/(1+e) - 1",
                "def tanh(x):\n    x = np.asarray(x, dtype=float)\n    e = np.exp(-2.0 * np.abs(x))\n"
                "    return np.copysign(2.0 / (1.0 + e) - 1.0, x)\n\n\n"
                "def tanh_derivative(x):\n    t = tanh(x)\n    return (1.0 - t) * (1.0 + t)"),
    Alternative("softmax_jacobian", "np.diagflat and broadcasting",
                "def softmax_jacobian(z):\n    s = softmax(z)\n    return np.diagflat(s) - s[:, None] * s[None, :]"),
    Alternative("one_hidden_layer", "np.outer and np.dot",
                "def one_hidden_layer(x, v, b, w, b0):\n    return np.dot(tanh(np.outer(x, v) + b), w) + b0"),
    Alternative("fit_output_layer", "the pseudo-inverse",
                "def fit_output_layer(x, y, v, b):\n    phi = np.hstack([tanh(np.outer(x, v) + b), np.ones((len(x), 1))])\n"
                "    solution = np.linalg.pinv(phi) @ y\n    return solution[:-1], float(solution[-1])"),
]
