"""The grading pipelines, listed in one place, and the functions that run them.

A `grade` run is RUN_STEPS in order. GradeSubmissions runs SUBMISSION_STEPS for every file,
in worker processes; a file that cannot be graded switches to UNGRADABLE_STEPS. The order of
each list is checked at import time from what each step requires and provides.
"""

from __future__ import annotations

import time
import traceback

from autograder.context import GradingContext
from autograder.result import SubmissionResult
from autograder.steps.base import check_order
from autograder.steps.collect_submissions import CollectSubmissions
from autograder.steps.execute_in_sandbox import ExecuteInSandbox
from autograder.steps.grade_submissions import GradeSubmissions
from autograder.steps.match_cells import MatchCells
from autograder.steps.prepare_assignment import PrepareAssignment
from autograder.steps.read_notebook import ReadNotebook
from autograder.steps.record_grades import RecordGrades
from autograder.steps.restore_tests import RestoreTests
from autograder.steps.save_autograded import SaveAutograded
from autograder.steps.score_cells import ScoreCells
from autograder.steps.write_error_feedback import WriteErrorFeedback
from autograder.steps.write_feedback import WriteFeedback
from autograder.steps.write_grades_csv import WriteGradesCsv
from autograder.steps.write_summary import WriteSummary
from autograder.submission import GradingError, SubmissionState

SUBMISSION_INPUTS = ("submission", "out")
SUBMISSION_STEPS = (ReadNotebook, MatchCells, RestoreTests, ExecuteInSandbox, ScoreCells, SaveAutograded, WriteFeedback)
UNGRADABLE_STEPS = (WriteErrorFeedback,)
RUN_INPUTS = ("assignment", "submissions_path", "out", "settings", "scratch")
RUN_STEPS = (PrepareAssignment, CollectSubmissions, GradeSubmissions, RecordGrades, WriteGradesCsv, WriteSummary)

check_order(SUBMISSION_STEPS, SUBMISSION_INPUTS)
check_order(UNGRADABLE_STEPS, SUBMISSION_INPUTS + ("error",))
check_order(RUN_STEPS, RUN_INPUTS)


def describe(state: SubmissionState) -> str:
    """The message column: what went wrong first, then notes, then the failed tests."""
    parts = [state.error] if state.error else []
    parts += state.notes
    failed = [c for c in state.cells or [] if not c.passed]
    if failed:
        parts.append(f"failed {len(failed)} of {len(state.cells)} tests: " + "; ".join(
            f"{c.grade_id} ({c.message[:140]})" for c in failed))
    if not state.submission.primary:
        parts.append("another file of this student for the same notebook is the one recorded in the gradebook")
    return " | ".join(parts)


def grade_submission(submission, context: GradingContext, out) -> SubmissionResult:
    """Run SUBMISSION_STEPS on one file; never raises, so no submission is ever dropped."""
    started = time.monotonic()
    state = SubmissionState(submission=submission, out=out)
    notebook = context.template.notebooks.get(submission.notebook or "")
    max_score = notebook.max_score if notebook else context.template.max_score
    try:
        for step in SUBMISSION_STEPS:
            step(context).run(state)
    except GradingError as error:
        state.status, state.error, state.cells = "error", str(error), []
    except Exception as error:  # a grader bug must not lose the submission
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        state.status, state.error, state.cells = "error", f"internal grader error ({detail}); please report it", state.cells or []
    if state.feedback_path is None:
        for step in UNGRADABLE_STEPS:
            try:
                step(context).run(state)
            except Exception:
                pass
    return SubmissionResult(submission=submission, status=state.status, message=describe(state),
                            max_score=max_score, cells=list(state.cells or []), seconds=time.monotonic() - started)
