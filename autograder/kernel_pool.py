"""One spare kernel per worker process, started in the background while the current notebook runs."""

from __future__ import annotations

import asyncio
import subprocess
import threading
from multiprocessing import util

from jupyter_client.manager import AsyncKernelManager

from autograder.sandbox import Sandbox
from autograder.settings import GradingSettings

KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


def start_kernel(settings: GradingSettings, assets, mpl_cache) -> tuple[Sandbox, AsyncKernelManager]:
    """A fresh sandbox and a kernel started in it (cwd, HOME and environment of the sandbox)."""
    sandbox = Sandbox(settings, assets, mpl_cache)
    km = AsyncKernelManager(kernel_name=settings.kernel_name, connection_file=str(sandbox.path / ".kernel.json"))
    try:
        asyncio.run(km.start_kernel(extra_arguments=KERNEL_ARGUMENTS, cwd=str(sandbox.path), env=sandbox.environment(),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    except Exception:
        sandbox.remove()
        raise
    return sandbox, km


def discard(sandbox: Sandbox, km: AsyncKernelManager) -> None:
    """Kill a kernel nobody will use and delete its sandbox."""
    try:
        asyncio.run(km.shutdown_kernel(now=True))
    except Exception:
        pass
    sandbox.remove()


class KernelPool:
    """Hands out kernels; while one notebook runs, the next kernel starts in a background thread.

    Every kernel serves exactly one submission: a spare has run no code at all when it is taken.
    """

    def __init__(self, settings: GradingSettings, assets, mpl_cache) -> None:
        self.args = (settings, assets, mpl_cache)
        self._spare: tuple[Sandbox, AsyncKernelManager] | None = None
        self._thread: threading.Thread | None = None
        util.Finalize(self, self.close, exitpriority=10)

    def _fill(self) -> None:
        try:
            self._spare = start_kernel(*self.args)
        except Exception:
            self._spare = None

    def take(self) -> tuple[Sandbox, AsyncKernelManager] | None:
        """The spare kernel when it started and is still alive, else None (the caller starts its own)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        spare, self._spare = self._spare, None
        if spare is not None and not spare[1].has_kernel:
            discard(*spare)
            spare = None
        return spare

    def refill(self) -> None:
        """Start the next spare kernel in the background."""
        if self._thread is None and self._spare is None:
            self._thread = threading.Thread(target=self._fill, daemon=True, name="spare-kernel")
            self._thread.start()

    def close(self) -> None:
        """Stop the spare kernel, if any."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._spare is not None:
            discard(*self._spare)
            self._spare = None


_POOLS: dict[tuple, KernelPool] = {}


def pool_for(settings: GradingSettings, assets, mpl_cache) -> KernelPool:
    """This process's pool for these settings (one per worker process and run)."""
    key = (settings, str(assets), str(mpl_cache))
    if key not in _POOLS:
        _POOLS[key] = KernelPool(settings, assets, mpl_cache)
    return _POOLS[key]


def close_pools() -> None:
    """Stop every spare kernel of this process (the parent calls it after grading in-process)."""
    while _POOLS:
        _POOLS.popitem()[1].close()
