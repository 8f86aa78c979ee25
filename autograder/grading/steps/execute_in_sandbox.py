"""ExecuteInSandbox: run the restored notebook in a fresh sandboxed kernel, under time, memory and output limits."""

from __future__ import annotations

from autograder.execution.kernel_pool import pool_for
from autograder.execution.run_notebook import execute_notebook
from autograder.grading.steps.base import Step
from autograder.grading.template import after_last_test


class ExecuteInSandbox(Step):
    """Execute in sandbox: one fresh sandboxed kernel per submission (the next one starts meanwhile), limits enforced."""

    requires = ("graded",)
    provides = ("executed", "timed_out")

    def run(self, state) -> None:
        execution = execute_notebook(state.graded, self.context.settings, pool_for(self.context.recipe),
                                     after_last_test(state.graded))
        state.notes.extend(execution.notes)
        if execution.failure:
            state.status, state.error = "error", execution.failure
        state.executed = execution.notebook
        state.timed_out = execution.timed_out
