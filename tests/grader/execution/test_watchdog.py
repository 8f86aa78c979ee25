"""The kernel watchdog: memory and time limits on a process tree, and stopped kernels."""

import subprocess
import sys

from autograder.execution.watchdog import KernelWatchdog


def test_process_over_the_memory_limit_is_killed_with_the_reason():
    hog = subprocess.Popen([sys.executable, "-c", "b = bytearray(400 * 2**20); import time; time.sleep(60)"])
    dog = KernelWatchdog(hog.pid, memory_limit_bytes=200 * 2**20, deadline_s=60, interval_s=0.05)
    dog.start()
    assert hog.wait(timeout=30) != 0
    dog.join(timeout=5)
    assert "over the 200 MiB limit" in dog.reason


def test_process_past_the_deadline_is_killed_with_the_reason():
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dog = KernelWatchdog(sleeper.pid, memory_limit_bytes=2**40, deadline_s=0.5, interval_s=0.05)
    dog.start()
    assert sleeper.wait(timeout=30) != 0
    assert "notebook limit of 0 s" in dog.reason or "notebook limit of 1 s" in dog.reason


def test_stop_kills_what_is_left():
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dog = KernelWatchdog(sleeper.pid, memory_limit_bytes=2**40, deadline_s=60)
    dog.start()
    dog.stop()
    assert sleeper.wait(timeout=30) != 0
    assert dog.reason == ""


def test_a_stopped_kernel_is_killed_after_the_grace_period():
    sleeper = subprocess.Popen([sys.executable, "-c", "import os, signal, time; os.kill(os.getpid(), signal.SIGSTOP)"])
    dog = KernelWatchdog(sleeper.pid, memory_limit_bytes=2**40, deadline_s=60, kernel_pid=sleeper.pid,
                         stop_grace_s=0.5, interval_s=0.05)
    dog.start()
    assert sleeper.wait(timeout=30) != 0
    assert "stopped (SIGSTOP" in dog.reason
