"""GradeSubmissions: run the per-submission pipeline for every pending file, in worker processes.

Workers die with the grader (PR_SET_PDEATHSIG), ignore Ctrl-C (the grader stops them), and store
each result themselves as soon as it exists. A worker that dies takes nothing stored with it:
what is missing afterwards is retried once, one file per fresh worker, then recorded as an error.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import signal
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from autograder.context import GradingContext
from autograder.result import SubmissionResult
from autograder.results_store import ResultsStore, sha256_text
from autograder.steps.base import Step

PR_SET_PDEATHSIG = 1
WORKER_MEMORY_BYTES = 2**30  # soft RLIMIT_DATA of a worker: what it may allocate whatever it reads


def worker_init(parent_pid: int) -> None:
    """In each worker: die with the grader, leave Ctrl-C to it, one BLAS thread, and cap its own heap."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"  # before numpy loads: verdicts need no threads, and big thread buffers count
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = WORKER_MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(hard, WORKER_MEMORY_BYTES)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def run_workers(submissions: list, context: GradingContext, out, jobs: int) -> None:
    """Grade ``submissions`` in ``jobs`` worker processes; return when all are done or the pool broke."""
    from autograder.pipeline import grade_and_store

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker_init, initargs=(os.getpid(),))
    try:
        futures = [pool.submit(grade_and_store, s, context, out) for s in submissions]
        wait(futures)
        for future in futures:
            try:
                future.result()
            except BrokenProcessPool:
                break
            except Exception:
                pass  # the result store says what is missing
    finally:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            if process.is_alive():
                process.kill()
        pool.shutdown(wait=True, cancel_futures=True)


class GradeSubmissions(Step):
    """Grade submissions: SUBMISSION_STEPS per pending file, `settings.jobs` at a time; each result stored as it comes."""

    requires = ("pending", "reference", "template", "recipe", "settings", "out", "source_sha256", "seed")
    provides = ("graded",)

    def run(self, state) -> None:
        if not state.pending:
            return
        context = GradingContext(template=state.template, settings=state.settings, recipe=state.recipe,
                                 reference=state.reference, source_sha256=state.source_sha256,
                                 seed_sha256=sha256_text(state.seed))
        store = ResultsStore(state.out)
        for submission in state.pending:  # stale: made from other inputs
            store.path(submission).unlink(missing_ok=True)
        run_workers(state.pending, context, state.out, max(1, state.settings.jobs))
        missing = [s for s in state.pending if store.load(s) is None]
        for submission in missing:  # retry alone: a file that kills its worker harms no other file
            run_workers([submission], context, state.out, 1)
        for submission in missing:
            if store.load(submission) is None:
                template = state.template.notebooks.get(submission.notebook or "")
                store.save(SubmissionResult(
                    submission=submission, assignment=state.template.assignment_id, status="error",
                    message="the grading worker died twice on this file; grade it alone with --jobs 1 and report it",
                    max_score=template.max_score if template else state.template.max_score,
                    sandboxed=state.settings.sandboxed, source_sha256=context.source_sha256,
                    seed_sha256=context.seed_sha256, transient=True))
        state.graded = len(state.pending)
