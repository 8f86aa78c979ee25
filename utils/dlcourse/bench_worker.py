"""One benchmark run in its own process: ``python -m dlcourse.bench_worker '<json config>'``.

Started by ``dlcourse.bench.run_in_fresh_process``; prints one JSON line with the measurements.

Introduced in 07_keras_vs_pytorch.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np


def peak_rss_bytes() -> int:
    """Peak resident memory of this process so far.

    On Linux this is VmHWM from /proc/self/status, which starts afresh at exec; ru_maxrss would
    carry over the peak of the (possibly large) process that forked this one.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def run(config: dict) -> dict:
    """Seed, warm up (untimed), restore the initial weights, time the training loop, evaluate.

    Optional config keys: ``load_weights`` (an .npz of initial weights in the neutral layout of
    ``export_weights``, used instead of the framework's own initialiser), ``save_weights`` (write the
    initial weights there) and ``epoch_curves`` (evaluate after every epoch, outside the timed
    seconds, on the test set and on up to 10,000 training images).
    """
    from dlcourse.backend import load_backend

    backend = load_backend(config["backend"])
    backend.set_threads(config["threads"])
    backend.set_seed(config["seed"])
    with np.load(config["data"]) as data:
        x_train, y_train = data["x_train"], data["y_train"].astype(np.int64)
        x_test, y_test = data["x_test"], data["y_test"].astype(np.int64)
    if x_train.dtype == np.uint8:
        x_train, x_test = x_train.astype(np.float32) / 255.0, x_test.astype(np.float32) / 255.0
    if x_train.ndim == 3:
        x_train, x_test = x_train[..., None], x_test[..., None]
    device = backend.detect_device()
    x_train, x_test = backend.to_inputs(x_train, device), backend.to_inputs(x_test, device)
    model = backend.build_cnn(**config["model"])
    if config.get("load_weights"):
        with np.load(config["load_weights"]) as stored:
            backend.import_weights(model, [stored[f"arr_{i}"] for i in range(len(stored.files))])
    if config.get("save_weights"):
        np.savez(config["save_weights"], *backend.export_weights(model))
    initial = backend.snapshot_weights(model)
    if config["warmup_steps"]:
        backend.train_epochs(model, x_train, y_train, batch_size=config["batch_size"],
                             learning_rate=config["learning_rate"], max_steps=config["warmup_steps"])
        backend.restore_weights(model, initial)
    backend.set_seed(config["seed"])
    backend.reset_peak_device_memory()
    curves = {"train_accuracy": [], "test_accuracy": [], "seconds": 0.0}
    n_curve = min(len(y_train), 10_000)

    def evaluate_epoch(epoch: int) -> None:
        backend.synchronize()
        begin = time.perf_counter()
        curves["test_accuracy"].append(backend.evaluate(model, x_test, y_test)[1])
        curves["train_accuracy"].append(backend.evaluate(model, x_train[:n_curve], y_train[:n_curve])[1])
        curves["seconds"] += time.perf_counter() - begin

    start = time.perf_counter()
    history = backend.train_epochs(model, x_train, y_train, epochs=config["epochs"], batch_size=config["batch_size"],
                                   learning_rate=config["learning_rate"],
                                   on_epoch_end=evaluate_epoch if config.get("epoch_curves") else None)
    backend.synchronize()
    seconds = time.perf_counter() - start - curves["seconds"]
    test_loss, test_accuracy = backend.evaluate(model, x_test, y_test)
    return {"backend": config["backend"], "device": device, "train_seconds": seconds, "steps": history["steps"],
            "epoch_loss": history["loss"], "epoch_train_accuracy": curves["train_accuracy"],
            "epoch_test_accuracy": curves["test_accuracy"],
            "examples": len(y_train) * config["epochs"], "final_train_loss": history["loss"][-1],
            "test_loss": test_loss, "test_accuracy": test_accuracy,
            "parameters": backend.count_parameters(model),
            "forward_flops": _forward_flops(backend, model), "peak_rss_bytes": peak_rss_bytes(),
            "peak_device_bytes": backend.peak_device_memory()}


def _forward_flops(backend, model) -> int:
    """FLOPs of one forward pass, counted from the model's layers."""
    from dlcourse.bench import count_flops

    return count_flops(backend.describe_layers(model))


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
