"""PrepareSandbox: check that a kernel sandbox can run here, and prepare what every sandbox shares."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from autograder.kernel_pool import KernelRecipe
from autograder.sandbox import check_sandbox
from autograder.steps.base import Step


def build_matplotlib_cache(folder: Path) -> Path:
    """Build matplotlib's font cache once; each sandbox gets it read-only instead of rebuilding it."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                   env={"MPLCONFIGDIR": str(folder), "HOME": str(folder)}, capture_output=True, check=False, timeout=300)
    return folder


class PrepareSandbox(Step):
    """Prepare sandbox: start one trivial sandbox (stop with the fix if bubblewrap cannot run), build the shared font cache."""

    requires = ("settings", "scratch", "assignment", "seed")
    provides = ("recipe",)

    def run(self, state) -> None:
        check_sandbox(state.settings, state.scratch)
        assets = state.assignment.release_path().parent
        state.recipe = KernelRecipe(settings=state.settings, run_dir=state.scratch, seed=state.seed,
                                    assets=assets if assets.is_dir() else None,
                                    mpl_cache=build_matplotlib_cache(state.scratch / "matplotlib"))
