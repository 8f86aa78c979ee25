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
    Alternative("train_logistic_regression", "in-place updates of a copy, a history filled as it goes",
                "def train_logistic_regression(x, y, w_init, b_init, learning_rate, n_epochs):\n"
                "    w, b = np.asarray(w_init, dtype=float).copy(), float(b_init)\n"
                "    loss_history = np.empty(n_epochs + 1)\n    loss_history[0] = binary_cross_entropy(x @ w + b, y)\n"
                "    for epoch in range(1, n_epochs + 1):\n        grad_w, grad_b = logistic_gradient(x, y, w, b)\n"
                "        w -= learning_rate * grad_w\n        b -= learning_rate * grad_b\n"
                "        loss_history[epoch] = binary_cross_entropy(x @ w + b, y)\n    return w, b, loss_history"),
    Alternative("predict_labels", "np.where on the logits",
                "def predict_labels(x, w, b):\n    return np.where(np.dot(x, w) + b >= 0, 1, 0)"),
    Alternative("accuracy", "matches counted, divided by the length",
                "def accuracy(y_true, y_pred):\n"
                "    return np.count_nonzero(np.asarray(y_true) == np.asarray(y_pred)) / len(y_true)"),
]
