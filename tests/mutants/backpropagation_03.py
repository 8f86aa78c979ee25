"""Wrong answers to notebook 03 that its hidden tests must reject."""

from tests.mutant_harness import Mutant

NOTEBOOK = "03_backpropagation"


def _numerical_gradient(loop: str) -> str:
    return ("def numerical_gradient(f, x, h=1e-5):\n    point = np.array(x, dtype=float)\n"
            "    grad = np.zeros_like(point)\n" + loop + "    return grad")


def _dense(forward: str, backward: str) -> str:
    """The Dense class with the given bodies of forward and backward (8 spaces of indent)."""
    return ("class Dense:\n"
            "    def __init__(self, W, b):\n"
            "        self.params = {'W': np.array(W, dtype=float), 'b': np.array(b, dtype=float)}\n"
            "        self.grads = {'W': np.zeros_like(self.params['W']), 'b': np.zeros_like(self.params['b'])}\n"
            "        self.x = None\n\n"
            "    def forward(self, x):\n" + forward + "\n\n"
            "    def backward(self, grad_out):\n" + backward)


DENSE_FORWARD = "        self.x = x\n        return x @ self.params['W'] + self.params['b']"
DENSE_BACKWARD = ("        self.grads['W'] = self.x.T @ grad_out\n        self.grads['b'] = grad_out.sum(axis=0)\n"
                  "        return grad_out @ self.params['W'].T")


def _sigmoid_layer(forward: str, backward: str) -> str:
    return ("class Sigmoid:\n"
            "    def __init__(self):\n        self.params, self.grads = {}, {}\n        self.out = None\n\n"
            "    def forward(self, z):\n" + forward + "\n\n"
            "    def backward(self, grad_out):\n" + backward)


SIGMOID_FORWARD = "        self.out = sigmoid(z)\n        return self.out"
SIGMOID_BACKWARD = "        return grad_out * self.out * (1.0 - self.out)"


def _train(epoch_loop: str, start: str = "    history = [loss_layer.forward(forward_all(layers, x), y)]\n",
           end: str = "    return np.array(history)") -> str:
    """train_minibatch with the given body of the epoch loop (8 spaces of indent)."""
    return ("def train_minibatch(layers, x, y, learning_rate, batch_size, n_epochs, rng):\n"
            "    loss_layer = SoftmaxCrossEntropy()\n" + start +
            "    for _ in range(n_epochs):\n" + epoch_loop + end)


def _update(sign: str = "-", names: str = "layer.params") -> str:
    return ("            for layer in layers:\n"
            f"                for name in {names}:\n"
            f"                    layer.params[name] = layer.params[name] {sign} learning_rate * layer.grads[name]\n")


STEP = ("            loss_layer.forward(forward_all(layers, x[batch]), y[batch])\n"
        "            backward_all(layers, loss_layer.backward())\n")
SLICES = ("        order = rng.permutation(len(x))\n"
          "        for start in range(0, len(x), batch_size):\n"
          "            batch = order[start:start + batch_size]\n")
FULL_LOSS = "        history.append(loss_layer.forward(forward_all(layers, x), y))\n"

MUTANTS = [
    # Exercise 1: numerical_gradient
    Mutant("numerical_gradient", "one-sided difference", _numerical_gradient(
        "    for index in np.ndindex(point.shape):\n        saved = point[index]\n        f0 = f(point)\n"
        "        point[index] = saved + h\n        grad[index] = (f(point) - f0) / h\n        point[index] = saved\n")),
    Mutant("numerical_gradient", "divides by h instead of 2h", _numerical_gradient(
        "    for index in np.ndindex(point.shape):\n        saved = point[index]\n        point[index] = saved + h\n"
        "        f_plus = f(point)\n        point[index] = saved - h\n        f_minus = f(point)\n"
        "        point[index] = saved\n        grad[index] = (f_plus - f_minus) / h\n")),
    Mutant("numerical_gradient", "ignores the step it is given", _numerical_gradient(
        "    for index in np.ndindex(point.shape):\n        saved = point[index]\n        point[index] = saved + 1e-5\n"
        "        f_plus = f(point)\n        point[index] = saved - 1e-5\n        f_minus = f(point)\n"
        "        point[index] = saved\n        grad[index] = (f_plus - f_minus) / 2e-5\n")),
    Mutant("numerical_gradient", "nudges x itself and never puts entries back",
           "def numerical_gradient(f, x, h=1e-5):\n    grad = np.zeros_like(x)\n"
           "    for index in np.ndindex(x.shape):\n        saved = x[index]\n        x[index] = saved + h\n"
           "        f_plus = f(x)\n        x[index] = saved - h\n        f_minus = f(x)\n"
           "        grad[index] = (f_plus - f_minus) / (2 * h)\n    return grad"),
    Mutant("numerical_gradient", "loops over the first axis only (whole rows nudged)", _numerical_gradient(
        "    for index in range(len(point)):\n        saved = point[index].copy()\n        point[index] = saved + h\n"
        "        f_plus = f(point)\n        point[index] = saved - h\n        f_minus = f(point)\n"
        "        point[index] = saved\n        grad[index] = (f_plus - f_minus) / (2 * h)\n")),
    # Exercise 2: softmax
    Mutant("softmax", "normalises over the examples (axis 0)",
           "def softmax(z):\n    exps = np.exp(z - np.max(z, axis=0, keepdims=True))\n"
           "    return exps / np.sum(exps, axis=0, keepdims=True)"),
    Mutant("softmax", "no maximum subtracted (overflows)",
           "def softmax(z):\n    exps = np.exp(z)\n    return exps / np.sum(exps, axis=-1, keepdims=True)"),
    Mutant("softmax", "one maximum over the whole array",
           "def softmax(z):\n    exps = np.exp(z - np.max(z))\n    return exps / np.sum(exps, axis=-1, keepdims=True)"),
    Mutant("softmax", "axis=1 (fails for a single vector)",
           "def softmax(z):\n    exps = np.exp(z - np.max(z, axis=1, keepdims=True))\n"
           "    return exps / np.sum(exps, axis=1, keepdims=True)"),
    Mutant("softmax", "sum without keepdims",
           "def softmax(z):\n    exps = np.exp(z - np.max(z, axis=-1, keepdims=True))\n    return exps / np.sum(exps, axis=-1)"),
    # Exercise 3: softmax_cross_entropy
    Mutant("softmax_cross_entropy", "sum over the batch instead of the mean",
           "def softmax_cross_entropy(z, y):\n    m = np.max(z, axis=1, keepdims=True)\n"
           "    log_probs = z - m - np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))\n"
           "    return float(-np.sum(y * log_probs))"),
    Mutant("softmax_cross_entropy", "loss with the sign flipped",
           "def softmax_cross_entropy(z, y):\n    m = np.max(z, axis=1, keepdims=True)\n"
           "    log_probs = z - m - np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))\n"
           "    return float(np.mean(np.sum(y * log_probs, axis=1)))"),
    Mutant("softmax_cross_entropy", "log of clipped softmax probabilities",
           "def softmax_cross_entropy(z, y):\n    exps = np.exp(z - np.max(z, axis=1, keepdims=True))\n"
           "    probs = exps / exps.sum(axis=1, keepdims=True)\n"
           "    return float(-np.mean(np.sum(y * np.log(np.clip(probs, 1e-12, 1.0)), axis=1)))"),
    Mutant("softmax_cross_entropy", "log-sum-exp without the maximum",
           "def softmax_cross_entropy(z, y):\n    log_probs = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))\n"
           "    return float(-np.mean(np.sum(y * log_probs, axis=1)))"),
    Mutant("softmax_cross_entropy", "log-softmax over the examples (axis 0)",
           "def softmax_cross_entropy(z, y):\n    m = np.max(z, axis=0, keepdims=True)\n"
           "    log_probs = z - m - np.log(np.sum(np.exp(z - m), axis=0, keepdims=True))\n"
           "    return float(-np.mean(np.sum(y * log_probs, axis=1)))"),
    # Exercise 4: softmax_cross_entropy_grad
    Mutant("softmax_cross_entropy_grad", "forgets the 1/N of the mean",
           "def softmax_cross_entropy_grad(z, y):\n    return softmax(z) - y"),
    Mutant("softmax_cross_entropy_grad", "gradient with the sign flipped",
           "def softmax_cross_entropy_grad(z, y):\n    return (y - softmax(z)) / len(z)"),
    Mutant("softmax_cross_entropy_grad", "keeps only the diagonal of the softmax derivative",
           "def softmax_cross_entropy_grad(z, y):\n    p = softmax(z)\n    return -y * (1 - p) / len(z)"),
    Mutant("softmax_cross_entropy_grad", "gradient with respect to the probabilities",
           "def softmax_cross_entropy_grad(z, y):\n    return -y / softmax(z) / len(z)"),
    Mutant("softmax_cross_entropy_grad", "sigmoid instead of softmax",
           "def softmax_cross_entropy_grad(z, y):\n    return (1 / (1 + np.exp(-z)) - y) / len(z)"),
    Mutant("softmax_cross_entropy_grad", "subtracts 1 at the argmax of y (assumes one-hot)",
           "def softmax_cross_entropy_grad(z, y):\n    g = softmax(z).copy()\n"
           "    g[np.arange(len(z)), np.argmax(y, axis=1)] -= 1\n    return g / len(z)"),
    Mutant("softmax_cross_entropy_grad", "averaged over the examples instead of one row each",
           "def softmax_cross_entropy_grad(z, y):\n    return (softmax(z) - y).mean(axis=0)"),
    # Exercise 5: Dense
    Mutant("dense_layer", "forward forgets the bias",
           _dense("        self.x = x\n        return x @ self.params['W']", DENSE_BACKWARD)),
    Mutant("dense_layer", "forward keeps its output instead of its input",
           _dense("        self.x = x @ self.params['W'] + self.params['b']\n        return self.x", DENSE_BACKWARD)),
    Mutant("dense_layer", "forward multiplies by the transposed weights",
           _dense("        self.x = x\n        return x @ self.params['W'].T + self.params['b']", DENSE_BACKWARD)),
    Mutant("dense_layer", "dW transposed",
           _dense(DENSE_FORWARD, DENSE_BACKWARD.replace("self.x.T @ grad_out", "grad_out.T @ self.x"))),
    Mutant("dense_layer", "db averaged over the examples",
           _dense(DENSE_FORWARD, DENSE_BACKWARD.replace("grad_out.sum(axis=0)", "grad_out.mean(axis=0)"))),
    Mutant("dense_layer", "db summed over the outputs",
           _dense(DENSE_FORWARD, DENSE_BACKWARD.replace("grad_out.sum(axis=0)", "grad_out.sum(axis=1)"))),
    Mutant("dense_layer", "dW divided by N a second time",
           _dense(DENSE_FORWARD, DENSE_BACKWARD.replace("self.x.T @ grad_out", "self.x.T @ grad_out / len(grad_out)"))),
    Mutant("dense_layer", "dx through W instead of W.T",
           _dense(DENSE_FORWARD, DENSE_BACKWARD.replace("grad_out @ self.params['W'].T", "grad_out @ self.params['W']"))),
    Mutant("dense_layer", "returns the upstream gradient instead of dJ/dx",
           _dense(DENSE_FORWARD, DENSE_BACKWARD.replace("return grad_out @ self.params['W'].T", "return grad_out"))),
    # Exercise 6: Sigmoid
    Mutant("sigmoid_layer", "forward keeps its input",
           _sigmoid_layer("        self.out = z\n        return sigmoid(z)", SIGMOID_BACKWARD)),
    Mutant("sigmoid_layer", "forward uses exp(+z)",
           _sigmoid_layer("        self.out = 1 / (1 + np.exp(z))\n        return self.out", SIGMOID_BACKWARD)),
    Mutant("sigmoid_layer", "backward applies sigmoid to the kept output again",
           _sigmoid_layer(SIGMOID_FORWARD, "        s = sigmoid(self.out)\n        return grad_out * s * (1 - s)")),
    Mutant("sigmoid_layer", "backward forgets the upstream gradient",
           _sigmoid_layer(SIGMOID_FORWARD, "        return self.out * (1.0 - self.out)")),
    Mutant("sigmoid_layer", "backward multiplies by the output only",
           _sigmoid_layer(SIGMOID_FORWARD, "        return grad_out * self.out")),
    Mutant("sigmoid_layer", "backward changes grad_out in place",
           _sigmoid_layer(SIGMOID_FORWARD, "        grad_out *= self.out * (1.0 - self.out)\n        return grad_out")),
    # Exercise 7: backward_all
    Mutant("backward_all", "first layer first",
           "def backward_all(layers, grad_out):\n    for layer in layers:\n        grad_out = layer.backward(grad_out)\n"
           "    return grad_out"),
    Mutant("backward_all", "every layer gets the network's upstream gradient",
           "def backward_all(layers, grad_out):\n    result = grad_out\n    for layer in reversed(layers):\n"
           "        result = layer.backward(grad_out)\n    return result"),
    Mutant("backward_all", "returns the gradient it was given",
           "def backward_all(layers, grad_out):\n    g = grad_out\n    for layer in reversed(layers):\n"
           "        g = layer.backward(g)\n    return grad_out"),
    Mutant("backward_all", "skips the first layer",
           "def backward_all(layers, grad_out):\n    for layer in reversed(layers[1:]):\n"
           "        grad_out = layer.backward(grad_out)\n    return grad_out"),
    Mutant("backward_all", "skips layers without parameters",
           "def backward_all(layers, grad_out):\n    for layer in reversed(layers):\n        if layer.params:\n"
           "            grad_out = layer.backward(grad_out)\n    return grad_out"),
    # Exercise 8: train_minibatch
    Mutant("train_minibatch", "records the last batch's loss each epoch", _train(
        SLICES + "            last = loss_layer.forward(forward_all(layers, x[batch]), y[batch])\n"
        "            backward_all(layers, loss_layer.backward())\n" + _update() + "        history.append(last)\n")),
    Mutant("train_minibatch", "records the mean of the epoch's batch losses", _train(
        "        batch_losses = []\n" + SLICES +
        "            batch_losses.append(loss_layer.forward(forward_all(layers, x[batch]), y[batch]))\n"
        "            backward_all(layers, loss_layer.backward())\n" + _update() +
        "        history.append(np.mean(batch_losses))\n")),
    Mutant("train_minibatch", "history shifted by one epoch (loss taken before the epoch's updates)", _train(
        FULL_LOSS + SLICES + STEP + _update())),
    Mutant("train_minibatch", "history without the initial loss", _train(
        SLICES + STEP + _update() + FULL_LOSS, start="    history = []\n")),
    Mutant("train_minibatch", "shuffles once, before the first epoch",
           _train("        for start in range(0, len(x), batch_size):\n"
                  "            batch = order[start:start + batch_size]\n" + STEP + _update() + FULL_LOSS,
                  start="    history = [loss_layer.forward(forward_all(layers, x), y)]\n"
                        "    order = rng.permutation(len(x))\n")),
    Mutant("train_minibatch", "never shuffles", _train(
        "        for start in range(0, len(x), batch_size):\n"
        "            batch = np.arange(len(x))[start:start + batch_size]\n" + STEP + _update() + FULL_LOSS)),
    Mutant("train_minibatch", "drops the last, shorter batch", _train(
        "        order = rng.permutation(len(x))\n"
        "        for start in range(0, len(x) - batch_size + 1, batch_size):\n"
        "            batch = order[start:start + batch_size]\n" + STEP + _update() + FULL_LOSS)),
    Mutant("train_minibatch", "steps uphill", _train(SLICES + STEP + _update(sign="+") + FULL_LOSS)),
    Mutant("train_minibatch", "updates the weights but not the biases",
           _train(SLICES + STEP + _update(names="[n for n in layer.params if n != 'b']") + FULL_LOSS)),
    Mutant("train_minibatch", "draws the permutation from NumPy's global generator", _train(
        "        order = np.random.permutation(len(x))\n"
        "        for start in range(0, len(x), batch_size):\n"
        "            batch = order[start:start + batch_size]\n" + STEP + _update() + FULL_LOSS)),
    Mutant("numerical_gradient", "calls dlcourse.gradcheck instead of writing the central difference",
           "from dlcourse import gradcheck\n\n\ndef numerical_gradient(f, x, h=1e-5):\n"
           "    return gradcheck.numeric_grad(f, np.array(x, dtype=float), h)"),
    Mutant("softmax_cross_entropy_grad", "differentiated numerically, not derived",
           "def softmax_cross_entropy_grad(z, y):\n"
           "    return numerical_gradient(lambda t: softmax_cross_entropy(t, y), z)"),
    Mutant("numerical_gradient", "works on a copy but never puts an entry back after nudging it",
           "def numerical_gradient(f, x, h=1e-5):\n    point = np.array(x, dtype=float)\n    grad = np.zeros_like(point)\n"
           "    for index in np.ndindex(point.shape):\n        saved = point[index]\n        point[index] = saved + h\n"
           "        f_plus = f(point)\n        point[index] = saved - h\n        f_minus = f(point)\n"
           "        grad[index] = (f_plus - f_minus) / (2 * h)\n    return grad"),
    Mutant("softmax", "subtracts each row's minimum instead of its maximum",
           "def softmax(z):\n    e = np.exp(z - np.min(z, axis=-1, keepdims=True))\n    return e / np.sum(e, axis=-1, keepdims=True)"),
    Mutant("train_minibatch", "the loss history computed with the loss's two arguments swapped",
           _train(SLICES + STEP + _update() + "        history.append(loss_layer.forward(y, forward_all(layers, x)))\n",
                  start="    history = [loss_layer.forward(y, forward_all(layers, x))]\n")),
    Mutant("softmax_cross_entropy_grad", "central differences of the per-row loss, written inline",
           "def softmax_cross_entropy_grad(z, y):\n    z, h = np.asarray(z, dtype=float), 1e-5\n\n"
           "    def per_row(t):\n        m = t.max(axis=1, keepdims=True)\n"
           "        return -np.sum(y * (t - m - np.log(np.sum(np.exp(t - m), axis=1, keepdims=True))), axis=1)\n\n"
           "    grad = np.zeros_like(z)\n    for k in range(z.shape[1]):\n        step = np.zeros_like(z)\n"
           "        step[:, k] = h\n        grad[:, k] = (per_row(z + step) - per_row(z - step)) / (2 * h)\n"
           "    return grad / len(z)"),
]
