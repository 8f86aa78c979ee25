"""TensorFlow/Keras side of the framework seam; parallel, name for name, to ``torch_backend``.

Images enter as float32 arrays (N, 28, 28, 1) or (N, 1, 28, 28) in [0, 1]; labels as int arrays (N,).
TensorFlow's C++ log lines are silenced: TF_CPP_MIN_LOG_LEVEL=3 unless the caller set it, and the
import runs inside ``env.silence_native_stderr``.

Introduced in 07_keras_vs_pytorch.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable

import numpy as np

from dlcourse.env import silence_native_stderr

if "torch" in sys.modules and "triton" not in sys.modules:
    # Triton's native library clashes with TensorFlow's when it is loaded after it (a segfault in
    # PyTorch's first optimizer step): load it now, through torch._dynamo, before TensorFlow.
    import torch._dynamo  # noqa: F401

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
with silence_native_stderr():
    import keras
    import tensorflow as tf

    _gpus = tf.config.list_physical_devices("GPU")  # the first probe may print CUDA messages: silenced too
for _gpu in _gpus:
    try:  # grow GPU memory on demand, so that a PyTorch process or kernel can share the GPU
        tf.config.experimental.set_memory_growth(_gpu, True)
    except RuntimeError:  # the GPU was initialised before this module was imported
        pass

FRAMEWORK = "Keras"


def detect_device() -> str:
    """'gpu' when TensorFlow sees a GPU (Colab with a GPU runtime), otherwise 'cpu'."""
    return "gpu" if tf.config.list_physical_devices("GPU") else "cpu"


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow (``keras.utils.set_random_seed``)."""
    keras.utils.set_random_seed(seed)


def set_threads(n_threads: int) -> None:
    """Use ``n_threads`` threads inside each operation and one between operations.

    Works only before TensorFlow has run its first operation in this process.
    """
    try:
        tf.config.threading.set_intra_op_parallelism_threads(n_threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # the runtime is already initialised
        pass


def build_cnn(padding: str = "valid", dense_units: int = 64) -> keras.Model:
    """Conv 32 5x5 ReLU, MaxPool 2, Conv 64 5x5 ReLU, MaxPool 2, Flatten, Dense ReLU, Dense 10.

    Args:
        padding: 'valid' (notebook 07: 118,346 parameters with dense_units=64) or
            'same' (notebook 08's paper network with dense_units=1000).
    Returns:
        A ``keras.Sequential`` mapping (N, 28, 28, 1) to logits (N, 10).
    """
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, 5, padding=padding, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 5, padding=padding, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dense(dense_units, activation="relu"), keras.layers.Dense(10),
    ])


def count_parameters(model: keras.Model) -> int:
    """Number of trainable parameters."""
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def describe_layers(model: keras.Model, input_shape: tuple[int, int, int] = (1, 28, 28)) -> list[dict]:
    """Framework-neutral layer list for FLOP counting (``dlcourse.bench.count_flops``).

    Returns:
        One dict per layer: kind ('conv2d', 'maxpool2d', 'dense', 'flatten', 'other'), input and output
        shapes (C, H, W) or (features,), kernel (kh, kw) and activation ('relu' or None).
    """
    kinds = {keras.layers.Conv2D: "conv2d", keras.layers.MaxPooling2D: "maxpool2d",
             keras.layers.Dense: "dense", keras.layers.Flatten: "flatten", keras.layers.ReLU: "relu"}
    channels, height, width = input_shape
    shape, layers = (None, height, width, channels), []
    for layer in model.layers:
        output = tuple(layer.compute_output_shape(shape))
        activation = getattr(getattr(layer, "activation", None), "__name__", None)
        layers.append({"kind": kinds.get(type(layer), "other"), "input": _channels_first(shape),
                       "output": _channels_first(output), "kernel": getattr(layer, "kernel_size", None),
                       "activation": activation if activation in ("relu",) else None})
        shape = output
    return layers


def _channels_first(shape: tuple) -> tuple[int, ...]:
    """(None, H, W, C) -> (C, H, W); (None, F) -> (F,)."""
    dims = tuple(int(d) for d in shape[1:])
    return (dims[2], dims[0], dims[1]) if len(dims) == 3 else dims


def to_inputs(images: np.ndarray, device: str | None = None) -> np.ndarray:
    """float32 array (N, 28, 28, 1) from images (N, 28, 28, 1) or (N, 1, 28, 28); Keras places it itself."""
    array = np.asarray(images, dtype=np.float32)
    if array.ndim == 4 and array.shape[1] == 1 and array.shape[-1] != 1:
        array = np.transpose(array, (0, 2, 3, 1))
    return np.ascontiguousarray(array)


class _TqdmCallback(keras.callbacks.Callback):
    """One tqdm bar per epoch, advanced after every batch."""

    def __init__(self, epochs: int, steps: int):
        super().__init__()
        self.epochs, self.steps, self.bar = epochs, steps, None

    def on_epoch_begin(self, epoch, logs=None):
        from tqdm.auto import tqdm
        self.bar = tqdm(total=self.steps, desc=f"{FRAMEWORK} epoch {epoch + 1}/{self.epochs}", leave=False)

    def on_train_batch_end(self, batch, logs=None):
        self.bar.update(1)

    def on_epoch_end(self, epoch, logs=None):
        self.bar.close()


def train_epochs(model: keras.Model, x, y, epochs: int = 1, batch_size: int = 32, learning_rate: float = 1e-3,
                 max_steps: int | None = None, progress: bool = False,
                 on_epoch_end: Callable[[int], None] | None = None) -> dict:
    """Train with Adam and cross-entropy through ``compile`` and ``fit`` (shuffled every epoch).

    Args:
        x: images (see ``to_inputs``); y: int labels (N,).
        max_steps: train on only max_steps batches, one epoch (warm-up runs).
        progress: show a tqdm bar per epoch.
        on_epoch_end: called with the epoch's index (from 0) after each epoch, e.g. to evaluate.
    Returns:
        {'loss': mean training loss per epoch, 'steps': batches run, 'seconds': wall time}.
    """
    x, y = to_inputs(x), np.asarray(y, dtype=np.int64)
    if max_steps is not None:
        x, y, epochs = x[:max_steps * batch_size], y[:max_steps * batch_size], 1
    if not model.compiled:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    steps = -(-len(x) // batch_size)
    callbacks = [_TqdmCallback(epochs, steps)] if progress else []
    if on_epoch_end is not None:
        callbacks.append(keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: on_epoch_end(epoch)))
    start = time.perf_counter()
    fitted = model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0, callbacks=callbacks)
    return {"loss": [float(v) for v in fitted.history["loss"]], "steps": steps * epochs,
            "seconds": time.perf_counter() - start}


def evaluate(model: keras.Model, x, y, batch_size: int = 1000) -> tuple[float, float]:
    """Mean cross-entropy and accuracy on (x, y); Keras runs inference with training=False."""
    logits = model.predict(to_inputs(x), batch_size=batch_size, verbose=0)
    y = np.asarray(y, dtype=np.int64)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, logits)
    return float(loss), float(np.mean(np.argmax(logits, axis=1) == y))


def snapshot_weights(model: keras.Model) -> list:
    """A copy of the model's weights, to undo a warm-up run."""
    return [w.copy() for w in model.get_weights()]


def restore_weights(model: keras.Model, snapshot: list) -> None:
    """Put back weights saved by ``snapshot_weights`` and zero the optimizer's state (Adam moments and step count; the learning rate stays)."""
    model.set_weights(snapshot)
    if model.compiled and model.optimizer is not None:
        for variable in model.optimizer.variables:
            if not variable.path.endswith("learning_rate"):
                variable.assign(tf.zeros_like(variable))


def export_weights(model: keras.Model) -> list[np.ndarray]:
    """The weights in the course's neutral layout, TensorFlow's own: [kernel, bias] per layer, in order."""
    return [w.copy() for w in model.get_weights()]


def import_weights(model: keras.Model, arrays: list) -> None:
    """Set the weights from ``export_weights``'s layout."""
    model.set_weights([np.asarray(a, dtype=np.float32) for a in arrays])


def synchronize() -> None:
    """Wait until queued device work has finished; Keras's fit returns only after its last step."""
    if tf.config.list_physical_devices("GPU"):
        tf.test.experimental.sync_devices()


def reset_peak_device_memory() -> None:
    """Start a new peak for ``peak_device_memory`` (GPU only)."""
    if tf.config.list_physical_devices("GPU"):
        tf.config.experimental.reset_memory_stats("GPU:0")


def peak_device_memory() -> int | None:
    """Peak bytes held by TensorFlow's GPU allocator since the last reset, or None on the CPU."""
    if not tf.config.list_physical_devices("GPU"):
        return None
    return int(tf.config.experimental.get_memory_info("GPU:0")["peak"])
