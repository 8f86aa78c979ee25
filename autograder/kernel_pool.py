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


def install_guard(km: AsyncKernelManager, guard_source: str, timeout: float = 120) -> bool:
    """Run the guard's install cell in a kernel that has run nothing else; True when it succeeded."""
    async def install() -> bool:
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=timeout)
            msg_id = kc.execute(guard_source, silent=True, store_history=False)
            while True:
                reply = await kc.get_shell_msg(timeout=timeout)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return reply["content"].get("status") == "ok"
        finally:
            kc.stop_channels()

    try:
        return asyncio.run(install())
    except Exception:
        return False


def discard(sandbox: Sandbox, km: AsyncKernelManager) -> None:
    """Kill a kernel nobody will use and delete its sandbox."""
    try:
        asyncio.run(km.shutdown_kernel(now=True))
    except Exception:
        pass
    sandbox.remove()


class KernelPool:
    """Hands out kernels; while one notebook runs, the next kernel starts in a background thread.

    Every kernel serves exactly one submission: when it is taken a spare has run nothing but the
    guard's install cell (so the guard's snapshot still predates any student code).
    """

    def __init__(self, settings: GradingSettings, assets, mpl_cache, guard_source: str = "") -> None:
        self.args = (settings, assets, mpl_cache)
        self.guard_source = guard_source
        self._spare: tuple[Sandbox, AsyncKernelManager, bool] | None = None
        self._thread: threading.Thread | None = None
        util.Finalize(self, self.close, exitpriority=10)

    def _fill(self) -> None:
        try:
            sandbox, km = start_kernel(*self.args)
        except Exception:
            self._spare = None
            return
        guarded = bool(self.guard_source) and install_guard(km, self.guard_source)
        self._spare = (sandbox, km, guarded)

    def take(self) -> tuple[Sandbox, AsyncKernelManager, bool] | None:
        """(sandbox, kernel manager, guard installed) of the spare when it is alive, else None."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        spare, self._spare = self._spare, None
        if spare is not None and not spare[1].has_kernel:
            discard(*spare[:2])
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
            discard(*self._spare[:2])
            self._spare = None


_POOLS: dict[tuple, KernelPool] = {}


def pool_for(settings: GradingSettings, assets, mpl_cache, guard_source: str = "") -> KernelPool:
    """This process's pool for these settings (one per worker process and run)."""
    key = (settings, str(assets), str(mpl_cache), guard_source)
    if key not in _POOLS:
        _POOLS[key] = KernelPool(settings, assets, mpl_cache, guard_source)
    return _POOLS[key]


def close_pools() -> None:
    """Stop every spare kernel of this process (the parent calls it after grading in-process)."""
    while _POOLS:
        _POOLS.popitem()[1].close()
