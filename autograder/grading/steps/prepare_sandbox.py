"""PrepareSandbox: check that a kernel sandbox can run here, and prepare what every sandbox shares."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from autograder.execution import cgroups
from autograder.execution.kernel_pool import KernelRecipe
from autograder.execution.sandbox import check_sandbox
from autograder.grading.steps.base import Step


def build_matplotlib_cache(folder: Path) -> Path:
    """Build matplotlib's font cache once; each sandbox gets it read-only instead of rebuilding it."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                   env={"MPLCONFIGDIR": str(folder), "HOME": str(folder)}, capture_output=True, check=False, timeout=300)
    return folder


def confine(settings):
    """Settings whose --jobs fit in memory; says once whether the kernel or only the watchdog caps memory."""
    backend = cgroups.backend()
    if backend.available:
        cgroups.remove_stale(backend)
    else:
        print(f"note: {backend.reason}; each sandbox's memory is only watched by polling its processes, which "
              "misses memory held in files, shared memory and socket buffers (autograder/README.md, 'Bounded "
              "resources')", file=sys.stderr)
    tmpfs = (settings.scratch_mb + 193) * 2**20
    per_job = cgroups.per_job_bytes(settings.memory_limit_mb * 2**20, tmpfs, backend.available)
    jobs, note = cgroups.fit_jobs(settings.jobs, per_job, cgroups.memory_available_bytes())
    if note:
        print(f"note: {note}", file=sys.stderr)
    return replace(settings, jobs=jobs)


class PrepareSandbox(Step):
    """Prepare sandbox: start one trivial sandbox (stop with the fix if bubblewrap cannot run), fit --jobs in memory, build the shared font cache."""

    requires = ("settings", "scratch", "assignment", "seed")
    provides = ("recipe",)

    def run(self, state) -> None:
        check_sandbox(state.settings, state.scratch)
        state.settings = confine(state.settings)
        assets = state.assignment.release_path().parent
        state.recipe = KernelRecipe(settings=state.settings, run_dir=state.scratch, seed=state.seed,
                                    assets=assets if assets.is_dir() else None,
                                    mpl_cache=build_matplotlib_cache(state.scratch / "matplotlib"))
