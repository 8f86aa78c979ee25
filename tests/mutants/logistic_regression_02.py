"""Wrong answers to notebook 02 that its hidden tests must reject."""

from tests.mutant_harness import Mutant

NOTEBOOK = "02_logistic_regression"

_SIGMOID = "def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n"
_BCE = "def binary_cross_entropy(z, y):\n    z = np.asarray(z, dtype=float)\n"
_GRAD = "def binary_cross_entropy_gradient(z, y):\n"
_LOGISTIC = "def logistic_gradient(x, y, w, b):\n"
_TRAIN = ("def train_logistic_regression(x, y, w_init, b_init, learning_rate, n_epochs):\n"
          "    w, b = np.array(w_init, dtype=float), float(b_init)\n")
_LOOP = ("    for _ in range(n_epochs):\n        grad_w, grad_b = logistic_gradient(x, y, w, b)\n"
         "        w = w - learning_rate * grad_w\n        b = b - learning_rate * grad_b\n")

MUTANTS = [
    Mutant("sigmoid", "textbook formula, overflows for very negative z",
           _SIGMOID + "    return 1.0 / (1.0 + np.exp(-z))"),
    Mutant("sigmoid", "np.where with np.exp(z) and np.exp(-z) in the branches",
           _SIGMOID + "    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))"),
    Mutant("sigmoid", "negative side as 1 - sigmoid(-z), which loses tiny values",
           _SIGMOID + "    e = np.exp(-np.abs(z))\n    return np.where(z >= 0, 1.0 / (1.0 + e), 1.0 - 1.0 / (1.0 + e))"),
    Mutant("sigmoid", "the two cases swapped",
           _SIGMOID + "    e = np.exp(-np.abs(z))\n    return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))"),
    Mutant("sigmoid", "clips z instead of rewriting the formula",
           _SIGMOID + "    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))"),
    Mutant("binary_cross_entropy", "sum instead of mean",
           _BCE + "    return float(np.sum(np.logaddexp(0.0, z) - y * z))"),
    Mutant("binary_cross_entropy", "sign flipped",
           _BCE + "    return float(np.mean(y * z - np.logaddexp(0.0, z)))"),
    Mutant("binary_cross_entropy", "labels swapped in the linear term",
           _BCE + "    return float(np.mean(np.logaddexp(0.0, z) - (1 - y) * z))"),
    Mutant("binary_cross_entropy", "log of the sigmoid's probabilities",
           _BCE + "    p = sigmoid(z)\n    return float(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))"),
    Mutant("binary_cross_entropy", "probabilities clipped away from 0 and 1",
           _BCE + "    p = np.clip(sigmoid(z), 1e-12, 1 - 1e-12)\n"
           "    return float(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))"),
    Mutant("binary_cross_entropy", "softplus through np.log(1 + np.exp(z))",
           _BCE + "    return float(np.mean(np.log(1.0 + np.exp(z)) - y * z))"),
    Mutant("binary_cross_entropy_gradient", "forgets the 1/N of the mean",
           _GRAD + "    return sigmoid(z) - y"),
    Mutant("binary_cross_entropy_gradient", "label minus prediction",
           _GRAD + "    return (y - sigmoid(z)) / len(y)"),
    Mutant("binary_cross_entropy_gradient", "logit instead of the probability",
           _GRAD + "    return (np.asarray(z) - y) / len(y)"),
    Mutant("binary_cross_entropy_gradient", "multiplies by the sigmoid's slope again",
           _GRAD + "    s = sigmoid(z)\n    return (s - y) * s * (1 - s) / len(y)"),
    Mutant("binary_cross_entropy_gradient", "labels swapped",
           _GRAD + "    return (sigmoid(z) - (1 - y)) / len(y)"),
    Mutant("binary_cross_entropy_gradient", "sigmoid written inline as e^z / (1 + e^z)",
           _GRAD + "    return (np.exp(z) / (1.0 + np.exp(z)) - y) / len(y)"),
    Mutant("logistic_gradient", "forgets the bias in the logits",
           _LOGISTIC + "    dz = binary_cross_entropy_gradient(x @ w, y)\n    return x.T @ dz, float(np.sum(dz))"),
    Mutant("logistic_gradient", "divides by N a second time",
           _LOGISTIC + "    dz = binary_cross_entropy_gradient(x @ w + b, y)\n"
           "    return x.T @ dz / len(y), float(np.mean(dz))"),
    Mutant("logistic_gradient", "bias gradient is the mean instead of the sum",
           _LOGISTIC + "    dz = binary_cross_entropy_gradient(x @ w + b, y)\n    return x.T @ dz, float(np.mean(dz))"),
    Mutant("logistic_gradient", "sums the inputs instead of weighting them by dL/dz",
           _LOGISTIC + "    dz = binary_cross_entropy_gradient(x @ w + b, y)\n"
           "    return x.sum(axis=0) * dz.sum(), float(np.sum(dz))"),
    Mutant("logistic_gradient", "the old formula with a sum instead of a mean",
           _LOGISTIC + "    error = sigmoid(x @ w + b) - y\n    return x.T @ error, float(np.sum(error))"),
    Mutant("train_logistic_regression", "history without the initial loss",
           _TRAIN + "    loss_history = []\n" + _LOOP
           + "        loss_history.append(binary_cross_entropy(x @ w + b, y))\n    return w, b, np.array(loss_history)"),
    Mutant("train_logistic_regression", "loss recorded before the step it belongs to",
           _TRAIN + "    loss_history = [binary_cross_entropy(x @ w + b, y)]\n    for _ in range(n_epochs):\n"
           "        loss_history.append(binary_cross_entropy(x @ w + b, y))\n"
           "        grad_w, grad_b = logistic_gradient(x, y, w, b)\n"
           "        w = w - learning_rate * grad_w\n        b = b - learning_rate * grad_b\n"
           "    return w, b, np.array(loss_history)"),
    Mutant("train_logistic_regression", "updates w_init in place",
           "def train_logistic_regression(x, y, w_init, b_init, learning_rate, n_epochs):\n"
           "    w, b = w_init, float(b_init)\n    loss_history = [binary_cross_entropy(x @ w + b, y)]\n"
           "    for _ in range(n_epochs):\n        grad_w, grad_b = logistic_gradient(x, y, w, b)\n"
           "        w -= learning_rate * grad_w\n        b = b - learning_rate * grad_b\n"
           "        loss_history.append(binary_cross_entropy(x @ w + b, y))\n    return w, b, np.array(loss_history)"),
    Mutant("train_logistic_regression", "never updates the bias",
           _TRAIN + "    loss_history = [binary_cross_entropy(x @ w + b, y)]\n    for _ in range(n_epochs):\n"
           "        grad_w, grad_b = logistic_gradient(x, y, w, b)\n        w = w - learning_rate * grad_w\n"
           "        loss_history.append(binary_cross_entropy(x @ w + b, y))\n    return w, b, np.array(loss_history)"),
    Mutant("train_logistic_regression", "fixed learning rate",
           _TRAIN + "    loss_history = [binary_cross_entropy(x @ w + b, y)]\n    for _ in range(n_epochs):\n"
           "        grad_w, grad_b = logistic_gradient(x, y, w, b)\n        w = w - 0.1 * grad_w\n        b = b - 0.1 * grad_b\n"
           "        loss_history.append(binary_cross_entropy(x @ w + b, y))\n    return w, b, np.array(loss_history)"),
    Mutant("predict_labels", "thresholds the logit at 0.5",
           "def predict_labels(x, w, b):\n    return (x @ w + b >= 0.5).astype(int)"),
    Mutant("predict_labels", "strict inequality at the boundary",
           "def predict_labels(x, w, b):\n    return (x @ w + b > 0).astype(int)"),
    Mutant("predict_labels", "classes swapped",
           "def predict_labels(x, w, b):\n    return (x @ w + b < 0).astype(int)"),
    Mutant("predict_labels", "returns probabilities",
           "def predict_labels(x, w, b):\n    return sigmoid(x @ w + b)"),
    Mutant("predict_labels", "returns booleans",
           "def predict_labels(x, w, b):\n    return x @ w + b >= 0"),
    Mutant("predict_labels", "forgets the bias",
           "def predict_labels(x, w, b):\n    return (x @ w >= 0).astype(int)"),
    Mutant("accuracy", "percentage instead of a fraction",
           "def accuracy(y_true, y_pred):\n    return float(100 * np.mean(np.asarray(y_true) == np.asarray(y_pred)))"),
    Mutant("accuracy", "number of matches",
           "def accuracy(y_true, y_pred):\n    return float(np.sum(np.asarray(y_true) == np.asarray(y_pred)))"),
    Mutant("accuracy", "error rate",
           "def accuracy(y_true, y_pred):\n    return float(np.mean(np.asarray(y_true) != np.asarray(y_pred)))"),
    Mutant("binary_cross_entropy_gradient", "differentiated numerically with dlcourse.gradcheck, not derived",
           "from dlcourse import gradcheck\n\n\ndef binary_cross_entropy_gradient(z, y):\n"
           "    return gradcheck.numeric_grad(lambda t: binary_cross_entropy(t, y), np.array(z, dtype=float))"),
    Mutant("logistic_gradient", "right values, but a Python loop over the points (the exercise forbids it)",
           "def logistic_gradient(x, y, w, b):\n    dz = binary_cross_entropy_gradient(x @ w + b, y)\n"
           "    grad_w = np.zeros_like(w)\n    for i in range(len(y)):\n        grad_w = grad_w + dz[i] * x[i]\n"
           "    return grad_w, float(np.sum(dz))"),
    Mutant("sigmoid", "1 - sigmoid(z) between 0 and 1 (right everywhere else)",
           "def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n    e = np.exp(-np.abs(z))\n"
           "    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))\n    return np.where((z > 0) & (z < 1), 1.0 - s, s)"),
    Mutant("binary_cross_entropy_gradient", "central differences of the per-point loss, written inline",
           "def binary_cross_entropy_gradient(z, y):\n    z, h = np.asarray(z, dtype=float), 1e-5\n"
           "    def per_point(t):\n        return np.logaddexp(0.0, t) - y * t\n"
           "    return (per_point(z + h) - per_point(z - h)) / (2 * h) / len(y)"),
    Mutant("logistic_gradient", "central differences of the mean loss in w and b",
           "def logistic_gradient(x, y, w, b):\n    h = 1e-5\n\n    def loss(w, b):\n"
           "        z = x @ w + b\n        return float(np.mean(np.logaddexp(0.0, z) - y * z))\n\n"
           "    grad_w = np.array([(loss(w + h * e, b) - loss(w - h * e, b)) / (2 * h) for e in np.eye(len(w))])\n"
           "    return grad_w, (loss(w, b + h) - loss(w, b - h)) / (2 * h)"),
]
