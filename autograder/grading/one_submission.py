"""The pipeline of one submission: SUBMISSION_STEPS, and UNGRADABLE_STEPS for a file that cannot be graded.

`grade_and_store` is what each worker process of GradeSubmissions runs per file. The order of each
list is checked at import time from what each step requires and provides.
"""

from __future__ import annotations

import time
import traceback

from autograder.grading.context import GradingContext
from autograder.grading.result import SubmissionResult
from autograder.grading.results_store import ResultsStore, sha256_file
from autograder.grading.steps.base import check_order
from autograder.grading.steps.check_rules import CheckRules
from autograder.grading.steps.execute_in_sandbox import ExecuteInSandbox
from autograder.grading.steps.judge_cells import JudgeCells
from autograder.grading.steps.match_cells import MatchCells
from autograder.grading.steps.read_notebook import MAX_NOTEBOOK_BYTES, ReadNotebook
from autograder.grading.steps.restore_tests import RestoreTests
from autograder.grading.steps.save_autograded import SaveAutograded
from autograder.grading.steps.write_error_feedback import WriteErrorFeedback
from autograder.grading.steps.write_feedback import WriteFeedback
from autograder.grading.submission import GradingError, SubmissionState

SUBMISSION_INPUTS = ("submission", "out")
SUBMISSION_STEPS = (ReadNotebook, MatchCells, RestoreTests, ExecuteInSandbox, JudgeCells, CheckRules, SaveAutograded,
                    WriteFeedback)
UNGRADABLE_STEPS = (WriteErrorFeedback,)

check_order(SUBMISSION_STEPS, SUBMISSION_INPUTS)
check_order(UNGRADABLE_STEPS, SUBMISSION_INPUTS + ("error",))


MAX_TEST_MESSAGE = 400


def whole_sentences(text: str, limit: int = MAX_TEST_MESSAGE) -> str:
    """``text`` whole when it fits in ``limit`` characters, else cut after its last full sentence that does.

    A hint cut mid-sentence misleads; verdicts are short, so this only trims the unusual long one.
    """
    if len(text) <= limit:
        return text
    end = max(text.rfind(". ", 0, limit), text.rfind("; ", 0, limit))
    return (text[:end + 1] if end > 0 else text[:limit - 1].rstrip()) + " …"


def describe(state: SubmissionState) -> str:
    """The message column: what went wrong first, then notes, then the failed hidden tests."""
    parts = [state.error] if state.error else []
    parts += ([state.submission.note] if state.submission.note else []) + state.notes
    cells = state.cells or []
    hidden = [c for c in cells if c.hidden]
    failed = [c for c in hidden if not c.passed]
    if failed:
        parts.append(f"failed {len(failed)} of {len(hidden)} tests: " + "; ".join(
            f"{c.grade_id} ({whole_sentences(c.message)})" for c in failed))
    visible = [c.grade_id for c in cells if not c.hidden and not c.passed]
    if visible:
        parts.append("visible checks failing (no points): " + ", ".join(visible))
    if not state.submission.primary:
        parts.append("another file of this student for the same notebook is the one recorded in the gradebook")
    return " | ".join(parts)


def grade_submission(submission, context: GradingContext, out) -> SubmissionResult:
    """Run SUBMISSION_STEPS on one file; never raises, so no submission is ever dropped."""
    started = time.monotonic()
    state = SubmissionState(submission=submission, out=out)
    notebook = context.template.notebooks.get(submission.notebook or "")
    max_score = notebook.max_score if notebook else context.template.max_score
    transient = False
    try:
        for step in SUBMISSION_STEPS:
            step(context).run(state)
    except GradingError as error:
        state.status, state.error, state.cells = "error", str(error), []
    except MemoryError:
        state.status, state.error, state.cells = "error", "the grader ran out of memory on this file; please report it", []
    except Exception as error:  # a grader bug must not lose the submission
        detail = traceback.format_exception_only(type(error), error)[-1].strip()[:300]
        state.status, state.error, state.cells = "error", f"internal grader error ({detail}); please report it", []
        transient = True
    if state.feedback_path is None:
        for step in UNGRADABLE_STEPS:
            try:
                step(context).run(state)
            except Exception:
                pass
    try:
        file_sha256 = sha256_file(submission.path, MAX_NOTEBOOK_BYTES + 1)
    except OSError:
        file_sha256 = ""
    return SubmissionResult(
        submission=submission, assignment=context.template.assignment_id, status=state.status,
        message=describe(state), max_score=max_score, cells=list(state.cells or []),
        seconds=time.monotonic() - started, sandboxed=context.settings.sandboxed, file_sha256=file_sha256,
        source_sha256=context.source_sha256, seed_sha256=context.seed_sha256, transient=transient)


def grade_and_store(submission, context: GradingContext, out) -> None:
    """Grade one file and store its result at once (what each worker runs)."""
    ResultsStore(out).save(grade_submission(submission, context, out))
