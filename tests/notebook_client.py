"""An nbclient NotebookClient for tests that run widgets in a live kernel.

nbclient imitates a front end's Output widget (ipywidgets' ``interactive`` shows its plot in one) by
sending on the shell channel from its IOPub task. A shell poll waiting at that moment can miss the
cell's reply until its whole timeout has passed, and then return it as if nothing happened
(jupyter/nbclient#312; seen in CI as cells that took exactly their timeout). Polling in short
slices bounds that to a fraction of a second. .ci/time_notebooks.py avoids the imitation instead;
these tests need it, because they read what the Output widget captured.
"""

from __future__ import annotations

import time
from queue import Empty

from nbclient import NotebookClient

POLL_SLICE_S = 0.5


class ShortPollClient(NotebookClient):
    """NotebookClient whose shell-channel waits are cut into POLL_SLICE_S polls, with the same overall timeout."""

    async def async_start_new_kernel_client(self):
        client = await super().async_start_new_kernel_client()
        channel = client.shell_channel
        whole_wait = channel.get_msg

        async def get_msg(timeout: float | None = None):
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                left = POLL_SLICE_S if deadline is None else max(0.0, min(POLL_SLICE_S, deadline - time.monotonic()))
                try:
                    return await whole_wait(timeout=left)
                except Empty:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise

        channel.get_msg = get_msg
        return client
