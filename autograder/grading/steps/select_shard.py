"""SelectShard: with --shard K/N, keep the students whose id hashes to K; every file of a student stays together."""

from __future__ import annotations

import hashlib

from autograder.grading.steps.base import Step


def shard_of(student_id: str, count: int) -> int:
    """The shard (0 to count - 1) of a student: a stable hash of the id, the same on every machine."""
    return int.from_bytes(hashlib.sha256(student_id.encode()).digest()[:8], "big") % count


class SelectShard(Step):
    """Select shard: this run's share of the students (all of them without --shard)."""

    requires = ("submissions", "shard")
    provides = ("assigned",)

    def run(self, state) -> None:
        index, count = state.shard
        state.assigned = [s for s in state.submissions if count == 1 or shard_of(s.student_id, count) == index]
