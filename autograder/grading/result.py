"""What a worker stores for one submission: plain data, written as JSON to OUT/results/."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.grading.submission import CellResult, Submission


@dataclass
class SubmissionResult:
    """The outcome of the per-submission pipeline for one file, and what it was graded against.

    ``file_sha256``, ``source_sha256`` and ``seed_sha256`` identify the inputs: a later run skips
    the file when all three (and ``sandboxed``) are unchanged. ``transient`` marks a result that a
    later run should try again (the worker died, or the grader failed).
    """

    submission: Submission
    assignment: str
    status: str
    message: str
    max_score: float
    cells: list[CellResult] = field(default_factory=list)
    seconds: float = 0.0
    sandboxed: bool = True
    file_sha256: str = ""
    source_sha256: str = ""
    seed_sha256: str = ""
    transient: bool = False

    @property
    def score(self) -> float:
        """Points earned over the hidden tests."""
        return float(sum(cell.score for cell in self.cells))

    def to_dict(self) -> dict:
        data = asdict(self)
        data["submission"]["path"] = str(self.submission.path)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "SubmissionResult":
        submission = dict(data["submission"], path=Path(data["submission"]["path"]))
        cells = [CellResult(**cell) for cell in data.get("cells", [])]
        return cls(**{**data, "submission": Submission(**submission), "cells": cells})
