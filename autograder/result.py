"""What a worker hands back to the parent for one submission: plain data, safe to pickle."""

from __future__ import annotations

from dataclasses import dataclass, field

from autograder.submission import CellResult, Submission


@dataclass
class SubmissionResult:
    """The outcome of the per-submission pipeline for one file."""

    submission: Submission
    status: str
    message: str
    max_score: float
    cells: list[CellResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        """Points earned over all grade cells."""
        return float(sum(cell.score for cell in self.cells))
