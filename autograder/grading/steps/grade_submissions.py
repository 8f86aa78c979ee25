"""GradeSubmissions: run the per-submission pipeline for every pending file, in worker processes.

Workers die with the grader (PR_SET_PDEATHSIG), ignore Ctrl-C (the grader stops them), and store
each result themselves as soon as it exists. Each worker has a pipe of its own to the grader and
takes one file at a time, so a worker that dies or hangs costs only the file it holds: the grader
kills a worker that spends longer than `file_limit_s` (past every limit the worker enforces on
its kernel) on one file, starts a new one, and retries each such file once, alone, before
recording it as an error.
"""

from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing
import os
import resource
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from autograder.execution.settings import GradingSettings
from autograder.grading.context import GradingContext
from autograder.grading.one_submission import grade_and_store
from autograder.grading.result import SubmissionResult
from autograder.grading.results_store import ResultsStore, sha256_text
from autograder.grading.sanitize import plain
from autograder.grading.steps.base import Step

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


def worker_main(connection: Connection, parent_pid: int, context: GradingContext, out, task) -> None:
    """A worker's life: grade each file the grader sends, answer when it is done; stop on None."""
    worker_init(parent_pid)
    while (submission := connection.recv()) is not None:
        task(submission, context, out)
        connection.send(True)


@dataclass
class Worker:
    """A worker process, the grader's end of its pipe, and the file it holds since when (None: idle)."""

    process: multiprocessing.process.BaseProcess
    connection: Connection
    submission: object = None
    since: float = 0.0

    def give(self, submission) -> bool:
        """Send it a file; False when it cannot take it (it died while idle)."""
        try:
            self.connection.send(submission)
        except OSError:
            return False
        self.submission, self.since = submission, time.monotonic()
        return True

    def poll(self, limit_s: float) -> str:
        """'done' (it answered), 'running', or 'failed': it died, or has held its file past ``limit_s``."""
        try:
            if self.connection.poll():
                self.connection.recv()
                return "done"
        except (EOFError, OSError):  # the pipe closed without an answer: it died
            return "failed"
        if self.process.is_alive() and time.monotonic() - self.since < limit_s:
            return "running"
        return "failed"

    def dump_stack(self) -> None:
        """Have it print every thread's stack to stderr (faulthandler, SIGUSR1) and give it a moment."""
        try:
            os.kill(self.process.pid, signal.SIGUSR1)
            time.sleep(1)
        except OSError:
            pass

    def kill(self) -> None:
        """Kill the process (its sandboxes die with it) and close the pipe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=30)
        self.connection.close()


def start_worker(context: GradingContext, out, task) -> Worker:
    """A new spawned worker (started from this thread, which its parent-death signal watches)."""
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    process = spawn.Process(target=worker_main, args=(theirs, os.getpid(), context, out, task),
                            name="autograder-worker", daemon=True)
    process.start()
    theirs.close()
    return Worker(process, ours)


def run_workers(submissions: list, context: GradingContext, out, jobs: int, progress=None, task=None) -> list:
    """Grade ``submissions`` in up to ``jobs`` worker processes, one file per worker at a time.

    A worker that dies, or holds one file longer than ``file_limit_s``, is killed and replaced;
    its file is returned among the failed ones. ``progress(submission)`` is called as each file
    finishes. ``task(submission, context, out)`` grades one file in a worker (default:
    `autograder.grading.one_submission.grade_and_store`). Every worker is gone when this returns.
    """
    task = task or grade_and_store
    limit = file_limit_s(context.settings)
    waiting, failed, workers = list(submissions), [], []
    try:
        while waiting or any(w.submission is not None for w in workers):
            idle = [w for w in workers if w.submission is None]
            while waiting and len(workers) - len(idle) < jobs:
                if idle:
                    worker = idle.pop()
                else:
                    worker = start_worker(context, out, task)
                    workers.append(worker)
                submission = waiting.pop(0)
                if not worker.give(submission):  # it died while idle: the file counts as failed
                    failed.append(submission)
                    worker.kill()
                    workers.remove(worker)
            busy = [w for w in workers if w.submission is not None]
            if not busy:
                continue
            deadline = min(w.since for w in busy) + limit
            wait([w.connection for w in busy] + [w.process.sentinel for w in busy],
                 timeout=max(0.0, deadline - time.monotonic()))
            for worker in busy:
                outcome = worker.poll(limit)
                if outcome == "done":
                    finished, worker.submission = worker.submission, None
                    if progress is not None:
                        progress(finished)
                elif outcome == "failed":
                    if worker.process.is_alive():  # stuck: its stack goes to stderr for the bug report
                        print(f"a grading worker held {plain(worker.submission.student_id, 40)}'s "
                              f"{plain(worker.submission.label, 60)} for {limit:.0f} s; it is stopped, and the "
                              "file is retried alone at the end. Where it was stuck:", file=sys.stderr, flush=True)
                        worker.dump_stack()
                    failed.append(worker.submission)
                    worker.kill()
                    workers.remove(worker)
    finally:
        for worker in workers:
            worker.kill()
    return failed


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
    task = None  # what a worker runs per file (None: autograder.grading.one_submission.grade_and_store)

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
