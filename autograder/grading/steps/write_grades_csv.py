"""WriteGradesCsv: one row per submitted file in OUT/grades.csv (and a ``missing`` row per roster student without one)."""

from __future__ import annotations

import csv
import os
from dataclasses import asdict

from autograder.grading.sanitize import csv_cell
from autograder.grading.steps.base import Step
from autograder.reports.grade_row import CSV_COLUMNS, GradeRow


class WriteGradesCsv(Step):
    """Write grades csv: OUT/grades.csv with student_id, assignment, notebook, score, max_score, status, message, sandboxed."""

    requires = ("results", "out", "template", "roster", "shard")
    provides = ("rows",)

    def run(self, state) -> None:
        state.rows = [
            GradeRow(csv_cell(r.submission.student_id), state.template.assignment_id, csv_cell(r.submission.label),
                     round(r.score, 4), round(r.max_score, 4), r.status, csv_cell(r.message),
                     "yes" if r.sandboxed else "NO (--no-sandbox)")
            for r in sorted(state.results, key=lambda r: (r.submission.student_id, r.submission.original_name))
        ]
        if state.roster is not None and state.shard[1] == 1:  # a shard sees only some students
            handed_in = {r.submission.student_id for r in state.results}
            state.rows += [
                GradeRow(csv_cell(s.student_id), state.template.assignment_id, "", 0.0,
                         round(state.template.max_score, 4), "missing", "no file from this student in the submissions",
                         "")
                for s in state.roster.students if s.student_id not in handed_in]
        path = state.out / "grades.csv"
        temporary = path.with_name(".grades.csv.tmp")
        with temporary.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            writer.writerows(asdict(row) for row in state.rows)
        os.replace(temporary, path)
