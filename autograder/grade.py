"""Autograde a folder of submitted notebooks with nbgrader, one throwaway course per submission."""

from __future__ import annotations

import csv
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from autograder.course import Assignment, load_nbgrader_config

CSV_COLUMNS = ("student_id", "assignment", "notebook", "score", "max_score", "status", "message")


@dataclass
class GradeRow:
    """One line of grades.csv: the outcome for one submitted file."""

    student_id: str
    assignment: str
    notebook: str
    score: float
    max_score: float
    status: str
    message: str


def find_submissions(folder: Path, assignment: Assignment) -> list[tuple[str, Path]]:
    """(student_id, file) for ``<student>/<notebook>.ipynb`` and ``<student>_<notebook>.ipynb`` files."""
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        relative = path.relative_to(folder)
        if len(relative.parts) >= 2:
            found.append((relative.parts[0], path))
        else:
            suffix = f"_{assignment.notebook}"
            student = path.name[: -len(suffix)] if path.name.endswith(suffix) else path.stem
            found.append((student, path))
    return found


def grade_one(student_id: str, submission: Path, assignment: Assignment) -> GradeRow:
    """Grade one notebook in its own temporary nbgrader course and return its row."""
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        work = Path(scratch)
        shutil.copytree(assignment.source_path().parent, work / "source" / assignment.id)
        submitted = work / "submitted" / student_id / assignment.id
        submitted.mkdir(parents=True)
        shutil.copy(submission, submitted / assignment.notebook)
        db_url = f"sqlite:///{work / 'gradebook.db'}"
        api = NbGraderAPI(config=load_nbgrader_config(work, db_url))
        generated = api.generate_assignment(assignment.id, force=True)
        if not generated["success"]:
            raise RuntimeError(f"could not prepare {assignment.id}: {generated['error']}")
        with Gradebook(db_url) as gradebook:
            gradebook.update_or_create_student(student_id)
        result = api.autograde(assignment.id, student_id, force=True, create=True)
        if not result["success"]:
            return GradeRow(student_id, assignment.id, assignment.notebook, 0.0, 0.0, "error", result["error"][-300:])
        with Gradebook(db_url) as gradebook:
            graded = gradebook.find_submission_notebook(assignment.notebook[:-6], assignment.id, student_id)
            return GradeRow(student_id, assignment.id, assignment.notebook, float(graded.score),
                            float(graded.max_score), "graded", "")


def write_csv(rows: list[GradeRow], path: Path) -> None:
    """Write the rows to grades.csv with the documented columns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)


def grade_submissions(folder: Path, assignment: Assignment, out: Path, jobs: int = 1) -> list[GradeRow]:
    """Grade every submission under ``folder`` and write ``out/grades.csv``."""
    rows = [grade_one(student, path, assignment) for student, path in find_submissions(folder, assignment)]
    write_csv(rows, out / "grades.csv")
    for row in rows:
        print(f"{row.student_id:>20}  {row.score:5.1f} / {row.max_score:5.1f}  {row.status} {row.message}")
    return rows
