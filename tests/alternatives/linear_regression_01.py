"""Correct answers to notebook 01, written otherwise than the instructor's, that must score full marks."""

from tests.mutant_harness import Alternative

NOTEBOOK = "01_linear_regression"

ALTERNATIVES = [
    Alternative("predict", "np.add and np.multiply", "def predict(x, phi):\n    return np.add(phi[0], np.multiply(phi[1], x))"),
    Alternative("predict", "np.polyval", "def predict(x, phi):\n    return np.polyval([phi[1], phi[0]], x)"),
    Alternative("squared_error_loss", "a dot product of the residuals",
                "def squared_error_loss(x, y, phi):\n    r = y - predict(x, phi)\n    return float(r @ r)"),
    Alternative("loss_gradient", "the design matrix",
                "def loss_gradient(x, y, phi):\n    X = np.column_stack([np.ones_like(x), x])\n"
                "    return 2 * X.T @ (X @ phi - y)"),
    Alternative("gradient_descent_step", "element by element",
                "def gradient_descent_step(x, y, phi, learning_rate):\n    g = loss_gradient(x, y, phi)\n"
                "    return np.array([phi[0] - learning_rate * g[0], phi[1] - learning_rate * g[1]])"),
    Alternative("fit_gradient_descent", "preallocated histories",
                "def fit_gradient_descent(x, y, phi_init, learning_rate, n_epochs):\n"
                "    phis = np.zeros((n_epochs + 1, 2))\n    losses = np.zeros(n_epochs + 1)\n"
                "    phis[0] = phi_init\n    losses[0] = squared_error_loss(x, y, phis[0])\n"
                "    for k in range(1, n_epochs + 1):\n"
                "        phis[k] = gradient_descent_step(x, y, phis[k - 1], learning_rate)\n"
                "        losses[k] = squared_error_loss(x, y, phis[k])\n    return phis, losses"),
    Alternative("largest_stable_learning_rate", "the 2x2 eigenvalue formula",
                "def largest_stable_learning_rate(x):\n    n, s, q = x.size, np.sum(x), np.sum(x * x)\n"
                "    half_trace, det = n + q, 4 * (n * q - s * s)\n"
                "    return float(2 / (half_trace + np.sqrt(half_trace ** 2 - det)))"),
    Alternative("least_squares_fit", "np.linalg.lstsq",
                "def least_squares_fit(x, y):\n    X = np.column_stack([np.ones_like(x), x])\n"
                "    return np.linalg.lstsq(X, y, rcond=None)[0]"),
    Alternative("least_squares_fit", "np.polyfit, reversed",
                "def least_squares_fit(x, y):\n    return np.polyfit(x, y, 1)[::-1]"),
    Alternative("gradient_descent_step", "the gradient written inline instead of calling loss_gradient",
                "def gradient_descent_step(x, y, phi, learning_rate):\n    r = phi[0] + phi[1] * x - y\n"
                "    return phi - learning_rate * np.array([2 * np.sum(r), 2 * np.sum(r * x)])",
                visible_fail="[FAIL] gradient_descent_step: got a step that never calls loss_gradient"),
]
