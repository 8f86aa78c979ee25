"""WriteErrorFeedback: a short page telling the student why the submission could not be graded."""

from __future__ import annotations

from autograder.steps.base import Step
from autograder.steps.write_feedback import error_page


class WriteErrorFeedback(Step):
    """Write error feedback: OUT/feedback/<student>/<notebook>.html saying why the file was not graded."""

    requires = ("submission", "error")
    provides = ("feedback_path",)

    def run(self, state) -> None:
        folder = state.out / "feedback" / state.submission.student_id
        folder.mkdir(parents=True, exist_ok=True)
        state.feedback_path = folder / f"{state.submission.output_stem}.html"
        state.feedback_path.write_text(
            error_page(state.submission.student_id, state.submission.original_name, state.error), encoding="utf-8")
