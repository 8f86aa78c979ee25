"""Correct answers to notebook 02, written otherwise than the instructor's, that must score full marks."""

from tests.mutant_harness import Alternative

NOTEBOOK = "02_logistic_regression"

ALTERNATIVES = [
    Alternative("sigmoid", "scipy.special.expit", "from scipy.special import expit\n\n\ndef sigmoid(z):\n    return expit(z)"),
    Alternative("sigmoid", "both forms from np.exp(-|z|), chosen by np.where",
                "def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n    small = np.exp(-np.abs(z))\n"
                "    return np.where(z < 0, small, 1.0) / (1.0 + small)"),
    Alternative("binary_cross_entropy", "softplus written out",
                "def binary_cross_entropy(z, y):\n    z = np.asarray(z, dtype=float)\n"
                "    softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))\n"
                "    return float(np.mean(softplus - y * z))"),
    Alternative("binary_cross_entropy_gradient", "np.mean's divisor",
                "def binary_cross_entropy_gradient(z, y):\n    return (sigmoid(z) - y) / np.size(y)"),
    Alternative("logistic_gradient", "np.dot and the mean error",
                "def logistic_gradient(x, y, w, b):\n    dz = binary_cross_entropy_gradient(np.dot(x, w) + b, y)\n"
                "    return np.dot(dz, x), float(dz.sum())"),
]
