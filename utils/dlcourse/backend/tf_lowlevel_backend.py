"""Low-level TensorFlow side of the seam: tf.Variable, tf.nn ops, tf.GradientTape, a tf.function step.

Same names, same order and same conventions as ``torch_backend`` and ``tf_backend``; no Keras
inside the model or the training loop (Adam is written out with tf.Variables).

Introduced in 08_lowlevel_tf_vs_keras.
"""

from __future__ import annotations

import math
import time
from typing import Callable

import numpy as np

from dlcourse.backend import tf_backend
from dlcourse.backend.tf_backend import tf

FRAMEWORK = "low-level TF"


def detect_device() -> str:
    """'gpu' when TensorFlow sees a GPU, otherwise 'cpu'."""
    return tf_backend.detect_device()


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow."""
    tf_backend.set_seed(seed)


def set_threads(n_threads: int) -> None:
    """Use ``n_threads`` threads inside each operation and one between operations."""
    tf_backend.set_threads(n_threads)


class LowLevelCNN(tf.Module):
    """Conv 5x5 32, pool, conv 5x5 64, pool, dense ReLU, dense 10, as bare tf.Variables and tf.nn calls."""

    def __init__(self, padding: str = "same", dense_units: int = 1000):
        super().__init__()
        self.padding, self.dense_units = padding.upper(), dense_units
        side = 7 if self.padding == "SAME" else 4
        shapes = [(5, 5, 1, 32), (5, 5, 32, 64), (side * side * 64, dense_units), (dense_units, 10)]
        self.kernels = [tf.Variable(_glorot_uniform(shape)) for shape in shapes]
        self.biases = [tf.Variable(tf.zeros(shape[-1])) for shape in shapes]
        self.step_function = None
        self.slots = None

    def __call__(self, images):
        x = images
        for kernel, bias in zip(self.kernels[:2], self.biases[:2]):
            x = tf.nn.relu(tf.nn.conv2d(x, kernel, strides=1, padding=self.padding) + bias)
            x = tf.nn.max_pool2d(x, ksize=2, strides=2, padding="VALID")
        x = tf.reshape(x, (tf.shape(x)[0], -1))
        x = tf.nn.relu(tf.matmul(x, self.kernels[2]) + self.biases[2])
        return tf.matmul(x, self.kernels[3]) + self.biases[3]


def _glorot_uniform(shape: tuple[int, ...]) -> tf.Tensor:
    """Uniform in ±sqrt(6 / (fan_in + fan_out)), the initialiser Keras uses by default."""
    receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
    limit = math.sqrt(6.0 / (shape[-2] * receptive + shape[-1] * receptive))
    return tf.random.uniform(shape, -limit, limit)


def build_cnn(padding: str = "same", dense_units: int = 1000) -> LowLevelCNN:
    """The paper's network by default ('same' padding, dense 1000); ('valid', 64) gives notebook 07's."""
    return LowLevelCNN(padding, dense_units)


def count_parameters(model: LowLevelCNN) -> int:
    """Number of trainable parameters."""
    return int(sum(np.prod(v.shape) for v in model.trainable_variables))


def describe_layers(model: LowLevelCNN, input_shape: tuple[int, int, int] = (1, 28, 28)) -> list[dict]:
    """Framework-neutral layer list for FLOP counting (see ``tf_backend.describe_layers``)."""
    keras_twin = tf_backend.build_cnn(model.padding.lower(), model.dense_units)
    return tf_backend.describe_layers(keras_twin, input_shape)


def to_inputs(images: np.ndarray, device: str | None = None) -> np.ndarray:
    """float32 array (N, 28, 28, 1) from images (N, 28, 28, 1) or (N, 1, 28, 28)."""
    return tf_backend.to_inputs(images, device)


def _make_step(model: LowLevelCNN, learning_rate: float):
    """The tf.function training step: forward, loss, GradientTape, Adam written out by hand."""
    variables = model.trainable_variables
    model.slots = [(tf.Variable(tf.zeros_like(v), trainable=False), tf.Variable(tf.zeros_like(v), trainable=False))
                   for v in variables]
    count = tf.Variable(0.0, trainable=False)
    model.slots.append((count, count))
    beta1, beta2, epsilon = 0.9, 0.999, 1e-7

    @tf.function(input_signature=[tf.TensorSpec((None, 28, 28, 1), tf.float32), tf.TensorSpec((None,), tf.int64)])
    def step(images, labels):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, model(images)))
        gradients = tape.gradient(loss, variables)
        count.assign_add(1.0)
        rate = learning_rate * tf.sqrt(1 - beta2 ** count) / (1 - beta1 ** count)
        for variable, gradient, (mean, square) in zip(variables, gradients, model.slots):
            mean.assign(beta1 * mean + (1 - beta1) * gradient)
            square.assign(beta2 * square + (1 - beta2) * tf.square(gradient))
            variable.assign_sub(rate * mean / (tf.sqrt(square) + epsilon))
        return loss

    return step


def train_epochs(model: LowLevelCNN, x, y, epochs: int = 1, batch_size: int = 32, learning_rate: float = 1e-3,
                 max_steps: int | None = None, progress: bool = False,
                 on_epoch_end: Callable[[int], None] | None = None) -> dict:
    """Train with a hand-written Adam and cross-entropy, reshuffling every epoch.

    Args:
        on_epoch_end: called with the epoch's index (from 0) after each epoch, e.g. to evaluate.
    Returns:
        {'loss': mean training loss per epoch, 'steps': batches run, 'seconds': wall time}.
    """
    if model.step_function is None:
        model.step_function = _make_step(model, learning_rate)
    x, y = tf.constant(to_inputs(x)), tf.constant(np.asarray(y, dtype=np.int64))
    history, steps, start = [], 0, time.perf_counter()
    for epoch in range(epochs):
        order = tf.random.shuffle(tf.range(len(y)))
        batches = range(0, len(y), batch_size)
        if progress:
            from tqdm.auto import tqdm
            batches = tqdm(batches, desc=f"{FRAMEWORK} epoch {epoch + 1}/{epochs}", leave=False)
        losses = []
        for begin in batches:
            index = order[begin:begin + batch_size]
            losses.append(model.step_function(tf.gather(x, index), tf.gather(y, index)))
            steps += 1
            if max_steps is not None and steps >= max_steps:
                break
        history.append(float(tf.reduce_mean(tf.stack(losses))))
        if max_steps is not None and steps >= max_steps:
            break
        if on_epoch_end is not None:
            on_epoch_end(epoch)
    return {"loss": history, "steps": steps, "seconds": time.perf_counter() - start}


def evaluate(model: LowLevelCNN, x, y, batch_size: int = 1000) -> tuple[float, float]:
    """Mean cross-entropy and accuracy on (x, y)."""
    x, y = to_inputs(x), np.asarray(y, dtype=np.int64)
    logits = np.concatenate([model(tf.constant(x[i:i + batch_size])).numpy() for i in range(0, len(x), batch_size)])
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
    return float(loss), float(np.mean(np.argmax(logits, axis=1) == y))


def snapshot_weights(model: LowLevelCNN) -> list:
    """A copy of the model's weights, to undo a warm-up run."""
    return [v.numpy().copy() for v in model.trainable_variables]


def restore_weights(model: LowLevelCNN, snapshot: list) -> None:
    """Put back weights saved by ``snapshot_weights`` and zero Adam's moments and step count."""
    for variable, value in zip(model.trainable_variables, snapshot):
        variable.assign(value)
    for mean, square in model.slots or []:
        mean.assign(tf.zeros_like(mean))
        square.assign(tf.zeros_like(square))


def export_weights(model: LowLevelCNN) -> list[np.ndarray]:
    """The weights in the course's neutral layout, TensorFlow's: [kernel, bias] per layer, in order."""
    return [v.numpy().copy() for pair in zip(model.kernels, model.biases) for v in pair]


def import_weights(model: LowLevelCNN, arrays: list) -> None:
    """Set the weights from ``export_weights``'s layout (e.g. a Keras model's ``get_weights()``)."""
    for variable, array in zip([v for pair in zip(model.kernels, model.biases) for v in pair], arrays):
        variable.assign(np.asarray(array, dtype=np.float32))


def synchronize() -> None:
    """Wait until queued device work has finished."""
    tf_backend.synchronize()


def reset_peak_device_memory() -> None:
    """Start a new peak for ``peak_device_memory`` (GPU only)."""
    tf_backend.reset_peak_device_memory()


def peak_device_memory() -> int | None:
    """Peak bytes held by TensorFlow's GPU allocator since the last reset, or None on the CPU."""
    return tf_backend.peak_device_memory()
