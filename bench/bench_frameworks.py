"""Throughput and accuracy of the course's framework paths on Fashion-MNIST (not a timed test).

Usage (from the repository root, with the course environment active):

    python bench/bench_frameworks.py               # one epoch on 60,000 images: images/s and ratios
    python bench/bench_frameworks.py --accuracy    # five epochs: test accuracy of both frameworks
    python bench/bench_frameworks.py --repeats 3 --threads 2
    python bench/bench_frameworks.py --accuracy --same-initial-weights   # both frameworks from Keras's initial weights

Throughput mode trains notebook 07's CNN (Adam, batch 32) for one epoch with
  (a) the course's Keras path   (dlcourse.backend.tf_backend.train_epochs, i.e. compile + fit),
  (b) the course's PyTorch path (dlcourse.backend.torch_backend.train_epochs),
  (c) a tuned in-memory PyTorch reference loop defined in this file,
each in a fresh process through dlcourse.bench (same data, seed and threads, untimed warm-up),
and prints images per second and the ratios a/c and b/c (target >= 0.8).
Accuracy mode trains (a) and (b) for five epochs and prints test accuracy (target >= 90%).
Record the output in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from dlcourse import bench, mnist

THROUGHPUT_TARGET = 0.8
ACCURACY_TARGET = 0.90


def reference_worker(config: dict) -> dict:
    """The tuned PyTorch reference: in-memory tensors, the minimal step, no per-step bookkeeping or host syncs.

    Tried and dropped on this 2-core CPU: channels-last memory format (about half the throughput)
    and fused Adam (fused=True; about 25% slower than the default foreach Adam in a full benchmark).
    """
    import torch
    from torch import nn

    from dlcourse.backend import torch_backend
    from dlcourse.bench_worker import peak_rss_bytes

    torch.set_num_threads(config["threads"])
    torch.set_num_interop_threads(1)  # as the course path does (dlcourse.backend.torch_backend.set_threads)
    torch.manual_seed(config["seed"])
    with np.load(config["data"]) as data:
        x = torch.from_numpy(data["x_train"].astype(np.float32) / 255.0).unsqueeze(1)
        y = torch.from_numpy(data["y_train"].astype(np.int64))
    model = torch_backend.build_cnn()  # on the GPU when there is one
    device = next(model.parameters()).device
    x, y = x.to(device), y.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    batch = config["batch_size"]

    def epoch(steps=None):
        order = torch.randperm(len(y), device=device)
        for number, begin in enumerate(range(0, len(y), batch)):
            if steps is not None and number >= steps:
                break
            index = order[begin:begin + batch]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(x[index]), y[index]).backward()
            optimizer.step()

    initial = {k: v.clone() for k, v in model.state_dict().items()}
    epoch(steps=config["warmup_steps"])
    model.load_state_dict(initial)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    epoch()
    if device.type == "cuda":
        torch.cuda.synchronize()  # the GPU runs ahead of Python: wait before stopping the clock
    seconds = time.perf_counter() - start
    return {"backend": "torch_reference", "train_seconds": seconds, "examples": len(y), "peak_rss_bytes": peak_rss_bytes()}


def run_reference(data_path, threads: int, seed: int, warmup_steps: int) -> dict:
    """``reference_worker`` in a fresh process with the harness's environment."""
    config = {"data": str(data_path), "threads": threads, "seed": seed, "batch_size": 32, "warmup_steps": warmup_steps}
    done = subprocess.run([sys.executable, __file__, "--reference-worker", json.dumps(config)], capture_output=True,
                          text=True, env=bench.worker_environment(threads))
    if done.returncode != 0:
        raise RuntimeError(f"reference worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe_machine(threads: int) -> str:
    """CPU model, cores, load average and thread count, for the record."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (f"{model}; {os.cpu_count()} logical cores; {platform.platform(terse=True)}; Python {platform.python_version()}; "
            f"{threads} thread(s) per framework; load average (1, 5, 15 min) at start: {load}")


def throughput(data_path, repeats: int, threads: int) -> None:
    """Mode 1: images per second of (a), (b), (c) and the ratios a/c, b/c."""
    rates = {"Keras (course path)": [], "PyTorch (course path)": [], "PyTorch tuned reference": []}
    for repeat in range(repeats):
        for label, backend in (("Keras (course path)", "tf"), ("PyTorch (course path)", "torch")):
            run = bench.run_in_fresh_process(backend, data_path, epochs=1, batch_size=32, threads=threads, seed=repeat)
            rates[label].append(run["examples"] / run["train_seconds"])
            print(f"  run {repeat + 1}: {label:<24} {rates[label][-1]:8.0f} images/s "
                  f"(test accuracy after 1 epoch {run['test_accuracy']:.2%}, peak RSS {run['peak_rss_bytes'] / 2**20:.0f} MiB)",
                  flush=True)
        reference = run_reference(data_path, threads, seed=repeat, warmup_steps=20)
        rates["PyTorch tuned reference"].append(reference["examples"] / reference["train_seconds"])
        print(f"  run {repeat + 1}: {'PyTorch tuned reference':<24} {rates['PyTorch tuned reference'][-1]:8.0f} images/s",
              flush=True)
    print("\nimages per second (mean ± std over runs):")
    for label, values in rates.items():
        print(f"  {label:<24} {bench.format_mean_std(values, digits=0)}")
    reference_mean = bench.mean_std(rates["PyTorch tuned reference"])[0]
    for name, label in (("a/c", "Keras (course path)"), ("b/c", "PyTorch (course path)")):
        ratio = bench.mean_std(rates[label])[0] / reference_mean
        verdict = "meets" if ratio >= THROUGHPUT_TARGET else "MISSES"
        print(f"  ratio {name} = {ratio:.2f} ({verdict} the target >= {THROUGHPUT_TARGET})")


def accuracy(data_path, threads: int, epochs: int, seed: int, same_initial_weights: bool = False) -> None:
    """Mode 2: test accuracy of (a) and (b) after ``epochs`` epochs, optionally from the same initial weights."""
    weights = Path(tempfile.mkdtemp(prefix="dlcourse-weights-")) / "initial.npz" if same_initial_weights else None
    for label, backend in (("Keras (course path)", "tf"), ("PyTorch (course path)", "torch")):
        copies = {"save_weights": weights} if backend == "tf" else {"load_weights": weights}
        run = bench.run_in_fresh_process(backend, data_path, epochs=epochs, batch_size=32, threads=threads, seed=seed,
                                         **(copies if weights else {}))
        verdict = "meets" if run["test_accuracy"] >= ACCURACY_TARGET else "MISSES"
        print(f"  {label:<24} test accuracy {run['test_accuracy']:.2%} after {epochs} epochs "
              f"({run['train_seconds']:.0f} s of training; {verdict} the target >= {ACCURACY_TARGET:.0%})", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accuracy", action="store_true", help="five epochs, report test accuracy")
    parser.add_argument("--epochs", type=int, default=5, help="epochs of the accuracy mode (default 5)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per path in throughput mode (default 3)")
    parser.add_argument("--threads", type=int, default=min(os.cpu_count() or 1, 4), help="threads per framework")
    parser.add_argument("--seed", type=int, default=0, help="seed of the accuracy mode (default 0)")
    parser.add_argument("--same-initial-weights", action="store_true",
                        help="accuracy mode: PyTorch starts from the weights Keras drew (converted to its layout)")
    parser.add_argument("--reference-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reference_worker:
        print(json.dumps(reference_worker(json.loads(args.reference_worker))))
        return 0
    print(f"machine: {describe_machine(args.threads)}")
    data = mnist.load_fashion_mnist()
    data_path = bench.temporary_data_file(data.x_train, data.y_train, data.x_test, data.y_test)
    print(f"data: Fashion-MNIST, {len(data.y_train):,} training and {len(data.y_test):,} test images ({data.origin})")
    if args.accuracy:
        same = ", same initial weights" if args.same_initial_weights else ""
        print(f"mode: accuracy, {args.epochs} epochs, batch 32, Adam 1e-3 (epsilon 1e-7), seed {args.seed}{same}")
        accuracy(data_path, args.threads, args.epochs, args.seed, args.same_initial_weights)
    else:
        print(f"mode: throughput, 1 epoch, batch 32, Adam 1e-3, {args.repeats} run(s) per path")
        throughput(data_path, args.repeats, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
