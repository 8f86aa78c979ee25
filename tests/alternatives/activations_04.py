"""Correct answers to notebook 04, written otherwise than the instructor's, that must score full marks."""

from tests.mutant_harness import Alternative

NOTEBOOK = "04_activations"

ALTERNATIVES = [
    Alternative("tanh", "np.copysign and 2/(1+e) - 1",
                "def tanh(x):\n    x = np.asarray(x, dtype=float)\n    e = np.exp(-2.0 * np.abs(x))\n"
                "    return np.copysign(2.0 / (1.0 + e) - 1.0, x)"),
    Alternative("tanh_derivative", "(1 - t)(1 + t)",
                "def tanh_derivative(x):\n    t = tanh(x)\n    return (1.0 - t) * (1.0 + t)"),
    Alternative("elu", "np.clip inside the exponential, a boolean mask",
                "def elu(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
                "    negative = alpha * np.expm1(np.clip(x, None, 0.0))\n    return np.where(x < 0, negative, x)"),
    Alternative("elu_derivative", "through the output: elu(x) + alpha on the left",
                "def elu_derivative(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
                "    return np.where(x >= 0, 1.0, elu(x, alpha) + alpha)"),
    Alternative("softmax_jacobian", "np.diagflat and broadcasting",
                "def softmax_jacobian(z):\n    s = softmax(z)\n    return np.diagflat(s) - s[:, None] * s[None, :]"),
    Alternative("one_hidden_layer", "np.outer and np.dot",
                "def one_hidden_layer(x, v, b, w, b0):\n    return np.dot(tanh(np.outer(x, v) + b), w) + b0"),
    Alternative("fit_output_layer", "the pseudo-inverse",
                "def fit_output_layer(x, y, v, b):\n    phi = np.hstack([tanh(np.outer(x, v) + b), np.ones((len(x), 1))])\n"
                "    solution = np.linalg.pinv(phi) @ y\n    return solution[:-1], float(solution[-1])"),
    Alternative("leaky_relu_derivative", "two boolean masks, weighted",
                "def leaky_relu_derivative(x, alpha=0.01):\n    x = np.asarray(x, dtype=float)\n"
                "    return (x >= 0) * 1.0 + (x < 0) * alpha"),
]
