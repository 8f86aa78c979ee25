"""What the grading steps pass along: one submitted file and everything learnt about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class GradingError(Exception):
    """A submission cannot be graded normally; the message goes to grades.csv and the feedback."""


@dataclass(frozen=True)
class Submission:
    """One input file: who sent it and which notebook of the assignment it is (None: unknown)."""

    student_id: str
    path: Path
    original_name: str
    notebook: str | None
    output_stem: str
    primary: bool = True

    @property
    def label(self) -> str:
        """The notebook column of grades.csv: the assignment's notebook, else the file as submitted."""
        return self.notebook or self.original_name


@dataclass(frozen=True)
class CellResult:
    """The outcome of one grade cell."""

    grade_id: str
    score: float
    max_score: float
    message: str = ""

    @property
    def passed(self) -> bool:
        """Full marks on this cell."""
        return self.max_score > 0 and self.score >= self.max_score


@dataclass
class SubmissionState:
    """The state the per-submission steps read and fill in, one field per step output."""

    submission: Submission
    out: Path
    notebook: Any = None          # ReadNotebook: the student's notebook (nbformat v4)
    matches: Any = None           # MatchCells: alignment of the student's cells to the template
    graded: Any = None            # RestoreTests: the notebook to run, tests restored
    executed: Any = None          # ExecuteInSandbox: the notebook with outputs
    guard: Any = None             # ExecuteInSandbox: per grade cell, what the guard observed
    cells: list[CellResult] | None = None   # ScoreCells
    autograded_path: Path | None = None     # SaveAutograded
    feedback_path: Path | None = None       # WriteFeedback
    status: str = "graded"
    notes: list[str] = field(default_factory=list)
    error: str = ""
