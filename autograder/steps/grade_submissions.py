"""GradeSubmissions: run the per-submission pipeline for every pending file, in worker processes.

Workers die with the grader (PR_SET_PDEATHSIG), ignore Ctrl-C (the grader stops them), and store
each result themselves as soon as it exists. A worker that dies takes nothing stored with it:
what is missing afterwards is retried once, one file per fresh worker, then recorded as an error.
The grader waits for no worker for ever: when no file finishes within `file_limit_s`, longer than
any limit a worker enforces itself, every worker is killed and the unfinished files are retried.
"""

from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing
import os
import resource
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from autograder.context import GradingContext
from autograder.result import SubmissionResult
from autograder.results_store import ResultsStore, sha256_text
from autograder.sanitize import plain
from autograder.settings import GradingSettings
from autograder.steps.base import Step

PR_SET_PDEATHSIG = 1
WORKER_MEMORY_BYTES = 2**30  # soft RLIMIT_DATA of a worker: what it may allocate whatever it reads


def file_limit_s(settings: GradingSettings) -> float:
    """Seconds a worker may spend on one file before the grader treats it as stuck."""
    return settings.notebook_timeout + settings.worker_grace_s


def worker_init(parent_pid: int) -> None:
    """In each worker: die with the grader, leave Ctrl-C to it, one BLAS thread, and cap its own heap."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1`: where is it stuck? (stderr)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"  # before numpy loads: verdicts need no threads, and big thread buffers count
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = WORKER_MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(hard, WORKER_MEMORY_BYTES)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def run_workers(submissions: list, context: GradingContext, out, jobs: int, progress=None, task=None) -> None:
    """Grade ``submissions`` in ``jobs`` worker processes.

    Returns when all are done, when the pool broke (a worker died), or when no file finished
    within ``file_limit_s`` (a worker is stuck); every worker is killed on the way out.
    ``progress(submission)`` is called as each file finishes. ``task(submission, context, out)``
    grades one file in a worker (default: `autograder.pipeline.grade_and_store`).
    """
    if task is None:
        from autograder.pipeline import grade_and_store as task

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker_init, initargs=(os.getpid(),))
    try:
        running = {pool.submit(task, s, context, out): s for s in submissions}
        while running:
            finished, _ = wait(running, timeout=file_limit_s(context.settings), return_when=FIRST_COMPLETED)
            if not finished:
                return  # stuck past every limit of its own: the finally clause kills it
            for future in finished:
                submission = running.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    return
                if progress is not None:
                    progress(submission)
    finally:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            if process.is_alive():
                process.kill()
        pool.shutdown(wait=True, cancel_futures=True)


class Progress:
    """One console line per finished file: how many of the run are done, who, and the score."""

    def __init__(self, store: ResultsStore, total: int) -> None:
        self.store, self.total, self.done = store, total, 0

    def __call__(self, submission) -> None:
        result = self.store.load(submission)
        if result is None:
            return  # its worker died: the file is retried alone later
        self.done += 1
        print(f"[{self.done}/{self.total}] {plain(submission.student_id, 40)} {plain(submission.label, 60)}: "
              f"{result.score:g} / {result.max_score:g} {result.status}", flush=True)


class GradeSubmissions(Step):
    """Grade submissions: SUBMISSION_STEPS per pending file, `settings.jobs` at a time; each result stored as it comes."""

    requires = ("pending", "reference", "template", "recipe", "settings", "out", "source_sha256", "seed")
    provides = ("graded",)
    task = None  # what a worker runs per file (None: autograder.pipeline.grade_and_store)

    def run(self, state) -> None:
        if not state.pending:
            return
        context = GradingContext(template=state.template, settings=state.settings, recipe=state.recipe,
                                 reference=state.reference, source_sha256=state.source_sha256,
                                 seed_sha256=sha256_text(state.seed))
        store = ResultsStore(state.out)
        for submission in state.pending:  # stale: made from other inputs
            store.path(submission).unlink(missing_ok=True)
        progress = Progress(store, len(state.pending))
        run_workers(state.pending, context, state.out, max(1, state.settings.jobs), progress, self.task)
        missing = [s for s in state.pending if store.load(s) is None]
        for submission in missing:  # retry alone: a file that kills its worker harms no other file
            run_workers([submission], context, state.out, 1, progress, self.task)
        for submission in missing:
            if store.load(submission) is None:
                template = state.template.notebooks.get(submission.notebook or "")
                store.save(SubmissionResult(
                    submission=submission, assignment=state.template.assignment_id, status="error",
                    message=(f"the grading worker died, or ran past {file_limit_s(state.settings):.0f} s, twice on "
                             "this file; grade it alone with --jobs 1 and report it"),
                    max_score=template.max_score if template else state.template.max_score,
                    sandboxed=state.settings.sandboxed, source_sha256=context.source_sha256,
                    seed_sha256=context.seed_sha256, transient=True))
        state.graded = len(state.pending)
