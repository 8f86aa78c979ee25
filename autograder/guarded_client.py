"""An nbclient NotebookClient that guards grade cells, caps output and reports timeouts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

import nbformat
from nbclient import NotebookClient
from nbclient.util import ensure_async

from autograder.guard import RESTORE_EXPRESSION, VERIFY_EXPRESSION, marker_line, unwrap_expression
from autograder.template import TEST


class GuardInstallError(RuntimeError):
    """The guard could not be set up in the kernel, so grade cells cannot be trusted."""


def _output_size(content: dict) -> int:
    """Approximate bytes of one output message's payload."""
    if "text" in content:
        return len(content["text"])
    data = content.get("data", {})
    size = sum(len(v) if isinstance(v, str) else len(str(v)) for v in data.values()) if isinstance(data, dict) else 0
    return size + sum(len(line) for line in content.get("traceback", []) or [])


class GuardedNotebookClient(NotebookClient):
    """Execute a notebook; around each grade cell restore and verify the test environment, mark completion."""

    def __init__(self, nb: Any, *, marker: str, guard_source: str, max_output_bytes: int,
                 on_kernel_started: Callable[[int], None] | None = None, guard_installed: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(nb, **kwargs)
        self.marker = marker
        self.guard_source = guard_source
        self.max_output_bytes = max_output_bytes
        self.on_kernel_started = on_kernel_started
        self.guard_log: dict[int, dict[str, str]] = {}
        self.timed_out: set[int] = set()
        self.truncated: set[int] = set()
        self._sizes: dict[int, int] = defaultdict(int)
        self._installed = guard_installed
        self._current = -1
        self.exit_code: int | None = None

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        await super().async_start_new_kernel(**kwargs)
        if self.on_kernel_started is not None:
            self.on_kernel_started(self.km.provisioner.pid)

    async def _async_cleanup_kernel(self) -> None:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            self.exit_code = process.poll()
        await super()._async_cleanup_kernel()

    async def _request(self, code: str, expressions: dict[str, str] | None = None) -> dict | None:
        msg_id = await ensure_async(self.kc.execute(code, silent=True, store_history=False,
                                                    user_expressions=expressions or {}))
        return await self.async_wait_for_reply(msg_id)

    async def _install_guard(self) -> None:
        reply = await self._request(self.guard_source)
        content = (reply or {}).get("content", {})
        if content.get("status") != "ok":
            raise GuardInstallError(f"{content.get('ename', 'no reply')}: {content.get('evalue', '')}")
        self._installed = True

    async def async_execute_cell(self, cell: Any, cell_index: int, execution_count: int | None = None,
                                 store_history: bool = True) -> Any:
        if not self._installed:
            await self._install_guard()
        self._current = cell_index
        role = cell.get("metadata", {}).get("autograder", {}).get("role")
        if cell.cell_type != "code" or role != TEST or not cell.source.strip():
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        log = {"restore": unwrap_expression(await self._request("", {"g": RESTORE_EXPRESSION}), "g")}
        original = cell.source
        cell.source = original + marker_line(self.marker)
        try:
            cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            cell.source = original
        log["verify"] = unwrap_expression(await self._request("", {"g": VERIFY_EXPRESSION}), "g")
        self.guard_log[cell_index] = log
        return cell

    async def _check_raise_for_error(self, cell: Any, cell_index: int, exec_reply: dict | None) -> None:
        status = (exec_reply or {}).get("content", {}).get("status", "none")
        cell.setdefault("metadata", {}).setdefault("autograder", {})["reply_status"] = status
        return await super()._check_raise_for_error(cell, cell_index, exec_reply)

    async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> None | dict:
        self.timed_out.add(self._current)
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
        content = msg.get("content", {})
        if self.marker in content.get("text", ""):
            return super().output(outs, msg, display_id, cell_index)
        self._sizes[cell_index] += _output_size(content)
        if self._sizes[cell_index] <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if cell_index not in self.truncated:
            self.truncated.add(cell_index)
            note = nbformat.v4.new_output("stream", name="stdout",
                                          text=f"\n[autograder] output truncated after {self.max_output_bytes} bytes\n")
            outs.append(note)
        return None
