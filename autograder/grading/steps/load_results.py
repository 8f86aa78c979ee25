"""LoadResults: this run's files' results, read back from the results store (graded now or earlier)."""

from __future__ import annotations

from autograder.grading.result import SubmissionResult
from autograder.grading.results_store import ResultsStore
from autograder.grading.steps.base import Step


class LoadResults(Step):
    """Load results: one stored result per file of this run (and shard), which it records as the folder's inputs; a file without one becomes an error row."""

    requires = ("assigned", "out", "template", "settings")
    provides = ("results",)

    def run(self, state) -> None:
        store = ResultsStore(state.out)
        store.write_manifest(state.assigned)  # `merge` takes only these files' results
        for submission in state.assigned:
            result = store.load(submission)
            if result is None:
                template = state.template.notebooks.get(submission.notebook or "")
                result = SubmissionResult(submission=submission, assignment=state.template.assignment_id,
                                          status="error", message="no result was stored for this file; grade again",
                                          max_score=template.max_score if template else state.template.max_score,
                                          sandboxed=state.settings.sandboxed, transient=True)
            state.results.append(result)
