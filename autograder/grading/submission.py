"""What the grading steps pass along: one submitted file and everything learnt about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class GradingError(Exception):
    """A submission cannot be graded normally; the message goes to grades.csv and the feedback."""


@dataclass(frozen=True)
class Submission:
    """One input file: who sent it and which notebook of the assignment it is (None: unknown).

    ``problem`` is set when the file could not even be extracted (an oversized zip member) or its
    name is unusable; ``note`` when its student id had to differ from its name (a collision).
    """

    student_id: str
    path: Path
    original_name: str
    notebook: str | None
    output_stem: str
    primary: bool = True
    problem: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        """The notebook column of grades.csv: the assignment's notebook for the file recorded in the gradebook,
        else the file as submitted (a second file of the same notebook, or a file that is not the notebook)."""
        return self.notebook if self.notebook and self.primary else self.original_name


@dataclass(frozen=True)
class CellResult:
    """The outcome of one test cell: hidden tests carry points, visible ones (0 points) only pass or fail."""

    grade_id: str
    score: float
    max_score: float
    passed: bool
    message: str = ""

    @property
    def hidden(self) -> bool:
        """A test that carries points (its inputs come from the grading seed)."""
        return self.max_score > 0


@dataclass
class SubmissionState:
    """The state the per-submission steps read and fill in, one field per step output."""

    submission: Submission
    out: Path
    notebook: Any = None          # ReadNotebook: the student's notebook (sources only, nbformat v4)
    submitted_outputs: Any = None  # ReadNotebook: the outputs the student saved, per cell (feedback only)
    matches: Any = None           # MatchCells: alignment of the student's cells to the template
    graded: Any = None            # RestoreTests: the notebook to run, tests restored
    executed: Any = None          # ExecuteInSandbox: the notebook with outputs
    timed_out: set = field(default_factory=set)   # ExecuteInSandbox: indices of cells that timed out
    cells: list[CellResult] | None = None   # JudgeCells
    autograded_path: Path | None = None     # SaveAutograded
    feedback_path: Path | None = None       # WriteFeedback
    status: str = "graded"
    notes: list[str] = field(default_factory=list)
    error: str = ""
