"""The pipelines: listed in one place, in an order the steps' declarations allow."""

import re

import pytest

from autograder.grading import pipeline
from autograder.grading.steps.base import PipelineOrderError, check_order
from autograder.grading.steps.execute_in_sandbox import ExecuteInSandbox
from autograder.grading.steps.judge_cells import JudgeCells
from autograder.grading.steps.match_cells import MatchCells
from autograder.grading.steps.read_notebook import ReadNotebook
from autograder.grading.steps.restore_tests import RestoreTests

ALL_STEPS = tuple(dict.fromkeys(pipeline.RUN_STEPS + pipeline.MERGE_STEPS + pipeline.SUBMISSION_STEPS
                                 + pipeline.UNGRADABLE_STEPS))


def test_listed_pipelines_satisfy_their_ordering_constraints():
    check_order(pipeline.SUBMISSION_STEPS, pipeline.SUBMISSION_INPUTS)
    check_order(pipeline.RUN_STEPS, pipeline.RUN_INPUTS)
    check_order(pipeline.MERGE_STEPS, pipeline.MERGE_INPUTS)


def test_judging_before_execution_is_rejected_with_the_missing_input():
    with pytest.raises(PipelineOrderError, match=r"JudgeCells needs executed, timed_out.*ExecuteInSandbox"):
        check_order((ReadNotebook, MatchCells, RestoreTests, JudgeCells, ExecuteInSandbox), pipeline.SUBMISSION_INPUTS)


def test_grading_before_the_reference_run_is_rejected():
    steps = tuple(s for s in pipeline.RUN_STEPS if s.__name__ != "RunReference")
    with pytest.raises(PipelineOrderError, match="GradeSubmissions needs reference"):
        check_order(steps, pipeline.RUN_INPUTS)


def test_restoring_tests_before_matching_cells_is_rejected():
    with pytest.raises(PipelineOrderError, match="RestoreTests needs matches"):
        check_order((ReadNotebook, RestoreTests, MatchCells), pipeline.SUBMISSION_INPUTS)


@pytest.mark.parametrize("step", ALL_STEPS, ids=lambda s: s.__name__)
def test_step_docstring_starts_with_the_step_name(step):
    words = " ".join(re.findall(r"[A-Z][a-z]*", step.__name__)).lower()
    assert step.__doc__.lower().startswith(words), f"{step.__name__}: {step.__doc__!r}"


@pytest.mark.parametrize("step", ALL_STEPS, ids=lambda s: s.__name__)
def test_each_step_lives_in_its_own_module(step):
    module = step.__module__.rsplit(".", 1)[-1]
    assert module == re.sub(r"(?<!^)([A-Z])", r"_\1", step.__name__).lower()


def test_a_test_message_is_kept_whole_or_cut_after_a_sentence():
    from autograder.grading.one_submission import whole_sentences

    hint = "predict(x, phi) is [1, 2, 3, ...] (shape (7,)), which does not match the reference. " \
           "Hint: compute phi[0] + phi[1] * x for each input, without a loop."
    assert whole_sentences(hint) == hint, "a usual verdict (about 150 characters) is never cut"
    long = "First sentence. " * 30
    cut = whole_sentences(long, limit=100)
    assert cut.endswith("First sentence. …") and len(cut) <= 102
