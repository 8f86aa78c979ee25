"""dlcourse.env: fast mode, seeding, environment report."""

import os
import sys

import numpy as np
import pytest

from dlcourse import env


@pytest.mark.parametrize("value, expected", [("1", True), ("yes", True), ("TRUE", True), ("0", False), ("", False), ("off", False)])
def test_fast_mode_reads_the_variable(monkeypatch, value, expected):
    monkeypatch.setenv(env.FAST_MODE_VARIABLE, value)
    assert env.is_fast_mode() is expected


def test_fast_mode_rejects_an_unknown_word(monkeypatch):
    monkeypatch.setenv(env.FAST_MODE_VARIABLE, "maybe")
    with pytest.raises(ValueError, match="got 'maybe'"):
        env.is_fast_mode()


def test_full_mode_is_the_default(monkeypatch):
    monkeypatch.delenv(env.FAST_MODE_VARIABLE, raising=False)
    assert env.pick(full=5, fast=1) == 5


def test_pick_returns_the_fast_value_in_fast_mode(monkeypatch):
    monkeypatch.setenv(env.FAST_MODE_VARIABLE, "1")
    assert env.pick(full=5, fast=1) == 1


def test_seed_everything_makes_numpy_repeatable():
    first = env.seed_everything(3).normal(size=4), np.random.rand()
    second = env.seed_everything(3).normal(size=4), np.random.rand()
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1] == second[1]


def test_seed_everything_rejects_a_negative_seed():
    with pytest.raises(ValueError, match="non-negative"):
        env.seed_everything(-1)


def test_is_colab_follows_the_colab_module(monkeypatch):
    assert env.is_colab() is False
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert env.is_colab() is True


def test_report_names_versions_mode_and_gpu_hint(capsys, monkeypatch):
    monkeypatch.setenv(env.FAST_MODE_VARIABLE, "1")
    monkeypatch.setattr(env, "detect_gpu", lambda: None)
    assert env.report_environment(("numpy", "no_such_module_xyz")) is None
    printed = capsys.readouterr().out
    info = env.describe_environment(("numpy", "no_such_module_xyz"))
    assert info["numpy"] == np.__version__
    assert info["no_such_module_xyz"] is None
    assert "fast (CI)" in printed and "not installed" in printed
    assert "Change runtime type" in printed


def test_report_shows_the_gpu_name_when_present(capsys, monkeypatch):
    monkeypatch.setattr(env, "detect_gpu", lambda: "Tesla T4")
    env.report_environment(())
    assert "Tesla T4" in capsys.readouterr().out


def test_importing_the_package_loads_no_framework():
    import subprocess

    code = "import dlcourse, dlcourse.plotting, dlcourse.checks, dlcourse.env, sys; print('torch' in sys.modules, 'tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_versions_are_read_without_importing_the_framework():
    import subprocess

    code = ("from dlcourse import env; import sys; v = env.describe_environment(('tensorflow', 'torch'));"
            "print(v['tensorflow'], v['torch'], 'tensorflow' in sys.modules, 'torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    tf_version, torch_version, tf_loaded, torch_loaded = result.stdout.split()
    assert tf_version.startswith("2.") and torch_version.startswith("2.")
    assert (tf_loaded, torch_loaded) == ("False", "False")
    assert result.stderr == ""


def test_import_tensorflow_after_torch_is_quiet_and_loads_the_compiler_stack_first():
    import subprocess

    code = ("import sys, torch; from dlcourse import env; tf, keras = env.import_tensorflow();"
            "loss = torch.nn.Linear(2, 1)(torch.ones(1, 2)).sum(); loss.backward();"
            "print(tf.__name__, keras.__name__, 'torch._dynamo' in sys.modules, float(tf.reduce_sum(tf.ones(3))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"})
    assert result.stdout.split() == ["tensorflow", "keras", "True", "3.0"]
    assert result.stderr == ""


def test_limit_blas_threads_caps_numpys_blas_and_rejects_zero():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(limits=None):  # restores the original limits on exit
        env.limit_blas_threads(1)
        blas = [info for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"]
        assert blas and all(info["num_threads"] == 1 for info in blas)
    with pytest.raises(ValueError, match="positive integer"):
        env.limit_blas_threads(0)
