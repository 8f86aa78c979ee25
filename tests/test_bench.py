"""Tests of the benchmark harness dlcourse.bench: FLOP counting, statistics, a tiny fresh-process run."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import bench


def test_count_flops_of_a_dense_layer_is_two_per_multiply_add_plus_bias():
    layers = [{"kind": "dense", "input": (100,), "output": (10,), "kernel": None, "activation": None}]
    assert bench.count_flops(layers) == 10 * (2 * 100 + 1)


def test_count_flops_of_a_convolution_with_relu():
    conv = {"kind": "conv2d", "input": (3, 8, 8), "output": (4, 6, 6), "kernel": (3, 3), "activation": "relu"}
    per_output = 2 * 3 * 3 * 3 + 1
    assert bench.count_flops([conv]) == 4 * 6 * 6 * per_output + 4 * 6 * 6


def test_count_flops_of_pooling_relu_and_flatten():
    layers = [{"kind": "maxpool2d", "input": (2, 4, 4), "output": (2, 2, 2), "kernel": None, "activation": None},
              {"kind": "relu", "input": (8,), "output": (8,), "kernel": None, "activation": None},
              {"kind": "flatten", "input": (2, 2, 2), "output": (8,), "kernel": None, "activation": None}]
    assert bench.count_flops(layers) == 8 * 3 + 8


def test_count_flops_rejects_unknown_layers():
    with pytest.raises(ValueError, match="does not know layer kind 'lstm'"):
        bench.count_flops([{"kind": "lstm", "input": (4,), "output": (4,)}])


def test_count_flops_of_the_course_cnn_matches_a_hand_count():
    from dlcourse.backend import torch_backend
    by_hand = (32 * 24 * 24 * (2 * 25 * 1 + 1) + 32 * 24 * 24          # conv 1 + ReLU
               + 32 * 12 * 12 * 3                                      # pool 1
               + 64 * 8 * 8 * (2 * 25 * 32 + 1) + 64 * 8 * 8           # conv 2 + ReLU
               + 64 * 4 * 4 * 3                                        # pool 2
               + 64 * (2 * 1024 + 1) + 64 + 10 * (2 * 64 + 1))         # dense + ReLU, dense
    assert bench.count_flops(torch_backend.describe_layers(torch_backend.build_cnn())) == by_hand


def test_mean_std_uses_the_sample_standard_deviation():
    mean, std = bench.mean_std([1.0, 2.0, 3.0])
    assert mean == 2.0 and std == pytest.approx(1.0)
    assert bench.mean_std([5.0]) == (5.0, 0.0)
    assert bench.format_mean_std([1.0, 3.0], digits=1) == "2.0 ± 1.4"
    with pytest.raises(ValueError):
        bench.mean_std([])


def test_worker_environment_sets_equal_thread_counts():
    environment = bench.worker_environment(3)
    assert environment["OMP_NUM_THREADS"] == "3" and environment["TF_NUM_INTRAOP_THREADS"] == "3"
    assert environment["TF_CPP_MIN_LOG_LEVEL"] == "3"


def test_a_tiny_run_in_a_fresh_process_reports_its_measurements(tmp_path):
    import torch  # noqa: F401 (pinned in requirements.lock)
    rng = np.random.default_rng(0)
    path = bench.save_arrays(tmp_path / "tiny.npz", rng.integers(0, 256, (64, 28, 28), dtype=np.uint8),
                             rng.integers(0, 10, 64), rng.integers(0, 256, (16, 28, 28), dtype=np.uint8),
                             rng.integers(0, 10, 16))
    results = bench.compare_frameworks(["torch"], path, repeats=2, progress=False, epochs=1,
                                       batch_size=16, threads=1, warmup_steps=2)
    runs = results["torch"]
    assert len(runs) == 2 and all(run["steps"] == 4 and run["examples"] == 64 for run in runs)
    assert runs[0]["parameters"] == 118_346 and runs[0]["peak_rss_bytes"] > 10 * 2**20
    assert runs[0]["train_seconds"] > 0 and 0.0 <= runs[0]["test_accuracy"] <= 1.0
    summary = bench.summarize(results)
    table = bench.format_table(summary)
    assert "| PyTorch |" in table and summary["torch"]["runs"] == 2


def test_a_failing_worker_raises_with_its_stderr(tmp_path):
    with pytest.raises(RuntimeError, match="worker failed"):
        bench.run_in_fresh_process("torch", tmp_path / "missing.npz", timeout=120)


def sample_function(x):
    """A docstring
    over two lines."""
    # a comment

    y = x + 1
    return y


def test_count_code_lines_skips_docstrings_comments_and_blank_lines():
    assert bench.count_code_lines(sample_function) == 3


def test_runs_can_start_from_the_same_weights_and_record_per_epoch_curves(tmp_path):
    import torch  # noqa: F401 (pinned in requirements.lock)
    rng = np.random.default_rng(1)
    path = bench.save_arrays(tmp_path / "tiny.npz", rng.integers(0, 256, (48, 28, 28), dtype=np.uint8),
                             rng.integers(0, 10, 48), rng.integers(0, 256, (16, 28, 28), dtype=np.uint8),
                             rng.integers(0, 10, 16))
    options = dict(repeats=1, progress=False, epochs=2, batch_size=16, threads=1, warmup_steps=1,
                   epoch_curves=True, hide_gpu=True)
    first = bench.compare_frameworks(["torch"], path, same_initial_weights=True, **options)["torch"][0]
    assert first["device"] == "cpu" and len(first["epoch_test_accuracy"]) == 2
    assert len(first["epoch_train_accuracy"]) == 2 and len(first["epoch_loss"]) == 2
    saved = tmp_path / "weights.npz"
    again = bench.run_in_fresh_process("torch", path, epochs=2, batch_size=16, threads=1, warmup_steps=1,
                                       seed=5, save_weights=saved)
    copied = bench.run_in_fresh_process("torch", path, epochs=2, batch_size=16, threads=1, warmup_steps=1,
                                        seed=5, load_weights=saved)
    assert copied["epoch_test_accuracy"] == [] and copied["final_train_loss"] == pytest.approx(again["final_train_loss"], rel=1e-4)
    mean, std = bench.mean_curves({"torch": [first, first]})["torch"]
    assert mean.shape == (2,) and np.allclose(std, 0.0)
    with pytest.raises(ValueError, match="epoch_curves=True"):
        bench.mean_curves({"torch": [copied]})


def test_a_gap_within_the_spread_is_called_indistinguishable_with_so_few_runs_not_absent():
    def side(label, seconds):
        return {"label": label, "runs": 3, "seconds": (seconds, 0.5), "accuracy": (0.98, 0.001),
                "peak_rss_mb": (900.0, 10.0)}

    sentences = bench.describe_comparison({"tf": side("Keras", 10.0), "torch": side("PyTorch", 10.4)})
    assert sentences[0] == ("Training time: Keras was faster by 0.40 s (x1.04); within the run-to-run spread "
                            "(1.00 s), so with 3 runs each it cannot be told apart from run-to-run noise.")
    assert not any("not a real difference" in s for s in sentences)
