"""An nbclient NotebookClient that keeps a bounded amount of what a kernel sends, and notes timeouts.

Everything that arrives from a student's kernel is untrusted: a message part larger than
``max_message_bytes`` is dropped before it is parsed (parsed JSON takes many times its size in
memory), malformed messages are ignored, display updates and widget messages are dropped (the
grading run's outputs serve the instructor only), and outputs are kept up to a per-cell and a
per-notebook budget, with a separate budget for grading records so that printing cannot push a
record out.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Callable

from nbclient import NotebookClient
from nbclient.exceptions import CellControlSignal

from autograder.execution.settings import GradingSettings

# The MIME type of dlcourse.grading.record outputs; kept apart from the cell output budget.
RECORD_MIME = "application/vnd.dlcourse.record+json"


DROPPED = "autograder_dropped_bytes"  # marks a message part that was too large to read


def capped_unpacker(unpack: Callable[[bytes], Any], limit: int) -> Callable[[bytes], Any]:
    """``unpack`` for parts of at most ``limit`` bytes; a larger part becomes a small placeholder, unread.

    The placeholder also passes for a message header, so that jupyter_client can go on.
    """
    def unpack_capped(data: bytes) -> Any:
        if len(data) > limit:
            return {"msg_id": "", "msg_type": DROPPED, DROPPED: len(data)}
        return unpack(data)
    return unpack_capped


def output_size(content: Any) -> int:
    """Bytes of one output message's content, as JSON."""
    try:
        return len(json.dumps(content, default=str))
    except (TypeError, ValueError, RecursionError):
        return 1 << 40


class CappedNotebookClient(NotebookClient):
    """Execute a notebook; keep outputs within the settings' budgets; remember timed-out cells."""

    def __init__(self, nb: Any, *, settings: GradingSettings, **kwargs: Any) -> None:
        super().__init__(nb, **kwargs)
        self.settings = settings
        self.timed_out: set[int] = set()
        self.truncated: set[int] = set()
        self.malformed = 0
        self._cell_bytes: dict[int, int] = defaultdict(int)
        self._notebook_bytes = 0
        self._record_bytes = 0
        self.current = -1

    async def async_start_new_kernel_client(self) -> Any:
        session = self.km.session  # the kernel client it makes shares it: capped before any message is read
        session.unpack = capped_unpacker(session.unpack, self.settings.max_message_bytes)
        return await super().async_start_new_kernel_client()

    async def async_execute_cell(self, cell: Any, cell_index: int, execution_count: int | None = None,
                                 store_history: bool = True) -> Any:
        self.current = cell_index
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    async def _check_raise_for_error(self, cell: Any, cell_index: int, exec_reply: dict | None) -> None:
        content = (exec_reply or {}).get("content") if isinstance(exec_reply, dict) else None
        status = content.get("status") if isinstance(content, dict) else None
        cell.setdefault("metadata", {}).setdefault("autograder", {})["reply_status"] = (
            status if status in ("ok", "error", "aborted") else "none")
        # allow_errors is on: nbclient only records the error; nothing to raise.

    async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> None | dict:
        self.timed_out.add(self.current)
        return await super()._async_handle_timeout(timeout, cell)

    def process_message(self, msg: dict, cell: Any, cell_index: int) -> Any:
        content = msg.get("content") if isinstance(msg, dict) else None
        if not isinstance(content, dict) or not isinstance(msg.get("msg_type"), str):
            self.malformed += 1
            return None
        if DROPPED in content or msg.get("msg_type") == DROPPED:
            self.truncated.add(cell_index)
            return None
        content.pop("transient", None)  # display ids: updates are not followed
        if not isinstance(content.get("execution_count", 0), (int, type(None))):
            content.pop("execution_count")
        try:
            return super().process_message(msg, cell, cell_index)
        except CellControlSignal:
            raise
        except Exception:
            self.malformed += 1
            return None

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
        content = msg["content"]
        size = output_size(content)
        data = content.get("data")
        if msg["msg_type"] == "display_data" and isinstance(data, dict) and RECORD_MIME in data:
            if self._record_bytes + size > self.settings.max_record_bytes:
                self.truncated.add(cell_index)
                return None
            self._record_bytes += size
        else:
            if (self._cell_bytes[cell_index] + size > self.settings.max_output_bytes
                    or self._notebook_bytes + size > self.settings.max_notebook_output_bytes):
                self.truncated.add(cell_index)
                return None
            self._cell_bytes[cell_index] += size
            self._notebook_bytes += size
        return super().output(outs, msg, None, cell_index)

    def _update_display_id(self, display_id: str, msg: dict) -> None:
        """Display updates are not applied."""

    def handle_comm_msg(self, outs: list, msg: dict, cell_index: int) -> None:
        """Widget messages are not kept."""
