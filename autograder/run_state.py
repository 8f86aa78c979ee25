"""What the run-level steps pass along: the inputs of one `grade` command and what each step adds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course import Assignment
from autograder.settings import GradingSettings


@dataclass
class RunState:
    """One grading run: inputs first, then one field per step output."""

    assignment: Assignment
    submissions_path: Path
    out: Path
    settings: GradingSettings
    template: Any = None          # PrepareAssignment: AssignmentTemplate
    db_url: str = ""              # PrepareAssignment: the gradebook in the output folder
    submissions: list = field(default_factory=list)   # CollectSubmissions: [Submission]
    results: list = field(default_factory=list)       # GradeSubmissions: [SubmissionResult]
    recorded: bool = False        # RecordGrades
    rows: list = field(default_factory=list)          # WriteGradesCsv: [GradeRow]
    scratch: Path | None = None   # temporary folder of the run (zip extraction, sandboxes)
