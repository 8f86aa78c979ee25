"""Grades in the import formats of learning platforms: Canvas's gradebook CSV, Moodle's grade import and grading worksheet.

Both are written from a grading run's gradebook (the score recorded for each student) and the
class roster, which gives each student's name, email and platform id. No network: the instructor
uploads the file (Canvas: Grades > Import; Moodle: the assignment's "Upload grading worksheet").

* Canvas: ``Student, ID, SIS User ID, SIS Login ID, Section, <assignment>``, then one row per
  student; ``ID`` is Canvas's user id (the roster's ``platform_id``), ``SIS User ID`` the roster's
  ``student_id`` and ``SIS Login ID`` its ``email``. A second row, ``Points Possible``, gives the maximum.
* Moodle's gradebook (Grades > Import > CSV file): ``Full name, Email address, ID number,
  <assignment>``; map ``Email address`` (or ``ID number``, the roster's ``student_id``) to the
  user field of the same name, and the assignment's column to its grade item.
* Moodle's assignment grading worksheet (the assignment's "Upload grading worksheet"):
  ``Identifier, Full name, Email address, Grade, Maximum Grade, Feedback comments``; ``Identifier``
  is ``Participant <id>`` with the participant id of Moodle's download (``platform_id``).

A roster student with no score (no file, or not graded) gets an empty grade, which both platforms
leave unchanged on import, and is listed by the command.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.grading.roster import Roster

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("Full name", "Email address", "ID number")
MOODLE_WORKSHEET_COLUMNS = ("Identifier", "Full name", "Email address", "Grade", "Maximum Grade", "Feedback comments")


@dataclass(frozen=True)
class Export:
    """What an export wrote: its path, and the roster students it could not give a grade."""

    path: Path
    without_grade: tuple[str, ...]
    skipped: tuple[str, ...] = ()   # students the format cannot name (Moodle: no platform_id)


def recorded_scores(out: Path) -> tuple[str, float, dict[str, float]]:
    """(assignment id, its maximum score, student id -> recorded score) from OUT/gradebook.db."""
    database = out / "gradebook.db"
    if not database.is_file():
        raise FileNotFoundError(f"{database} does not exist; run `python -m autograder grade SUBMISSIONS "
                                f"--assignment ID --out {out}` first")
    with Gradebook(f"sqlite:///{database.resolve()}") as gradebook:
        assignments = gradebook.assignments
        if len(assignments) != 1:
            raise ValueError(f"{database} holds {len(assignments)} assignments; expected the one of a grading run")
        assignment = assignments[0]
        scores = {}
        for student in gradebook.students:
            try:
                scores[student.id] = float(gradebook.find_submission(assignment.name, student.id).score)
            except MissingEntry:
                continue
        return assignment.name, float(assignment.max_score), scores


def _score_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def export_canvas(out: Path, roster: Roster, to: Path, column: str) -> Export:
    """Canvas's gradebook import CSV for the roster's students."""
    _, max_score, scores = recorded_scores(out)
    with to.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*CANVAS_COLUMNS, column])
        writer.writerow(["Points Possible", "", "", "", "", _score_text(max_score)])
        for student in roster.students:
            writer.writerow([student.name or student.student_id, student.platform_id, student.student_id,
                             student.email, "", _score_text(scores.get(student.student_id))])
    return Export(to, tuple(s.student_id for s in roster.students if s.student_id not in scores))


def export_moodle(out: Path, roster: Roster, to: Path, column: str) -> Export:
    """Moodle's gradebook import CSV for the roster's students."""
    _, _, scores = recorded_scores(out)
    with to.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*MOODLE_COLUMNS, column])
        for student in roster.students:
            writer.writerow([student.name or student.student_id, student.email, student.student_id,
                             _score_text(scores.get(student.student_id))])
    return Export(to, tuple(s.student_id for s in roster.students if s.student_id not in scores))


def export_moodle_worksheet(out: Path, roster: Roster, to: Path) -> Export:
    """Moodle's assignment grading worksheet for the roster's students that have a participant id."""
    _, max_score, scores = recorded_scores(out)
    skipped = tuple(s.student_id for s in roster.students if not s.platform_id)
    with to.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MOODLE_WORKSHEET_COLUMNS)
        for student in roster.students:
            if student.platform_id:
                score = scores.get(student.student_id)
                comment = "graded by the course's autograder; see your feedback page" if score is not None else ""
                writer.writerow([f"Participant {student.platform_id}", student.name or student.student_id,
                                 student.email, _score_text(score), _score_text(max_score), comment])
    return Export(to, tuple(s.student_id for s in roster.students if s.student_id not in scores and s.platform_id),
                  skipped)
