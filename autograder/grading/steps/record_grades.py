"""RecordGrades: write the stored scores into the nbgrader gradebook, from the parent process only."""

from __future__ import annotations

import warnings

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from autograder.grading.steps.base import Step


class RecordGrades(Step):
    """Record grades: OUT/gradebook.db gets one submission per student, replaced on each run, so reruns are identical."""

    requires = ("results", "db_url", "template")
    provides = ("recorded",)

    def run(self, state) -> None:
        assignment_id = state.template.assignment_id
        by_student: dict[str, list] = {}
        for result in state.results:
            by_student.setdefault(result.submission.student_id, []).append(result)
        with warnings.catch_warnings(), Gradebook(state.db_url) as gradebook:
            warnings.simplefilter("ignore", SAWarning)  # nbgrader's own add_submission triggers it
            for student_id, results in sorted(by_student.items()):
                gradebook.update_or_create_student(student_id)
                try:
                    gradebook.remove_submission(assignment_id, student_id)
                except MissingEntry:
                    pass
                gradebook.add_submission(assignment_id, student_id)
                for result in results:
                    if not result.submission.primary or result.submission.notebook is None:
                        continue
                    notebook = state.template.notebooks[result.submission.notebook].stem
                    for cell in result.cells:
                        try:
                            grade = gradebook.find_grade(cell.grade_id, notebook, assignment_id, student_id)
                        except MissingEntry:
                            continue
                        grade.auto_score = cell.score
                        grade.needs_manual_grade = False
                gradebook.db.commit()
        state.recorded = True
