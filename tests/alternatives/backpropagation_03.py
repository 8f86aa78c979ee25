"""Correct answers to notebook 03, written otherwise than the instructor's, that must score full marks."""

from tests.mutant_harness import Alternative

NOTEBOOK = "03_backpropagation"

ALTERNATIVES = [
    Alternative("numerical_gradient", "a flat view of a copy",
                "def numerical_gradient(f, x, h=1e-5):\n    work = np.array(x, dtype=float)\n"
                "    flat = work.reshape(-1)\n    out = np.empty(flat.size)\n    for i in range(flat.size):\n"
                "        old = flat[i]\n        flat[i] = old + h\n        up = f(work)\n"
                "        flat[i] = old - h\n        down = f(work)\n        flat[i] = old\n"
                "        out[i] = (up - down) / (2 * h)\n    return out.reshape(work.shape)"),
    Alternative("softmax", "shift inside np.exp",
                "def softmax(z):\n    e = np.exp(z - z.max(axis=-1, keepdims=True))\n"
                "    return e / e.sum(axis=-1, keepdims=True)"),
    Alternative("softmax_cross_entropy", "scipy.special.logsumexp",
                "from scipy.special import logsumexp\n\n\ndef softmax_cross_entropy(z, y):\n"
                "    return float(np.mean(logsumexp(z, axis=1) - np.sum(y * z, axis=1)))"),
    Alternative("softmax_cross_entropy_grad", "z.shape[0] as N",
                "def softmax_cross_entropy_grad(z, y):\n    return (softmax(z) - y) / z.shape[0]"),
    Alternative("train_minibatch", "rng.shuffle of an index array, not rng.permutation",
                "def train_minibatch(layers, x, y, learning_rate, batch_size, n_epochs, rng):\n"
                "    loss_layer = SoftmaxCrossEntropy()\n    history = [loss_layer.forward(forward_all(layers, x), y)]\n"
                "    for _ in range(n_epochs):\n        order = np.arange(len(x))\n        rng.shuffle(order)\n"
                "        for start in range(0, len(x), batch_size):\n            batch = order[start:start + batch_size]\n"
                "            loss_layer.forward(forward_all(layers, x[batch]), y[batch])\n"
                "            backward_all(layers, loss_layer.backward())\n            for layer in layers:\n"
                "                for name in layer.params:\n"
                "                    layer.params[name] = layer.params[name] - learning_rate * layer.grads[name]\n"
                "        history.append(loss_layer.forward(forward_all(layers, x), y))\n    return np.array(history)",
                visible_fail="[FAIL] train_minibatch: got rng methods called: ['shuffle'"),
    Alternative("dense_layer", "np.dot and np.einsum, the input kept as a float copy",
                "class Dense:\n    def __init__(self, W, b):\n"
                "        self.params = {'W': np.array(W, dtype=float), 'b': np.array(b, dtype=float)}\n"
                "        self.grads = {'W': np.zeros_like(self.params['W']), 'b': np.zeros_like(self.params['b'])}\n"
                "        self.x = None\n\n    def forward(self, x):\n        self.x = np.array(x, dtype=float)\n"
                "        return np.dot(self.x, self.params['W']) + self.params['b']\n\n"
                "    def backward(self, grad_out):\n        self.grads['W'] = np.einsum('ni,no->io', self.x, grad_out)\n"
                "        self.grads['b'] = np.sum(grad_out, axis=0)\n        return np.dot(grad_out, self.params['W'].T)"),
    Alternative("sigmoid_layer", "sigmoid through np.logaddexp, the slope as out - out**2",
                "class Sigmoid:\n    def __init__(self):\n        self.params, self.grads = {}, {}\n        self.out = None\n\n"
                "    def forward(self, z):\n        self.out = np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))\n"
                "        return self.out\n\n    def backward(self, grad_out):\n"
                "        return grad_out * (self.out - self.out ** 2)"),
    Alternative("backward_all", "indices counted down",
                "def backward_all(layers, grad_out):\n    for index in range(len(layers) - 1, -1, -1):\n"
                "        grad_out = layers[index].backward(grad_out)\n    return grad_out"),
]
