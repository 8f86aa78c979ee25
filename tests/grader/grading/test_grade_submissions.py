"""GradeSubmissions: a worker that hangs or dies costs only the file it holds, and the run goes on.

The per-file task is replaced by the small function below (module level, so that the spawned
workers can import it): STUCK's file never finishes, DIES's worker exits without a word, SLOW's
takes a while, every other file stores a result at once.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from autograder.execution.settings import GradingSettings
from autograder.grading.result import SubmissionResult
from autograder.grading.results_store import ResultsStore
from autograder.grading.steps import grade_submissions as gs
from autograder.grading.submission import Submission

STUCK, DIES, SLOW = "stuck_student", "dying_student", "slow_student"
SETTINGS = GradingSettings(notebook_timeout=1, worker_grace_s=9)  # a worker is stuck after 10 s


def store_or_hang(submission: Submission, context, out: Path) -> None:
    """Store a result at once; STUCK notes the worker's pid and sleeps for ever, DIES exits, SLOW waits 3 s."""
    if submission.student_id == STUCK:
        (Path(out) / "stuck.pid").write_text(str(os.getpid()))
        time.sleep(3600)
    if submission.student_id == DIES:
        os._exit(3)
    if submission.student_id == SLOW:
        time.sleep(3)
    ResultsStore(out).save(SubmissionResult(submission=submission, assignment="a1", status="graded",
                                            message="", max_score=1.0))


def submission(tmp_path: Path, student: str) -> Submission:
    return Submission(student_id=student, path=tmp_path / f"{student}.ipynb", original_name="nb.ipynb",
                      notebook="nb.ipynb", output_stem=student)


def test_a_stuck_worker_is_killed_and_the_other_files_are_graded(tmp_path, capfd):
    files = [submission(tmp_path, s) for s in ("alice", STUCK, "bob", "carol")]
    seen = []
    started = time.monotonic()
    failed = gs.run_workers(files, SimpleNamespace(settings=SETTINGS), tmp_path, jobs=2, progress=seen.append,
                            task=store_or_hang)
    elapsed = time.monotonic() - started
    assert [s.student_id for s in failed] == [STUCK]
    assert elapsed < 40, f"run_workers returned after {elapsed:.0f} s; a stuck worker should cost about 10 s"
    assert sorted(s.student_id for s in seen) == ["alice", "bob", "carol"]
    stuck_pid = int((tmp_path / "stuck.pid").read_text())
    assert not psutil.pid_exists(stuck_pid) or psutil.Process(stuck_pid).status() == psutil.STATUS_ZOMBIE
    stderr = capfd.readouterr().err  # the grader asked the stuck worker where it was (faulthandler)
    assert f"a grading worker held {STUCK}'s nb.ipynb for 10 s" in stderr and "in store_or_hang" in stderr, stderr


def test_a_dying_worker_costs_only_its_own_file(tmp_path):
    files = [submission(tmp_path, s) for s in (SLOW, DIES, "alice")]
    seen = []
    failed = gs.run_workers(files, SimpleNamespace(settings=SETTINGS), tmp_path, jobs=2, progress=seen.append,
                            task=store_or_hang)
    assert [s.student_id for s in failed] == [DIES]
    assert sorted(s.student_id for s in seen) == ["alice", SLOW]  # SLOW was running when DIES's worker died
    assert ResultsStore(tmp_path).load(files[0]).status == "graded"


def test_a_file_that_hangs_twice_gets_an_error_row_and_the_run_finishes(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(gs.GradeSubmissions, "task", staticmethod(store_or_hang))
    files = [submission(tmp_path, s) for s in ("alice", STUCK)]
    template = SimpleNamespace(notebooks={}, max_score=5.0, assignment_id="a1")
    state = SimpleNamespace(pending=files, reference={}, template=template, recipe=None, settings=SETTINGS,
                            out=tmp_path, source_sha256="", seed="s")
    gs.GradeSubmissions().run(state)
    store = ResultsStore(tmp_path)
    assert store.load(files[0]).status == "graded"
    stuck = store.load(files[1])
    assert (stuck.status, stuck.max_score, stuck.transient) == ("error", 5.0, True)
    assert "ran past 10 s, twice" in stuck.message
    assert "[1/2] alice nb.ipynb: 0 / 1 graded" in capsys.readouterr().out


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_file_is_reported_once_as_it_finishes(tmp_path, jobs, capsys):
    files = [submission(tmp_path, f"s{i}\x1b[31m") for i in range(3)]
    store = ResultsStore(tmp_path)
    gs.run_workers(files, SimpleNamespace(settings=SETTINGS), tmp_path, jobs=jobs,
                   progress=gs.Progress(store, len(files)), task=store_or_hang)
    lines = capsys.readouterr().out.splitlines()
    assert sorted(line.split("]")[0] for line in lines) == ["[1/3", "[2/3", "[3/3"]
    assert all("\x1b" not in line for line in lines), lines
