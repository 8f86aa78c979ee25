"""KeepHistory: before a file is graded again, its earlier result is copied to OUT/history/<run>/."""

from __future__ import annotations

import shutil
import time

from autograder.grading.results_store import ResultsStore
from autograder.grading.steps.base import Step


class KeepHistory(Step):
    """Keep history: every stored result that this run will replace is kept, so no result is overwritten silently."""

    requires = ("pending", "out")
    provides = ("previous", "history")

    def run(self, state) -> None:
        store = ResultsStore(state.out)
        earlier = {ResultsStore.key(s): r for s in state.pending if (r := store.load(s)) is not None}
        state.previous = earlier
        if not earlier:
            return
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        folder = state.out / "history" / stamp
        suffix = 1
        while folder.exists():
            suffix += 1
            folder = state.out / "history" / f"{stamp}-{suffix}"
        folder.mkdir(parents=True)
        for submission in state.pending:
            if ResultsStore.key(submission) in earlier:
                shutil.copy2(store.path(submission), folder / store.path(submission).name)
        state.history = folder
