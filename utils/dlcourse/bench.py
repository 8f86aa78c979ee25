"""A fair harness for comparing frameworks: one fresh process per run, same data, same seeds, same threads.

Each run starts ``python -m dlcourse.bench_worker`` in a new process, so the peak memory it
reports belongs to that framework alone. The worker seeds, sets the thread count, runs an
untimed warm-up, restores the initial weights, then times only the training loop (with a
device synchronisation before the clock stops) and evaluates on the test set.

FLOP counts are computed from the layer list a backend reports (``describe_layers``), never
typed in: one multiply-add counts as 2 FLOPs; a training step costs about 3 forward passes.

Introduced in 07_keras_vs_pytorch; used again in 08_lowlevel_tf_vs_keras.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

TRAINING_FLOPS_PER_FORWARD = 3  # forward pass + backward pass (about twice the forward)
LABELS = {"torch": "PyTorch", "tf": "Keras", "tf_lowlevel": "low-level TF"}


def count_flops(layers: Sequence[dict]) -> int:
    """Forward-pass FLOPs for one example, from a backend's ``describe_layers`` list.

    Convolution: 2*kh*kw*C_in per output value plus one bias add; dense: 2*inputs + 1 per output;
    max pooling: (window - 1) comparisons per output; ReLU: 1 per value; flatten: 0.

    Args:
        layers: dicts with kind, input and output shapes (C, H, W) or (F,), kernel and activation.
    Returns:
        FLOPs of one forward pass for one example.
    """
    total = 0
    for layer in layers:
        kind, inputs, outputs = layer["kind"], layer["input"], layer["output"]
        size = math.prod(outputs)
        if kind == "conv2d":
            kh, kw = layer["kernel"]
            total += size * (2 * kh * kw * inputs[0] + 1)
        elif kind == "dense":
            total += size * (2 * inputs[0] + 1)
        elif kind == "maxpool2d":
            window = (inputs[1] // outputs[1]) * (inputs[2] // outputs[2])
            total += size * (window - 1)
        elif kind == "relu":
            total += size
        elif kind not in ("flatten",):
            raise ValueError(f"count_flops does not know layer kind {kind!r}; expected conv2d, dense, "
                             f"maxpool2d, relu or flatten")
        if layer.get("activation") == "relu":
            total += size
    return total


def mean_std(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof=1; 0.0 for a single value)."""
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        raise ValueError("mean_std needs at least one value")
    return float(array.mean()), float(array.std(ddof=1)) if array.size > 1 else 0.0


def format_mean_std(values: Sequence[float], digits: int = 2, scale: float = 1.0) -> str:
    """'mean ± std' of values times scale, e.g. '12.30 ± 0.45'."""
    mean, std = mean_std([v * scale for v in values])
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def save_arrays(path: str | Path, x_train, y_train, x_test, y_test) -> Path:
    """Write the data every run trains on to one .npz file (uint8 or float images, int labels)."""
    path = Path(path)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


def worker_environment(threads: int) -> dict[str, str]:
    """The environment of a worker: equal thread counts for every library, TensorFlow's logger quiet."""
    environment = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
        environment[name] = str(threads)
    environment["TF_NUM_INTEROP_THREADS"] = "1"
    environment["TF_CPP_MIN_LOG_LEVEL"] = "3"
    environment["PYTHONBREAKPOINT"] = "0"
    return environment


def run_in_fresh_process(backend: str, data_path: str | Path, epochs: int = 1, batch_size: int = 32,
                         learning_rate: float = 1e-3, model: dict | None = None, threads: int = 2,
                         seed: int = 0, warmup_steps: int = 20, timeout: float = 3600, hide_gpu: bool = False,
                         epoch_curves: bool = False, load_weights: str | Path | None = None,
                         save_weights: str | Path | None = None) -> dict:
    """Train and evaluate once in a new Python process and return what it measured.

    Args:
        backend: 'torch', 'tf' (Keras) or 'tf_lowlevel'.
        data_path: an .npz written by ``save_arrays``.
        model: keyword arguments of the backend's ``build_cnn`` (padding, dense_units).
        hide_gpu: run on the CPU even when a GPU is present (CUDA_VISIBLE_DEVICES is emptied).
        epoch_curves: also evaluate after every epoch, outside the timed seconds.
        load_weights, save_weights: an .npz of initial weights in the neutral layout of the
            backends' ``export_weights``, read instead of drawing them, or written after drawing them.
    Returns:
        dict with backend, device, train_seconds, steps, examples, test_accuracy, test_loss,
        final_train_loss, epoch_loss, epoch_train_accuracy, epoch_test_accuracy (empty lists without
        epoch_curves), parameters, forward_flops, peak_rss_bytes, peak_device_bytes.
    Raises:
        RuntimeError: the worker failed; the message ends with its stderr.
    """
    config = {"backend": backend, "data": str(data_path), "epochs": epochs, "batch_size": batch_size,
              "learning_rate": learning_rate, "model": model or {}, "threads": threads, "seed": seed,
              "warmup_steps": warmup_steps, "epoch_curves": epoch_curves,
              "load_weights": str(load_weights) if load_weights else None,
              "save_weights": str(save_weights) if save_weights else None}
    environment = worker_environment(threads)
    if hide_gpu:
        environment["CUDA_VISIBLE_DEVICES"] = ""
    done = subprocess.run([sys.executable, "-m", "dlcourse.bench_worker", json.dumps(config)],
                          capture_output=True, text=True, timeout=timeout, env=environment)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the {backend} worker failed (exit status {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def compare_frameworks(backends: Sequence[str], data_path: str | Path, repeats: int = 3,
                       progress: bool = True, seed: int = 0, same_initial_weights: bool = False,
                       **options) -> dict[str, list[dict]]:
    """Run every backend ``repeats`` times, alternating them, each run in a fresh process.

    Repeat r uses seed ``seed + r`` for every backend, so the spread of the accuracy reflects
    different initialisations and shuffles, and both frameworks see the same seeds. A seed does
    not give two frameworks the same weights (each has its own generator and initialiser): with
    ``same_initial_weights`` the first backend of each repeat draws them and the others start from
    a copy, converted to their own layout.

    Args:
        options: passed on to ``run_in_fresh_process`` (epochs, batch_size, model, threads, ...).
    Returns:
        {backend: [one result dict per run]}.
    """
    runs = [(repeat, backend) for repeat in range(repeats) for backend in backends]
    if progress:
        from tqdm.auto import tqdm
        runs = tqdm(runs, desc="benchmark runs")
    folder = Path(tempfile.mkdtemp(prefix="dlcourse-weights-")) if same_initial_weights else None
    results: dict[str, list[dict]] = {backend: [] for backend in backends}
    for repeat, backend in runs:
        if folder is not None:
            weights = folder / f"initial-{repeat}.npz"
            first = backend == backends[0]
            options.update(save_weights=weights if first else None, load_weights=None if first else weights)
        results[backend].append(run_in_fresh_process(backend, data_path, seed=seed + repeat, **options))
    return results


def summarize(results: dict[str, list[dict]]) -> dict[str, dict]:
    """Per backend: mean and std of accuracy, time, steps/s, GFLOP/s and peak memory over the runs."""
    summary = {}
    for backend, runs in results.items():
        seconds = [r["train_seconds"] for r in runs]
        flops = [TRAINING_FLOPS_PER_FORWARD * r["forward_flops"] * r["examples"] for r in runs]
        device_peaks = [r["peak_device_bytes"] for r in runs if r["peak_device_bytes"] is not None]
        summary[backend] = {
            "label": LABELS.get(backend, backend), "runs": len(runs), "device": runs[0]["device"],
            "parameters": runs[0]["parameters"], "accuracy": mean_std([r["test_accuracy"] for r in runs]),
            "seconds": mean_std(seconds), "steps_per_second": mean_std([r["steps"] / s for r, s in zip(runs, seconds)]),
            "gflops_per_second": mean_std([f / s / 1e9 for f, s in zip(flops, seconds)]),
            "peak_rss_mb": mean_std([r["peak_rss_bytes"] / 2**20 for r in runs]),
            "peak_device_mb": mean_std([b / 2**20 for b in device_peaks]) if device_peaks else None,
        }
    return summary


def format_table(summary: dict[str, dict]) -> str:
    """A Markdown table of ``summarize``'s output, one row per framework, 'mean ± std' cells."""
    def cell(pair, digits):
        return "n/a (CPU)" if pair is None else f"{pair[0]:.{digits}f} ± {pair[1]:.{digits}f}"

    rows = ["| framework | device | runs | test accuracy (%) | training time (s) | steps/s | GFLOP/s "
            "| peak host RSS (MiB) | peak GPU memory (MiB) |", "|---|---|---|---|---|---|---|---|---|"]
    for item in summary.values():
        accuracy = (100 * item["accuracy"][0], 100 * item["accuracy"][1])
        rows.append(f"| {item['label']} | {item['device']} | {item['runs']} | {cell(accuracy, 2)} "
                    f"| {cell(item['seconds'], 2)} | {cell(item['steps_per_second'], 1)} "
                    f"| {cell(item['gflops_per_second'], 2)} | {cell(item['peak_rss_mb'], 0)} "
                    f"| {cell(item['peak_device_mb'], 0)} |")
    return "\n".join(rows)


def temporary_data_file(x_train, y_train, x_test, y_test) -> Path:
    """``save_arrays`` into a new temporary folder; returns the file's path."""
    folder = Path(tempfile.mkdtemp(prefix="dlcourse-bench-"))
    return save_arrays(folder / "data.npz", x_train, y_train, x_test, y_test)


def describe_comparison(summary: dict[str, dict]) -> list[str]:
    """Conclusions computed from two frameworks' measurements, one sentence per quantity.

    A difference counts as real only when it exceeds the spread of the runs (the sum of the
    two standard deviations); with a single run every difference is reported as tentative.

    Args:
        summary: ``summarize`` output for exactly two backends.
    """
    if len(summary) != 2:
        raise ValueError(f"describe_comparison compares two frameworks; got {len(summary)}")
    first, second = summary.values()
    single = min(first["runs"], second["runs"]) < 2
    sentences = []
    for key, noun, better, unit, scale in (("seconds", "training time", "faster", " s", 1.0),
                                           ("accuracy", "test accuracy", "more accurate", " points", 100.0),
                                           ("peak_rss_mb", "peak host memory", "leaner", " MiB", 1.0)):
        (m1, s1), (m2, s2) = first[key], second[key]
        lower_is_better = key != "accuracy"
        winner, loser = (first, second) if (m1 < m2) == lower_is_better else (second, first)
        gap = abs(m1 - m2) * scale
        noise = (s1 + s2) * scale
        verdict = ("tentative: one run each, so the spread is unknown" if single else
                   "larger than the run-to-run spread" if gap > noise else
                   f"within the run-to-run spread ({noise:.2f}{unit}), so with {min(first['runs'], second['runs'])} "
                   "runs each it cannot be told apart from run-to-run noise")
        detail = f"{winner['label']} was {better} by {gap:.{1 if key == 'peak_rss_mb' else 2}f}{unit}"
        if key != "accuracy":
            detail += f" (x{max(m1, m2) / max(min(m1, m2), 1e-12):.2f})"
        sentences.append(f"{noun[0].upper() + noun[1:]}: {detail}; {verdict}.")
    return sentences


def count_code_lines(*objects) -> int:
    """Lines of code of functions or classes: no blank lines, comments or docstrings.

    Args:
        objects: functions, classes or modules, read with ``inspect.getsource``.
    """
    import ast
    import inspect
    import textwrap

    total = 0
    for obj in objects:
        source = textwrap.dedent(inspect.getsource(obj))
        docstring_lines = set()
        for node in ast.walk(ast.parse(source)):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                    and isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
                docstring_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
        total += sum(1 for number, line in enumerate(source.splitlines(), start=1)
                     if line.strip() and not line.strip().startswith("#") and number not in docstring_lines)
    return total


def format_runs_table(results: dict[str, list[dict]], device: str) -> str:
    """A Markdown table shaped like a paper's results table: one row per run, then mean and std.

    Columns: test number, then accuracy and training time (s) for each backend on ``device``.
    """
    backends = list(results)
    header = "| test number | " + " | ".join(f"{LABELS.get(b, b)} accuracy ({device}) | {LABELS.get(b, b)} time (s)"
                                            for b in backends) + " |"
    rows = [header, "|---" * (1 + 2 * len(backends)) + "|"]
    n_runs = min(len(runs) for runs in results.values())
    for index in range(n_runs):
        cells = [f"{results[b][index]['test_accuracy']:.4f} | {results[b][index]['train_seconds']:.1f}" for b in backends]
        rows.append(f"| {index + 1} | " + " | ".join(cells) + " |")
    for name, position in (("mean", 0), ("std", 1)):
        cells = [f"{mean_std([r['test_accuracy'] for r in results[b]])[position]:.4f} | "
                 f"{mean_std([r['train_seconds'] for r in results[b]])[position]:.1f}" for b in backends]
        rows.append(f"| **{name}** | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def mean_curves(results: dict[str, list[dict]], key: str = "epoch_test_accuracy") -> dict[str, tuple]:
    """Per backend, the epoch-by-epoch mean and std over runs of a per-epoch list in the results.

    Args:
        results: ``compare_frameworks`` output from runs with ``epoch_curves=True``.
        key: 'epoch_test_accuracy', 'epoch_train_accuracy' or 'epoch_loss'.
    Returns:
        {backend: (mean, std)}, two float arrays of shape (epochs,); std is 0 for a single run.
    """
    curves = {}
    for backend, runs in results.items():
        values = np.array([run[key] for run in runs], dtype=float)
        if values.ndim != 2 or values.shape[1] == 0:
            raise ValueError(f"mean_curves: the {backend} runs have no {key!r}; run them with epoch_curves=True")
        std = values.std(axis=0, ddof=1) if len(values) > 1 else np.zeros(values.shape[1])
        curves[backend] = (values.mean(axis=0), std)
    return curves
