"""Where the notebook runs: Colab or local, GPU or CPU, fast or full mode.

Fast mode is the one switch that shrinks data sizes and epochs so that every
notebook executes quickly in CI and in the grader (README, "Fast mode", gives the
measured times). Students run in full mode, the default. Set ``DLCOURSE_FAST=1``
to turn fast mode on.

Introduced in 01_linear_regression.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import platform
import random
import sys
from types import ModuleType
from typing import Iterator, TypeVar

import numpy as np

FAST_MODE_VARIABLE = "DLCOURSE_FAST"
GPU_HINT = "On Colab choose Runtime > Change runtime type > T4 GPU, then run the notebook again."

T = TypeVar("T")


def is_colab() -> bool:
    """Return True when the code runs inside a Google Colab kernel."""
    return "google.colab" in sys.modules


def is_fast_mode() -> bool:
    """Return True when ``DLCOURSE_FAST`` is set to 1, true or yes (case-insensitive).

    Raises:
        ValueError: the variable holds something other than a yes/no word.
    """
    raw = os.environ.get(FAST_MODE_VARIABLE, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ValueError(
        f"{FAST_MODE_VARIABLE} must be one of 1/0, true/false, yes/no or on/off; got {raw!r}"
    )


def pick(full: T, fast: T) -> T:
    """Return ``fast`` in fast mode and ``full`` otherwise.

    Args:
        full: the value students get (for example 10_000 samples or 5 epochs).
        fast: the shrunken value CI uses.
    """
    return fast if is_fast_mode() else full


def seed_everything(seed: int = 0) -> np.random.Generator:
    """Seed Python, NumPy and, when already imported, torch and TensorFlow.

    Returns:
        A fresh ``numpy.random.Generator`` seeded with ``seed``.
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int; got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].random.set_seed(seed)
    return np.random.default_rng(seed)


def _module_version(name: str) -> str | None:
    """Version of an installed module, or None when it is not installed.

    Reads the installed distribution's metadata instead of importing the module:
    importing TensorFlow just to print its version is slow and writes to stderr.
    """
    loaded = sys.modules.get(name)
    if loaded is not None:
        return getattr(loaded, "__version__", "unknown")
    if importlib.util.find_spec(name) is None:
        return None
    for distribution in importlib.metadata.packages_distributions().get(name, [name]):
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "unknown"


def detect_gpu() -> str | None:
    """Name of the first CUDA GPU, or None when there is none.

    Asks torch when a notebook has already imported it, otherwise ``nvidia-smi``;
    never imports a framework itself (slow, and TensorFlow is noisy on stderr).
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return _gpu_from_nvidia_smi()


def _gpu_from_nvidia_smi() -> str | None:
    """First GPU name reported by nvidia-smi, or None."""
    import shutil
    import subprocess

    if shutil.which("nvidia-smi") is None:
        return None
    result = subprocess.run(
        ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
        capture_output=True, text=True, check=False,
    )
    names = result.stdout.strip().splitlines()
    return names[0] if result.returncode == 0 and names else None


def describe_environment(frameworks: tuple[str, ...] = ("numpy",)) -> dict[str, str | None]:
    """Collect what the setup cell reports.

    Args:
        frameworks: module names whose versions to report, e.g. ("numpy", "torch").

    Returns:
        A dict with python, platform, place (Colab or local), mode, gpu and one
        entry per framework (None when not installed).
    """
    info: dict[str, str | None] = {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "place": "Google Colab" if is_colab() else "local",
        "mode": "fast (CI)" if is_fast_mode() else "full",
        "gpu": detect_gpu(),
    }
    for name in frameworks:
        info[name] = _module_version(name)
    return info


def report_environment(frameworks: tuple[str, ...] = ("numpy",)) -> None:
    """Print Python and framework versions, the mode and whether a GPU is present.

    Args:
        frameworks: module names whose versions to report.

    Returns None, so that a setup cell shows only the printed lines; call
    ``describe_environment`` for the values themselves. In a notebook kernel it also makes
    failed checks and unwritten exercises read as one ``[FAIL]`` line
    (``checks.install_failure_display``).
    """
    from dlcourse import checks

    checks.install_failure_display()
    info = describe_environment(frameworks)
    for key, value in info.items():
        if key == "gpu":
            continue
        print(f"{key:>10}: {value if value is not None else 'not installed'}")
    if info["gpu"]:
        print(f"{'gpu':>10}: {info['gpu']}")
    else:
        print(f"{'gpu':>10}: none, running on the CPU. {GPU_HINT}")


@contextlib.contextmanager
def silence_native_stderr() -> Iterator[None]:
    """Send what C/C++ code writes to file descriptor 2 to /dev/null for the duration of a block.

    TensorFlow's native logger prints start-up lines (oneDNN, CUDA probing) to stderr
    before ``TF_CPP_MIN_LOG_LEVEL`` takes effect; notebooks import it inside this block
    so that no cell shows stderr output. Python exceptions still propagate normally.

    Introduced in 07_keras_vs_pytorch.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow() -> tuple[ModuleType, ModuleType]:
    """Import TensorFlow and Keras quietly, and safely beside PyTorch; return ``(tf, keras)``.

    Three workarounds that teach nothing, kept out of the notebooks:
    - when PyTorch is already imported, its compiler stack (``torch._dynamo``, which loads Triton)
      is loaded first: loaded after TensorFlow, Triton's native library can crash the kernel;
    - TensorFlow's C++ start-up lines are silenced (``TF_CPP_MIN_LOG_LEVEL=3`` unless set, and
      `silence_native_stderr`), so that no cell writes to stderr;
    - on a GPU, TensorFlow takes memory as it needs it rather than all at once, leaving room for PyTorch.

    Import PyTorch before calling this: PyTorch imported after TensorFlow prints a CUDA warning on a
    machine without a GPU.

    Introduced in 03_backpropagation.
    """
    from dlcourse.backend import tf_backend

    return tf_backend.tf, tf_backend.keras


def detect_framework_device(framework: str) -> str:
    """Where ``framework`` ('torch' or 'tf') will train: 'cuda'/'gpu' or 'cpu'. Imports that framework.

    Introduced in 07_keras_vs_pytorch.
    """
    from dlcourse.backend import load_backend

    return load_backend(framework).detect_device()


def limit_blas_threads(n_threads: int = 1) -> None:
    """Cap the number of threads NumPy's linear-algebra library (BLAS) uses, for the rest of the session.

    Products of small matrices, such as a mini-batch of 32 rows through a layer of 64 units, run faster
    on one thread: starting and synchronising threads costs more than it saves, far more so on a busy
    machine. Uses threadpoolctl (it comes with scikit-learn, on Colab too); without it, nothing changes.

    Args:
        n_threads: the cap, at least 1.

    Introduced in 05_optimization.
    """
    if int(n_threads) != n_threads or n_threads < 1:
        raise ValueError(f"n_threads must be a positive integer; got {n_threads!r}")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=int(n_threads), user_api="blas")
