"""Sandboxed kernels for one process: each used once, the next one started while the current notebook runs.

Every kernel is launched from one long-lived launcher thread. bwrap's --die-with-parent (like any
PR_SET_PDEATHSIG) fires when the *thread* that started it ends, so a kernel started from a
short-lived thread would be killed with it; the launcher thread lives as long as the pool.
"""

from __future__ import annotations

import asyncio
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder.execution.kernel_manager import SandboxedKernelManager
from autograder.execution.sandbox import Sandbox
from autograder.execution.settings import GradingSettings


@dataclass
class Kernel:
    """A started kernel and its sandbox."""

    sandbox: Sandbox
    km: SandboxedKernelManager

    def discard(self) -> None:
        """Kill the sandbox (all its processes), close the sockets and delete the grader-side files."""
        try:
            asyncio.run(self.km.shutdown_kernel(now=True))
        except Exception:
            process = getattr(self.km.provisioner, "process", None)
            if process is not None and process.poll() is None:
                process.kill()
        finally:
            self.km.close()
            self.sandbox.remove()


@dataclass(frozen=True)
class KernelRecipe:
    """What a sandboxed kernel needs: limits, the run's folder, the seed, the release's data, fonts."""

    settings: GradingSettings
    run_dir: Path
    seed: str = ""
    assets: Path | None = None
    mpl_cache: Path | None = None

    def start(self) -> Kernel:
        """A new sandbox with a kernel started in it (call from the launcher thread)."""
        sandbox = Sandbox(self.settings, self.run_dir, self.seed, self.assets, self.mpl_cache)
        km = SandboxedKernelManager(sandbox)
        try:
            asyncio.run(km.start_kernel(env=sandbox.environment(), cwd=sandbox.cwd(),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        except BaseException:
            Kernel(sandbox, km).discard()
            raise
        return Kernel(sandbox, km)


class KernelPool:
    """Hands out fresh kernels; ``refill`` starts the next one in the background."""

    def __init__(self, recipe: KernelRecipe) -> None:
        self.recipe = recipe
        self._launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kernel-launcher")
        self._spare: Future | None = None

    def take(self) -> Kernel:
        """The spare kernel if it started and is alive, else a new one (started in the launcher thread)."""
        spare, self._spare = self._spare, None
        if spare is not None:
            try:
                kernel = spare.result()
                if kernel.km.provisioner.process.poll() is None:
                    return kernel
                kernel.discard()
            except Exception:
                pass
        return self._launcher.submit(self.recipe.start).result()

    def refill(self) -> None:
        """Start the next kernel in the background."""
        if self._spare is None:
            self._spare = self._launcher.submit(self.recipe.start)

    def close(self) -> None:
        """Stop the spare kernel, if any, and the launcher thread."""
        spare, self._spare = self._spare, None
        if spare is not None:
            try:
                spare.result().discard()
            except Exception:
                pass
        self._launcher.shutdown(wait=True)


_POOLS: dict[KernelRecipe, KernelPool] = {}


def pool_for(recipe: KernelRecipe) -> KernelPool:
    """This process's pool for a recipe (one per worker process and run)."""
    if recipe not in _POOLS:
        _POOLS[recipe] = KernelPool(recipe)
    return _POOLS[recipe]


def close_pools() -> None:
    """Stop every spare kernel of this process."""
    while _POOLS:
        _POOLS.popitem()[1].close()
