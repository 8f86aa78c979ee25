"""A thread that kills a kernel (and its children) when it uses too much memory or time."""

from __future__ import annotations

import threading
import time

import psutil


class KernelWatchdog(threading.Thread):
    """Poll the kernel's process tree; past the memory limit or the deadline, kill it and say why."""

    def __init__(self, pid: int, memory_limit_bytes: int, deadline_s: float, interval_s: float = 0.1) -> None:
        super().__init__(daemon=True, name=f"watchdog-{pid}")
        self.pid = pid
        self.memory_limit_bytes = memory_limit_bytes
        self.deadline = time.monotonic() + deadline_s
        self.deadline_s = deadline_s
        self.interval_s = interval_s
        self.reason = ""
        self.peak_bytes = 0
        self._stop_event = threading.Event()

    def _tree(self) -> list[psutil.Process]:
        root = psutil.Process(self.pid)
        return [root, *root.children(recursive=True)]

    def _rss(self, processes: list[psutil.Process]) -> int:
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        return total

    def kill(self, reason: str) -> None:
        """Kill the kernel's whole process tree, remembering the first reason given."""
        self.reason = self.reason or reason
        self.kill_tree()

    def kill_tree(self) -> None:
        """Kill whatever is left of the kernel and the processes it started."""
        try:
            processes = self._tree()
        except psutil.Error:
            return
        for process in reversed(processes):
            try:
                process.kill()
            except psutil.Error:
                pass

    def run(self) -> None:
        while not self._stop_event.wait(self.interval_s):
            try:
                processes = self._tree()
            except psutil.Error:
                return
            rss = self._rss(processes)
            self.peak_bytes = max(self.peak_bytes, rss)
            if rss > self.memory_limit_bytes:
                self.kill(f"used {rss / 2**20:.0f} MiB of memory, over the {self.memory_limit_bytes / 2**20:.0f} MiB limit")
                return
            if time.monotonic() > self.deadline:
                self.kill(f"ran longer than the notebook limit of {self.deadline_s:.0f} s")
                return

    def stop(self) -> None:
        """End the polling and kill any process the kernel left behind."""
        self._stop_event.set()
        self.kill_tree()
