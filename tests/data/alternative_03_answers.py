# An independent, correct way to write notebook 03's exercises (graded 30 of 30 by `python -m autograder grade`), one body per "YOUR CODE HERE" of the
# release, in order. tests/grader/reports/test_similarity.py checks that the similarity report does not
# take it for a copy of the reference solution. Bodies are separated by lines of "# ---".
x = np.asarray(x, dtype=float)
out = np.empty(x.shape)
flat_x = x.copy().reshape(-1)
flat_out = out.reshape(-1)
for i in range(flat_x.size):
    old = flat_x[i]
    flat_x[i] = old + h
    up = f(flat_x.reshape(x.shape))
    flat_x[i] = old - h
    down = f(flat_x.reshape(x.shape))
    flat_x[i] = old
    flat_out[i] = (up - down) / (2.0 * h)
return out
# ---
e = np.exp(z - z.max(axis=-1, keepdims=True))
return e / e.sum(axis=-1, keepdims=True)
# ---
shifted = z - z.max(axis=1, keepdims=True)
log_norm = np.log(np.exp(shifted).sum(axis=1))
return float(np.mean(log_norm - (y * shifted).sum(axis=1)))
# ---
n = z.shape[0]
return (softmax(z) - y) / n
# ---
self.x = x
z = np.dot(x, self.params["W"])
return z + self.params["b"]
# ---
W = self.params["W"]
self.grads["W"] = np.dot(self.x.T, grad_out)
self.grads["b"] = np.sum(grad_out, axis=0)
return np.dot(grad_out, W.T)
# ---
self.out = np.where(z >= 0, 1.0 / (1.0 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))))
return self.out
# ---
s = self.out
return grad_out * s * (1 - s)
# ---
g = grad_out
for i in range(len(layers) - 1, -1, -1):
    g = layers[i].backward(g)
return g
# ---
loss = SoftmaxCrossEntropy()

def full_loss():
    return loss.forward(forward_all(layers, x), y)

history = [full_loss()]
n = x.shape[0]
for epoch in range(n_epochs):
    perm = rng.permutation(n)
    x_shuf, y_shuf = x[perm], y[perm]
    for lo in range(0, n, batch_size):
        xb, yb = x_shuf[lo:lo + batch_size], y_shuf[lo:lo + batch_size]
        loss.forward(forward_all(layers, xb), yb)
        backward_all(layers, loss.backward())
        for layer in layers:
            for key, value in layer.params.items():
                value -= learning_rate * layer.grads[key]
    history.append(full_loss())
return np.asarray(history)
