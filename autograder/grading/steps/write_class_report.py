"""WriteClassReport: OUT/class_report.html, the whole run on one page for the instructor."""

from __future__ import annotations

from autograder.grading.steps.base import Step
from autograder.reports.class_report import render


class WriteClassReport(Step):
    """Write class report: pass rate and frequent diagnoses per hidden test, scores, missing students, errors."""

    requires = ("results", "rows", "out", "template")
    provides = ()

    def run(self, state) -> None:
        if not state.results and not state.rows:
            return
        page = render(state.template.assignment_id, state.template.max_score, state.results, state.rows)
        (state.out / "class_report.html").write_text(page, encoding="utf-8")
