"""WriteErrorFeedback: a short page telling the student why the submission could not be graded."""

from __future__ import annotations

from autograder.grading.sanitize import escaped
from autograder.grading.steps.base import Step
from autograder.grading.steps.write_feedback import feedback_path, page


class WriteErrorFeedback(Step):
    """Write error feedback: OUT/feedback/<student>/<notebook>.html saying why the file was not graded."""

    requires = ("submission", "error")
    provides = ("feedback_path",)

    def run(self, state) -> None:
        name = state.submission.original_name
        body = [f"<h1>{escaped(name)} could not be graded</h1>",
                f"<p>Student: {escaped(state.submission.student_id)}</p>",
                f"<p><strong>Reason:</strong> {escaped(state.error)}</p>",
                "<p>Score: 0. Download the notebook again from Colab (File &gt; Download &gt; Download .ipynb) "
                "and resubmit, or contact the instructor.</p>"]
        state.feedback_path = feedback_path(state)
        state.feedback_path.write_text(page(f"Feedback: {name}", body), encoding="utf-8")
