"""One line of grades.csv."""

from __future__ import annotations

from dataclasses import dataclass

CSV_COLUMNS = ("student_id", "assignment", "notebook", "score", "max_score", "status", "message", "sandboxed")


@dataclass
class GradeRow:
    """The outcome for one submitted file, as written to grades.csv (text fields already sanitised)."""

    student_id: str
    assignment: str
    notebook: str
    score: float
    max_score: float
    status: str
    message: str
    sandboxed: str = "yes"
