"""LoadShardResults: the results stores of several shard outputs, checked to belong to one grading."""

from __future__ import annotations

from autograder.authoring.course import load_course
from autograder.grading.results_store import ResultsStore
from autograder.grading.steps.base import Step


class LoadShardResults(Step):
    """Load shard results: the stored results of each shard's latest input; all must share the assignment, instructor notebook and seed."""

    requires = ("shard_outs",)
    provides = ("results", "assignment")

    def run(self, state) -> None:
        results = []
        for folder in state.shard_outs:
            if not (folder / "results").is_dir():
                raise FileNotFoundError(f"{folder} has no results/ folder; pass the --out folders of `grade --shard` runs")
            results += ResultsStore(folder).load_current()  # files removed from a shard's input drop out
        if not results:
            raise ValueError("the shard folders hold no results; grade the shards first")
        for field, what in (("assignment", "assignment"), ("source_sha256", "instructor notebook"),
                            ("seed_sha256", "seed (--seed)"), ("sandboxed", "sandbox setting (--no-sandbox)")):
            values = {getattr(r, field) for r in results if not r.transient}
            if len(values) > 1:
                raise ValueError(f"the shards were graded with different {what}s; grade them again with the same one")
        keys = [ResultsStore.key(r.submission) for r in results]
        if len(keys) != len(set(keys)):
            raise ValueError("a file appears in more than one shard; merge the outputs of one sharded run only")
        state.results = results
        state.assignment = load_course().assignment(results[0].assignment)
