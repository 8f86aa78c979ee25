"""A jupyter_client kernel manager that starts its kernel in a Sandbox and talks to it over ipc sockets.

What the grader accepts from a kernel is bounded here: ZeroMQ drops any message over
MAX_MESSAGE_BYTES and queues at most RECEIVE_QUEUE messages per socket, and sockets never
reconnect, so a kernel that replaces its socket files after start cannot redirect the grader.
Interrupts go as control messages (the kernel runs in its own session, out of signal reach).
"""

from __future__ import annotations

import asyncio
import stat
import sys
import time
from pathlib import Path

import psutil
import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName

from autograder.execution.sandbox import Sandbox

KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]
# ipykernel forwards forked children's output over a TCP socket on 127.0.0.1; the sandbox allows no
# TCP (autograder.execution.seccomp), so the kernel starts without that pipe. Output of forked processes is
# then not shown; everything the kernel process itself prints or displays is.
KERNEL_BOOT = ("import ipykernel.iostream as s; i = s.IOPubThread.__init__; "
               "s.IOPubThread.__init__ = lambda self, socket, pipe=False: i(self, socket, pipe=False); "
               "from ipykernel.kernelapp import launch_new_instance; launch_new_instance()")
MAX_MESSAGE_BYTES = 32 * 2**20
RECEIVE_QUEUE = 16


def limited_context() -> zmq.asyncio.Context:
    """A ZeroMQ context whose sockets refuse huge messages, queue little and never reconnect."""
    context = zmq.asyncio.Context()
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    context.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE)
    context.setsockopt(zmq.RECONNECT_IVL, -1)
    return context


class SandboxedKernelClient(AsyncKernelClient):
    """The grader's client: no heartbeat channel (it would reconnect, and nbclient does not use it)."""

    def start_channels(self, shell: bool = True, iopub: bool = True, stdin: bool = True, hb: bool = False,
                       control: bool = True) -> None:
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)


class SandboxedKernelManager(AsyncKernelManager):
    """Start the kernel through ``sandbox.command``; connect once its sockets exist."""

    client_class = DottedObjectName("autograder.execution.kernel_manager.SandboxedKernelClient")

    def __init__(self, sandbox: Sandbox, **kwargs) -> None:
        super().__init__(kernel_name=sandbox.settings.kernel_name, transport="ipc", ip=sandbox.socket_ip,
                         connection_file=str(sandbox.connection_file), context=limited_context(), **kwargs)
        self.sandbox = sandbox
        self.kernel_pid: int | None = None

    def write_connection_file(self, **kwargs) -> None:
        """Write it readable for the sandbox's uid (it sits in the run's private folder, 0700)."""
        super().write_connection_file(**kwargs)
        Path(self.connection_file).chmod(0o644)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        boot = ["-c", KERNEL_BOOT] if self.sandbox.settings.sandboxed else ["-m", "ipykernel_launcher"]
        argv = [sys.executable, *boot, "-f", self.sandbox.kernel_connection_file,
                *KERNEL_ARGUMENTS, *(extra_arguments or [])]
        return self.sandbox.command(argv)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        await super()._async_launch_kernel(kernel_cmd, **kw)
        self.ip = await self._wait_for_sockets(timeout=120)

    async def _wait_for_sockets(self, timeout: float) -> str:
        """The host path of the kernel's socket prefix, once all five sockets are bound."""
        deadline = time.monotonic() + timeout
        launcher = psutil.Process(self.provisioner.pid)
        while time.monotonic() < deadline:
            if self.provisioner.process.poll() is not None:
                raise RuntimeError(f"the sandboxed kernel exited while starting (status {self.provisioner.process.poll()})")
            try:
                children = launcher.children()
            except psutil.Error:
                children = []
            init_pid = children[0].pid if children else None
            if init_pid is not None or not self.sandbox.settings.sandboxed:
                prefix = self.sandbox.host_socket_ip(init_pid)
                try:
                    if all(stat.S_ISSOCK(Path(f"{prefix}-{port}").lstat().st_mode) for port in self.ports):
                        self.kernel_pid = self._find_kernel(launcher)
                        return prefix
                except OSError:
                    pass
            await asyncio.sleep(0.02)
        raise RuntimeError(f"the sandboxed kernel did not open its sockets within {timeout:.0f} s")

    @staticmethod
    def _find_kernel(launcher: psutil.Process) -> int | None:
        """The ipykernel process among the launcher's descendants (for the stopped-kernel check)."""
        for process in [launcher, *launcher.children(recursive=True)]:
            try:
                if process.cmdline()[1:3] in (["-m", "ipykernel_launcher"], ["-c", KERNEL_BOOT]):
                    return process.pid
            except psutil.Error:
                continue
        return None

    def client(self, **kwargs) -> SandboxedKernelClient:
        kwargs.setdefault("context", self.context)
        return super().client(**kwargs)

    async def interrupt_kernel(self) -> None:  # type: ignore[override]
        """Ask the kernel to interrupt itself (signals cannot reach its session)."""
        if self.has_kernel:
            self._connect_control_socket()
            self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    def cleanup_ipc_files(self) -> None:
        """Nothing to delete on the host: the sockets lived in the sandbox's tmpfs."""

    def close(self) -> None:
        """Close the manager's sockets and its ZeroMQ context."""
        self._close_control_socket()
        self.context.destroy(linger=0)
