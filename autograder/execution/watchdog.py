"""A thread that kills a sandbox when it uses too much memory or time, or when its kernel is stopped."""

from __future__ import annotations

import threading
import time
from typing import Callable

import psutil

STOPPED = (psutil.STATUS_STOPPED, psutil.STATUS_TRACING_STOP)


class KernelWatchdog(threading.Thread):
    """Poll the sandbox's process tree; past a limit, kill it all and say why.

    Limits: resident memory of the whole tree, the notebook's wall-clock deadline, and a kernel
    process that stays stopped (SIGSTOP, or held by a tracer) longer than ``stop_grace_s``. Where
    the sandbox has a memory cgroup (``oom_kills``), the kernel enforces the memory cap itself;
    once it has killed any process of the sandbox, the watchdog ends the rest and says why.
    """

    def __init__(self, pid: int, memory_limit_bytes: int, deadline_s: float, kernel_pid: int | None = None,
                 stop_grace_s: float = 2.0, interval_s: float = 0.1,
                 oom_kills: Callable[[], int] | None = None) -> None:
        super().__init__(daemon=True, name=f"watchdog-{pid}")
        self.pid = pid
        self.kernel_pid = kernel_pid
        self.memory_limit_bytes = memory_limit_bytes
        self.deadline = time.monotonic() + deadline_s
        self.deadline_s = deadline_s
        self.stop_grace_s = stop_grace_s
        self.interval_s = interval_s
        self.reason = ""
        self.peak_bytes = 0
        self._stopped_since: float | None = None
        self._stop_event = threading.Event()
        self.oom_kills = oom_kills

    def _tree(self) -> list[psutil.Process]:
        root = psutil.Process(self.pid)
        return [root, *root.children(recursive=True)]

    @staticmethod
    def _rss(processes: list[psutil.Process]) -> int:
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _kernel_stopped(self) -> bool:
        if self.kernel_pid is None:
            return False
        try:
            return psutil.Process(self.kernel_pid).status() in STOPPED
        except psutil.Error:
            return False

    def kill(self, reason: str) -> None:
        """Kill the whole process tree, remembering the first reason given."""
        self.reason = self.reason or reason
        self.kill_tree()

    def kill_tree(self) -> None:
        """Kill whatever is left of the sandbox: its launcher first, so the PID namespace goes with it."""
        try:
            processes = self._tree()
        except psutil.Error:
            return
        for process in processes:
            try:
                process.kill()
            except psutil.Error:
                pass

    def over_memory(self) -> str:
        """Why the kernel stopped the sandbox at its memory cgroup's cap."""
        return (f"used more than the {self.memory_limit_bytes / 2**20:.0f} MiB memory limit (memory, files in "
                "memory, shared memory and socket buffers together; stopped by the kernel)")

    def check(self) -> bool:
        """One poll; True when the sandbox was killed (or is gone)."""
        try:
            processes = self._tree()
        except psutil.Error:
            return True
        rss = self._rss(processes)
        self.peak_bytes = max(self.peak_bytes, rss)
        if self.oom_kills is not None and self.oom_kills() > 0:
            self.kill(self.over_memory())
            return True
        if rss > self.memory_limit_bytes:
            self.kill(f"used {rss / 2**20:.0f} MiB of memory, over the {self.memory_limit_bytes / 2**20:.0f} MiB limit")
            return True
        if time.monotonic() > self.deadline:
            self.kill(f"ran longer than the notebook limit of {self.deadline_s:.0f} s")
            return True
        if self._kernel_stopped():
            self._stopped_since = self._stopped_since or time.monotonic()
            if time.monotonic() - self._stopped_since > self.stop_grace_s:
                self.kill(f"the kernel was stopped (SIGSTOP or a tracer) for more than {self.stop_grace_s:.0f} s")
                return True
        else:
            self._stopped_since = None
        return False

    def run(self) -> None:
        while not self._stop_event.wait(self.interval_s):
            if self.check():
                return

    def stop(self) -> None:
        """End the polling and kill any process the sandbox left behind."""
        self._stop_event.set()
        self.kill_tree()
