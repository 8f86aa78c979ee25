# An independent, correct way to write notebook 01's exercises, one body per "YOUR CODE HERE" of the
# release, in order. tests/grader/grading/test_semester.py grades it (full marks once the instructor's
# exact-comparison slip is fixed) and checks that the similarity report does not take it for a copy.
# Bodies are separated by lines of "# ---".
return np.asarray(x, dtype=float) * phi[1] + phi[0]
# ---
errors = y - predict(x, phi)
return float(errors @ errors)
# ---
err = predict(x, phi) - y
return 2 * np.array([err.sum(), err @ x])
# ---
g = loss_gradient(x, y, phi)
return np.array([phi[0] - learning_rate * g[0], phi[1] - learning_rate * g[1]])
# ---
phis = np.zeros((n_epochs + 1, 2))
losses = np.zeros(n_epochs + 1)
phis[0] = phi_init
losses[0] = squared_error_loss(x, y, phis[0])
for k in range(1, n_epochs + 1):
    phis[k] = gradient_descent_step(x, y, phis[k - 1], learning_rate)
    losses[k] = squared_error_loss(x, y, phis[k])
return phis, losses
# ---
n, s, q = x.size, np.sum(x), np.sum(x * x)
half_trace, det = n + q, 4 * (n * q - s * s)
top = half_trace + np.sqrt(half_trace ** 2 - det)
return float(2 / top)
# ---
slope, intercept = np.polyfit(x, y, 1)
return np.array([intercept, slope])
