"""Wrong answers to notebook 01 that its hidden tests must reject."""

from tests.mutant_harness import Mutant

NOTEBOOK = "01_linear_regression"

MUTANTS = [
    Mutant("predict", "parameters swapped", "def predict(x, phi):\n    return phi[1] + phi[0] * x"),
    Mutant("predict", "sum instead of one prediction per input",
           "def predict(x, phi):\n    return np.sum(phi[0] + phi[1] * x)"),
    Mutant("squared_error_loss", "mean instead of sum",
           "def squared_error_loss(x, y, phi):\n    return float(np.mean((phi[0] + phi[1] * x - y) ** 2))"),
    Mutant("squared_error_loss", "absolute instead of squared residuals",
           "def squared_error_loss(x, y, phi):\n    return float(np.sum(np.abs(phi[0] + phi[1] * x - y)))"),
    Mutant("loss_gradient", "sign flipped",
           "def loss_gradient(x, y, phi):\n    r = y - phi[0] - phi[1] * x\n"
           "    return np.array([2 * r.sum(), 2 * (r * x).sum()])"),
    Mutant("loss_gradient", "factor 2 missing",
           "def loss_gradient(x, y, phi):\n    r = phi[0] + phi[1] * x - y\n    return np.array([r.sum(), (r * x).sum()])"),
    Mutant("loss_gradient", "averaged instead of summed",
           "def loss_gradient(x, y, phi):\n    r = phi[0] + phi[1] * x - y\n"
           "    return np.array([2 * r.mean(), 2 * (r * x).mean()])"),
    Mutant("loss_gradient", "entries swapped",
           "def loss_gradient(x, y, phi):\n    r = phi[0] + phi[1] * x - y\n"
           "    return np.array([2 * (r * x).sum(), 2 * r.sum()])"),
    Mutant("gradient_descent_step", "steps uphill",
           "def gradient_descent_step(x, y, phi, learning_rate):\n    return phi + learning_rate * loss_gradient(x, y, phi)"),
    Mutant("gradient_descent_step", "coordinate descent (reuses the updated phi0)",
           "def gradient_descent_step(x, y, phi, learning_rate):\n    new = np.array(phi, dtype=float)\n"
           "    new[0] -= learning_rate * loss_gradient(x, y, new)[0]\n"
           "    new[1] -= learning_rate * loss_gradient(x, y, new)[1]\n    return new"),
    Mutant("gradient_descent_step", "updates phi in place",
           "def gradient_descent_step(x, y, phi, learning_rate):\n    phi -= learning_rate * loss_gradient(x, y, phi)\n"
           "    return phi"),
    Mutant("gradient_descent_step", "ignores the learning rate",
           "def gradient_descent_step(x, y, phi, learning_rate):\n    return phi - 0.01 * loss_gradient(x, y, phi)"),
    Mutant("fit_gradient_descent", "history without the initial row",
           "def fit_gradient_descent(x, y, phi_init, learning_rate, n_epochs):\n    phi = np.array(phi_init, dtype=float)\n"
           "    phis, losses = [], []\n    for _ in range(n_epochs):\n"
           "        phi = gradient_descent_step(x, y, phi, learning_rate)\n"
           "        phis.append(phi)\n        losses.append(squared_error_loss(x, y, phi))\n"
           "    return np.array(phis), np.array(losses)"),
    Mutant("fit_gradient_descent", "loss recorded before the step it belongs to",
           "def fit_gradient_descent(x, y, phi_init, learning_rate, n_epochs):\n    phi = np.array(phi_init, dtype=float)\n"
           "    phis, losses = [phi], [squared_error_loss(x, y, phi)]\n    for _ in range(n_epochs):\n"
           "        losses.append(squared_error_loss(x, y, phi))\n"
           "        phi = gradient_descent_step(x, y, phi, learning_rate)\n        phis.append(phi)\n"
           "    return np.array(phis), np.array(losses)"),
    Mutant("fit_gradient_descent", "fixed number of epochs",
           "def fit_gradient_descent(x, y, phi_init, learning_rate, n_epochs):\n    phi = np.array(phi_init, dtype=float)\n"
           "    phis, losses = [phi], [squared_error_loss(x, y, phi)]\n    for _ in range(5):\n"
           "        phi = gradient_descent_step(x, y, phi, learning_rate)\n        phis.append(phi)\n"
           "        losses.append(squared_error_loss(x, y, phi))\n    return np.array(phis), np.array(losses)"),
    Mutant("least_squares_fit", "returns (slope, intercept)",
           "def least_squares_fit(x, y):\n    design = np.column_stack([x, np.ones_like(x)])\n"
           "    return np.linalg.solve(design.T @ design, design.T @ y)"),
    Mutant("least_squares_fit", "forgets the column of ones",
           "def least_squares_fit(x, y):\n    design = x[:, None]\n"
           "    return np.array([0.0, *np.linalg.solve(design.T @ design, design.T @ y)])"),
]

MUTANTS += [
    Mutant("largest_stable_learning_rate", "1 / lambda_max instead of 2 / lambda_max",
           "def largest_stable_learning_rate(x):\n    h = 2 * np.array([[len(x), x.sum()], [x.sum(), (x ** 2).sum()]])\n"
           "    return float(1 / np.linalg.eigvalsh(h).max())"),
    Mutant("largest_stable_learning_rate", "smallest eigenvalue",
           "def largest_stable_learning_rate(x):\n    h = 2 * np.array([[len(x), x.sum()], [x.sum(), (x ** 2).sum()]])\n"
           "    return float(2 / np.linalg.eigvalsh(h).min())"),
    Mutant("largest_stable_learning_rate", "Hessian without the factor 2",
           "def largest_stable_learning_rate(x):\n    h = np.array([[len(x), x.sum()], [x.sum(), (x ** 2).sum()]])\n"
           "    return float(2 / np.linalg.eigvalsh(h).max())"),
    Mutant("largest_stable_learning_rate", "Hessian of the mean instead of the sum",
           "def largest_stable_learning_rate(x):\n    h = 2 * np.array([[1.0, x.mean()], [x.mean(), (x ** 2).mean()]])\n"
           "    return float(2 / np.linalg.eigvalsh(h).max())"),
    Mutant("largest_stable_learning_rate", "diagonal of the Hessian only",
           "def largest_stable_learning_rate(x):\n    return float(2 / max(2 * len(x), 2 * (x ** 2).sum()))"),
    Mutant("predict", "right values, but a Python loop over the points (the exercise forbids it)",
           "def predict(x, phi):\n    return np.array([phi[0] + phi[1] * value for value in x])"),
]
