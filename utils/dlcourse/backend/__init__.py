"""The framework seam: one module per framework, parallel name for name and in the same order.

``torch_backend`` and ``tf_backend`` both provide::

    detect_device, set_seed, set_threads, build_cnn, count_parameters, describe_layers,
    to_inputs, train_epochs, evaluate, snapshot_weights, restore_weights, export_weights,
    import_weights, synchronize, reset_peak_device_memory, peak_device_memory

``export_weights`` and ``import_weights`` use one neutral layout, TensorFlow's, so that a run in
one framework can start from exactly the weights drawn by another.

``tf_lowlevel_backend`` (notebook 08) provides the same names for a network written with
tf.Variable, tf.nn operations and tf.GradientTape, without Keras.

Notebooks and the benchmark harness call only these names. Importing this package
imports no framework; ``load_backend("torch")`` imports the one asked for.

Introduced in 07_keras_vs_pytorch.
"""

from __future__ import annotations

import importlib
from types import ModuleType

FRAMEWORKS = {"torch": "dlcourse.backend.torch_backend", "tf": "dlcourse.backend.tf_backend",
              "tf_lowlevel": "dlcourse.backend.tf_lowlevel_backend"}


def load_backend(framework: str) -> ModuleType:
    """The backend module for ``"torch"`` or ``"tf"`` (imports that framework)."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}; expected one of {sorted(FRAMEWORKS)}")
    return importlib.import_module(FRAMEWORKS[framework])
