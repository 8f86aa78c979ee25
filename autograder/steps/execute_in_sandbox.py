"""ExecuteInSandbox: run the restored notebook in a fresh sandboxed kernel, under time, memory and output limits."""

from __future__ import annotations

from autograder.execution import execute_notebook
from autograder.kernel_pool import pool_for
from autograder.steps.base import Step


class ExecuteInSandbox(Step):
    """Execute in sandbox: one fresh sandboxed kernel per submission (the next one starts meanwhile), limits enforced."""

    requires = ("graded",)
    provides = ("executed", "timed_out")

    def run(self, state) -> None:
        execution = execute_notebook(state.graded, self.context.settings, pool_for(self.context.recipe))
        state.notes.extend(execution.notes)
        if execution.failure:
            state.status, state.error = "error", execution.failure
        state.executed = execution.notebook
        state.timed_out = execution.timed_out
