"""The grading pipelines, listed in one place.

A `grade` run is RUN_STEPS in order; `merge` is MERGE_STEPS. GradeSubmissions runs the pipeline of
one submission (`one_submission.SUBMISSION_STEPS`, re-exported here) for every pending file, in
worker processes. The order of each list is checked at import time from what each step requires
and provides.
"""

from __future__ import annotations

from autograder.grading.one_submission import SUBMISSION_INPUTS, SUBMISSION_STEPS, UNGRADABLE_STEPS  # noqa: F401
from autograder.grading.steps.base import check_order
from autograder.grading.steps.choose_seed import ChooseSeed
from autograder.grading.steps.collect_submissions import CollectSubmissions
from autograder.grading.steps.copy_shard_outputs import CopyShardOutputs
from autograder.grading.steps.find_pending import FindPending
from autograder.grading.steps.grade_submissions import GradeSubmissions
from autograder.grading.steps.keep_history import KeepHistory
from autograder.grading.steps.load_results import LoadResults
from autograder.grading.steps.load_shard_results import LoadShardResults
from autograder.grading.steps.prepare_assignment import PrepareAssignment
from autograder.grading.steps.prepare_sandbox import PrepareSandbox
from autograder.grading.steps.record_grades import RecordGrades
from autograder.grading.steps.run_reference import RunReference
from autograder.grading.steps.select_shard import SelectShard
from autograder.grading.steps.write_changes import WriteChanges
from autograder.grading.steps.write_class_report import WriteClassReport
from autograder.grading.steps.write_similarity import WriteSimilarity
from autograder.grading.steps.write_grades_csv import WriteGradesCsv
from autograder.grading.steps.write_summary import WriteSummary

RUN_INPUTS = ("assignment", "submissions_path", "out", "settings", "scratch", "seed_option", "shard", "roster",
              "regrade")
RUN_STEPS = (PrepareAssignment, ChooseSeed, PrepareSandbox, CollectSubmissions, SelectShard, FindPending, KeepHistory,
             RunReference, GradeSubmissions, LoadResults, RecordGrades, WriteGradesCsv, WriteChanges, WriteClassReport,
             WriteSimilarity, WriteSummary)
MERGE_INPUTS = ("shard_outs", "out", "settings", "roster", "shard")
MERGE_STEPS = (LoadShardResults, CopyShardOutputs, PrepareAssignment, RecordGrades, WriteGradesCsv, WriteClassReport,
               WriteSimilarity, WriteSummary)

check_order(RUN_STEPS, RUN_INPUTS)
check_order(MERGE_STEPS, MERGE_INPUTS)
