"""Tests of the framework seam dlcourse.backend: parallel APIs, the shared CNN, training and evaluation.

TensorFlow runs in a subprocess so that it never shares the pytest process with torch
(see torch_backend: Triton and TensorFlow must be loaded in a fixed order).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BACKEND_DIR = Path(__file__).resolve().parents[1] / "utils" / "dlcourse" / "backend"


def public_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")]


def test_backends_are_parallel_name_for_name_in_the_same_order():
    torch_names = public_functions(BACKEND_DIR / "torch_backend.py")
    tf_names = public_functions(BACKEND_DIR / "tf_backend.py")
    assert torch_names == tf_names
    assert public_functions(BACKEND_DIR / "tf_lowlevel_backend.py") == torch_names
    assert {"build_cnn", "train_epochs", "evaluate", "count_parameters", "peak_device_memory"} <= set(torch_names)


def test_importing_the_backend_package_imports_no_framework():
    code = ("import sys, dlcourse.backend; "
            "print(sorted(m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_load_backend_rejects_unknown_frameworks():
    from dlcourse.backend import load_backend

    with pytest.raises(ValueError, match="unknown framework 'jax'"):
        load_backend("jax")


@pytest.fixture(scope="module")
def torch_backend():
    import torch  # noqa: F401 (pinned in requirements.lock)
    from dlcourse.backend import load_backend

    return load_backend("torch")


def test_torch_cnn_has_118346_parameters_and_maps_to_ten_logits(torch_backend):
    import torch

    model = torch_backend.build_cnn()
    assert torch_backend.count_parameters(model) == 118_346
    assert tuple(model(torch.zeros(3, 1, 28, 28)).shape) == (3, 10)
    assert torch_backend.count_parameters(torch_backend.build_cnn("same", 1000)) == 3_199_106


def test_torch_describe_layers_reports_shapes(torch_backend):
    layers = torch_backend.describe_layers(torch_backend.build_cnn())
    convs = [layer for layer in layers if layer["kind"] == "conv2d"]
    assert [c["output"] for c in convs] == [(32, 24, 24), (64, 8, 8)]
    assert convs[0]["kernel"] == (5, 5)


def test_torch_training_lowers_the_loss_and_evaluation_leaves_eval_mode(torch_backend):
    torch_backend.set_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((128, 28, 28, 1), dtype=np.float32)
    y = (x.reshape(128, -1).mean(axis=1) > 0.5).astype(np.int64)
    model = torch_backend.build_cnn()
    modes = []
    history = torch_backend.train_epochs(model, x, y, epochs=3, batch_size=32,
                                         on_epoch_end=lambda epoch: modes.append((epoch, model.eval().training)))
    assert history["steps"] == 12 and history["loss"][-1] < history["loss"][0]
    assert modes == [(0, False), (1, False), (2, False)] and model.training  # back in training mode after each call
    loss, accuracy = torch_backend.evaluate(model, x, y)
    assert not model.training and 0.0 <= accuracy <= 1.0 and np.isfinite(loss)


def test_torch_snapshot_and_restore_undo_a_warm_up(torch_backend):
    import torch

    model = torch_backend.build_cnn()
    saved = torch_backend.snapshot_weights(model)
    torch_backend.train_epochs(model, np.zeros((64, 28, 28, 1), np.float32), np.zeros(64), max_steps=2)
    torch_backend.restore_weights(model, saved)
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), saved.values()))


def test_torch_peak_device_memory_is_none_on_the_cpu(torch_backend):
    if torch_backend.detect_device() == "cpu":
        assert torch_backend.peak_device_memory() is None


TF_SCRIPT = """
import json, numpy as np
from dlcourse.backend import load_backend
b = load_backend("tf")
b.set_seed(0)
model = b.build_cnn()
rng = np.random.default_rng(0)
x = rng.random((128, 28, 28, 1), dtype=np.float32)
y = (x.reshape(128, -1).mean(axis=1) > 0.5).astype(np.int64)
before = b.snapshot_weights(model)
b.train_epochs(model, x, y, max_steps=2)
b.restore_weights(model, before)
restored = all(np.array_equal(w, v) for w, v in zip(model.get_weights(), before))
seen = []
history = b.train_epochs(model, x, y, epochs=3, batch_size=32, on_epoch_end=seen.append)
loss, accuracy = b.evaluate(model, x, y)
print(json.dumps({"params": b.count_parameters(model), "paper": b.count_parameters(b.build_cnn("same", 1000)),
                  "seen": seen,
                  "shape": list(model(x[:3]).shape), "losses": history["loss"], "restored": restored,
                  "lr": float(model.optimizer.learning_rate), "accuracy": accuracy,
                  "convs": [l["output"] for l in b.describe_layers(model) if l["kind"] == "conv2d"],
                  "device": b.detect_device(), "peak": b.peak_device_memory()}))
"""


@pytest.fixture(scope="module")
def tf_result():
    import tensorflow  # noqa: F401 (pinned in requirements.lock)
    done = subprocess.run([sys.executable, "-c", TF_SCRIPT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done, json.loads(done.stdout.strip().splitlines()[-1])


def test_keras_cnn_matches_the_torch_parameter_count(tf_result):
    _, result = tf_result
    assert result["params"] == 118_346 and result["paper"] == 3_199_106
    assert result["shape"] == [3, 10]
    assert result["convs"] == [[32, 24, 24], [64, 8, 8]]


def test_keras_training_lowers_the_loss_and_restore_keeps_the_learning_rate(tf_result):
    _, result = tf_result
    assert result["losses"][-1] < result["losses"][0]
    assert result["restored"] and result["lr"] == pytest.approx(1e-3)
    assert result["seen"] == [0, 1, 2]
    if result["device"] == "cpu":
        assert result["peak"] is None


def test_importing_the_tf_backend_writes_nothing_to_stderr(tf_result):
    done, _ = tf_result
    assert done.stderr == ""


LOWLEVEL_SCRIPT = """
import json, numpy as np
from dlcourse.backend import load_backend
b = load_backend("tf_lowlevel")
b.set_seed(0)
model = b.build_cnn()
rng = np.random.default_rng(0)
x = rng.random((96, 28, 28, 1), dtype=np.float32)
y = (x.reshape(96, -1).mean(axis=1) > 0.5).astype(np.int64)
before = b.snapshot_weights(model)
b.train_epochs(model, x, y, max_steps=2)
b.restore_weights(model, before)
restored = all(np.array_equal(v.numpy(), w) for v, w in zip(model.trainable_variables, before))
seen = []
history = b.train_epochs(model, x, y, epochs=3, batch_size=32, on_epoch_end=seen.append)
print(json.dumps({"params": b.count_parameters(model), "losses": history["loss"], "restored": restored, "seen": seen,
                  "shape": list(model(x[:3]).shape), "accuracy": b.evaluate(model, x, y)[1]}))
"""


def test_lowlevel_tf_backend_trains_the_paper_network():
    import tensorflow  # noqa: F401 (pinned in requirements.lock)
    done = subprocess.run([sys.executable, "-c", LOWLEVEL_SCRIPT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stderr == "", done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["params"] == 3_199_106 and result["shape"] == [3, 10] and result["restored"]
    assert result["losses"][-1] < result["losses"][0]
    assert result["seen"] == [0, 1, 2]


def test_torch_export_and_import_round_trip_in_tensorflow_layout(torch_backend):
    import torch

    model, twin = torch_backend.build_cnn(), torch_backend.build_cnn()
    arrays = torch_backend.export_weights(model)
    assert [a.shape for a in arrays[::2]] == [(5, 5, 1, 32), (5, 5, 32, 64), (1024, 64), (64, 10)]
    torch_backend.import_weights(twin, arrays)
    x = torch.rand(3, 1, 28, 28)
    assert torch.equal(model(x), twin(x))


WEIGHTS_SCRIPT = """
import json, numpy as np
from dlcourse.backend import load_backend
torch_b, keras_b, low_b = load_backend("torch"), load_backend("tf"), load_backend("tf_lowlevel")
x = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
gaps = {}
for padding, units in (("valid", 64), ("same", 1000)):
    keras_model, torch_model = keras_b.build_cnn(padding, units), torch_b.build_cnn(padding, units)
    torch_b.import_weights(torch_model, keras_b.export_weights(keras_model))
    logits = keras_model(x).numpy()
    gaps[padding] = float(np.abs(torch_model(torch_b.to_inputs(x, "cpu")).detach().numpy() - logits).max())
low_model = low_b.build_cnn()
low_b.import_weights(low_model, keras_b.export_weights(keras_model))
gaps["lowlevel"] = float(np.abs(low_model(x).numpy() - logits).max())
print(json.dumps(gaps))
"""


def test_weights_exported_by_keras_give_the_same_logits_in_pytorch_and_low_level_tf():
    import tensorflow  # noqa: F401 (pinned in requirements.lock)
    done = subprocess.run([sys.executable, "-c", WEIGHTS_SCRIPT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    gaps = json.loads(done.stdout.strip().splitlines()[-1])
    assert max(gaps.values()) < 1e-5, gaps
