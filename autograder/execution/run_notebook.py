"""Run one notebook in a fresh sandboxed kernel, under the run's time, memory and output limits.

Only the cells up to the last test cell run: what comes after cannot change a grade, and skipping
it saves the grader the course's heaviest cells (training runs, benchmarks) for every student.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from typing import Any

from nbclient.exceptions import CellTimeoutError, DeadKernelError

from autograder.execution.capped_client import CappedNotebookClient
from autograder.execution.kernel_pool import KernelPool
from autograder.execution.settings import GradingSettings
from autograder.execution.watchdog import KernelWatchdog


@dataclass
class Execution:
    """The executed notebook, why it stopped early ('' when it ran to its end), and what was cut."""

    notebook: Any
    failure: str = ""
    timed_out: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def describe_exit(returncode: int | None, sandboxed: bool) -> str:
    """Words for how a kernel process ended (bwrap reports a kernel killed by signal N as 128 + N)."""
    if returncode is None or returncode == 0:
        return "the kernel exited"
    signum = -returncode if returncode < 0 else (returncode - 128 if sandboxed and 128 < returncode < 160 else 0)
    if signum:
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        return f"the kernel crashed ({name})"
    return f"the kernel exited with status {returncode} (os._exit or sys.exit in the notebook?)"


def exit_status(process, wait_s: float = 10) -> int | None:
    """The launcher's exit status once it has ended (None if it is still running after ``wait_s``)."""
    try:
        return process.wait(timeout=wait_s)
    except Exception:
        return process.poll()


def execute_notebook(notebook: Any, settings: GradingSettings, pool: KernelPool, stop: int,
                     refill: bool = True) -> Execution:
    """Execute ``notebook`` (modified in place) up to cell ``stop`` (excluded) in a kernel of ``pool``.

    The cells from ``stop`` on keep no outputs: they did not run. Never leaves a process behind.
    """
    not_run = notebook.cells[stop:]
    notebook.cells = notebook.cells[:stop]
    try:
        return _execute(notebook, settings, pool, refill)
    finally:
        for cell in not_run:
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
        notebook.cells = notebook.cells + not_run


def _execute(notebook: Any, settings: GradingSettings, pool: KernelPool, refill: bool) -> Execution:
    kernel = pool.take()
    if refill:
        pool.refill()
    process = kernel.km.provisioner.process
    group = kernel.sandbox.cgroup
    watchdog = KernelWatchdog(process.pid, settings.memory_limit_mb * 2**20, settings.notebook_timeout,
                              kernel.km.kernel_pid, settings.stop_grace_s,
                              oom_kills=group.oom_kills if group is not None else None)
    watchdog.start()
    client = CappedNotebookClient(
        notebook, km=kernel.km, settings=settings, timeout=int(settings.cell_timeout), interrupt_on_timeout=True,
        allow_errors=True, record_timing=False, shutdown_kernel="immediate", startup_timeout=120,
        store_widget_state=False)
    result = Execution(notebook)
    try:
        client.execute(cleanup_kc=True)
    except DeadKernelError:
        reason = watchdog.reason or (watchdog.over_memory() if kernel.sandbox.oom_killed() else
                                     describe_exit(exit_status(process), settings.sandboxed))
        result.failure = f"{reason} while running cell {client.current + 1}; later cells did not run"
    except CellTimeoutError as error:
        result.failure = f"a cell timed out ({str(error).splitlines()[0]})"
    except Exception as error:  # a kernel that breaks the protocol stops its own notebook, nothing else
        result.failure = watchdog.reason or f"the kernel could not run the notebook ({type(error).__name__})"
    finally:
        watchdog.stop()
        kernel.discard()
    result.failure = result.failure or watchdog.reason
    result.timed_out = set(client.timed_out)
    if client.timed_out:
        cells = ", ".join(str(i + 1) for i in sorted(client.timed_out))
        result.notes.append(f"cell(s) {cells} timed out after {settings.cell_timeout:.0f} s and were interrupted")
        result.failure = result.failure or f"cell(s) {cells} ran past the {settings.cell_timeout:.0f} s limit (an infinite loop?)"
    if client.truncated:
        result.notes.append(f"output of {len(client.truncated)} cell(s) truncated")
    if client.malformed:
        result.notes.append(f"{client.malformed} malformed message(s) from the kernel ignored")
    return result
