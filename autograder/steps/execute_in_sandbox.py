"""ExecuteInSandbox: run the notebook in a fresh kernel inside a private folder, under time and memory limits."""

from __future__ import annotations

import signal
import subprocess

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from autograder.guarded_client import GuardedNotebookClient, GuardInstallError
from autograder.kernel_pool import KERNEL_ARGUMENTS, pool_for
from autograder.sandbox import Sandbox
from autograder.steps.base import Step
from autograder.watchdog import KernelWatchdog


def describe_exit(returncode: int | None) -> str:
    """Words for how a kernel process ended."""
    if returncode is None or returncode == 0:
        return "the kernel exited"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the kernel crashed ({name})"
    return f"the kernel exited with status {returncode} (os._exit or sys.exit in the notebook?)"


class ExecuteInSandbox(Step):
    """Execute in sandbox: one kernel per submission, cwd and HOME in a temporary folder, limits enforced."""

    requires = ("graded",)
    provides = ("executed", "guard")

    def run(self, state) -> None:
        settings = self.context.settings
        pool = pool_for(settings, self.context.assets, self.context.mpl_cache, self.context.guard_source)
        spare = pool.take()
        guard_installed = False
        if spare is not None:
            sandbox, km, guard_installed = spare
        else:
            sandbox = Sandbox(settings, self.context.assets, self.context.mpl_cache)
            km = AsyncKernelManager(kernel_name=settings.kernel_name, connection_file=str(sandbox.path / ".kernel.json"))
        watchdogs: list[KernelWatchdog] = []

        def start_watchdog(pid: int) -> None:
            dog = KernelWatchdog(pid, settings.memory_limit_mb * 2**20, settings.notebook_timeout)
            dog.start()
            watchdogs.append(dog)

        client = GuardedNotebookClient(
            state.graded, km=km, marker=self.context.marker, guard_source=self.context.guard_source,
            max_output_bytes=settings.max_output_bytes, on_kernel_started=start_watchdog, guard_installed=guard_installed,
            timeout=int(settings.cell_timeout), interrupt_on_timeout=True, allow_errors=True,
            record_timing=False, shutdown_kernel="immediate", startup_timeout=120,
            extra_arguments=list(KERNEL_ARGUMENTS),
            resources={"metadata": {"path": str(sandbox.path)}},
        )
        if spare is not None:
            start_watchdog(km.provisioner.pid)
        pool.refill()
        failure = ""
        try:
            # cleanup_kc: shut the kernel down and close its channels although we passed our own manager.
            client.execute(cleanup_kc=True, env=sandbox.environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except DeadKernelError:
            reason = watchdogs[0].reason if watchdogs and watchdogs[0].reason else describe_exit(client.exit_code)
            failure = f"{reason} while running cell {client._current + 1}; later cells did not run"
        except CellTimeoutError as error:
            failure = f"a cell timed out ({str(error).splitlines()[0]})"
        except GuardInstallError as error:
            failure = f"the grader could not prepare the kernel ({error}); check that dlcourse imports in the grading environment"
        except RuntimeError as error:
            failure = f"the kernel could not run the notebook ({error})"
        finally:
            for dog in watchdogs:
                dog.stop()
            sandbox.remove()
        if not failure and watchdogs and watchdogs[0].reason:
            failure = watchdogs[0].reason
        if client.timed_out:
            cells = ", ".join(str(i + 1) for i in sorted(client.timed_out))
            state.notes.append(f"cell(s) {cells} timed out after {settings.cell_timeout:.0f} s and were interrupted")
            failure = failure or f"cell(s) {cells} ran past the {settings.cell_timeout:.0f} s limit (an infinite loop?)"
        if client.truncated:
            state.notes.append(f"output of {len(client.truncated)} cell(s) truncated")
        if failure:
            state.status = "error"
            state.error = failure
        state.executed = client.nb
        state.guard = {"log": client.guard_log, "timed_out": set(client.timed_out)}
