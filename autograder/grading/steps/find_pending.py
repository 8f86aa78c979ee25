"""FindPending: the files of this run that have no stored result made from the same inputs."""

from __future__ import annotations

from autograder.grading.results_store import ResultsStore, sha256_file, sha256_text
from autograder.grading.steps.base import Step
from autograder.grading.steps.read_notebook import MAX_NOTEBOOK_BYTES


class FindPending(Step):
    """Find pending: skip files already graded from the same file, instructor notebook and seed (resume), unless --regrade."""

    requires = ("assigned", "out", "source_sha256", "seed", "settings", "regrade")
    provides = ("pending",)

    def run(self, state) -> None:
        store = ResultsStore(state.out)
        store.remove_partial_writes()
        seed_sha256 = sha256_text(state.seed)
        state.pending = [
            submission for submission in state.assigned
            if state.regrade or not store.is_current(submission, sha256_file(submission.path, MAX_NOTEBOOK_BYTES + 1),
                                    state.source_sha256, seed_sha256, state.settings.sandboxed)
        ]
        skipped = len(state.assigned) - len(state.pending)
        if skipped:
            print(f"{skipped} file(s) already graded with the same inputs in {state.out / 'results'}; "
                  f"grading the other {len(state.pending)}")
