"""A private working folder per submission: the kernel's cwd and HOME, with a minimal environment."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from autograder.settings import GradingSettings


class Sandbox:
    """A fresh temporary folder outside the repository and the output folder, removed after use.

    It holds only what the kernel needs: a HOME with a matplotlib cache, a TMPDIR and the
    assignment's data files. The gradebook, the instructor notebooks and other submissions
    are never copied in, and no path to them is passed to the kernel.
    """

    def __init__(self, settings: GradingSettings, assets: Path | None = None, mpl_cache: Path | None = None) -> None:
        self.settings = settings
        self.path = Path(tempfile.mkdtemp(prefix="autograder-sandbox-"))
        for sub in ("tmp", ".cache", ".config/matplotlib", ".ipython"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        if mpl_cache is not None and mpl_cache.is_dir():
            for item in mpl_cache.glob("fontlist*.json"):
                shutil.copy(item, self.path / ".config" / "matplotlib" / item.name)
        if assets is not None and assets.is_dir():
            for item in assets.iterdir():
                if item.suffix != ".ipynb" and item.name != ".ipynb_checkpoints":
                    (shutil.copytree if item.is_dir() else shutil.copy)(item, self.path / item.name)

    def environment(self) -> dict[str, str]:
        """The kernel's whole environment: fast mode on, HOME and temp inside the sandbox, nothing else inherited."""
        threads = str(self.settings.kernel_threads())
        env = {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": str(self.path),
            "TMPDIR": str(self.path / "tmp"),
            "XDG_CACHE_HOME": str(self.path / ".cache"),
            "MPLCONFIGDIR": str(self.path / ".config" / "matplotlib"),
            "IPYTHONDIR": str(self.path / ".ipython"),
            "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "OMP_NUM_THREADS": threads,
            "OPENBLAS_NUM_THREADS": threads,
            "MKL_NUM_THREADS": threads,
            "TF_NUM_INTRAOP_THREADS": threads,
            "TF_CPP_MIN_LOG_LEVEL": "2",
            self.settings.fast_mode_variable: "1",
        }
        data_cache = os.environ.get("DLCOURSE_DATA") or str(Path.home() / ".cache" / "dlcourse")
        if Path(data_cache).is_dir():
            env["DLCOURSE_DATA"] = data_cache
        for name in self.settings.passthrough_env:
            if name in os.environ and name not in env:
                env[name] = os.environ[name]
        return env

    def remove(self) -> None:
        """Delete the folder and everything the kernel wrote in it."""
        shutil.rmtree(self.path, ignore_errors=True)
