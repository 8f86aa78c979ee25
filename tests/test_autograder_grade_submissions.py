"""GradeSubmissions: workers that hang past every limit of their own are killed, and the run goes on.

The per-file task is replaced by the small functions below (module level, so that the spawned
workers can import them): one file's task never returns, the others store a result at once.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from autograder.result import SubmissionResult
from autograder.results_store import ResultsStore
from autograder.settings import GradingSettings
from autograder.steps import grade_submissions as gs
from autograder.submission import Submission

STUCK = "stuck_student"
SETTINGS = GradingSettings(notebook_timeout=1, worker_grace_s=9)  # a worker is stuck after 10 s


def store_or_hang(submission: Submission, context, out: Path) -> None:
    """Store a full score at once, except for STUCK: note the worker's pid, then sleep for ever."""
    if submission.student_id == STUCK:
        (Path(out) / "stuck.pid").write_text(str(os.getpid()))
        time.sleep(3600)
    ResultsStore(out).save(SubmissionResult(submission=submission, assignment="a1", status="graded",
                                            message="", max_score=1.0))


def submission(tmp_path: Path, student: str) -> Submission:
    return Submission(student_id=student, path=tmp_path / f"{student}.ipynb", original_name="nb.ipynb",
                      notebook="nb.ipynb", output_stem=student)


def test_a_stuck_worker_is_killed_and_the_other_files_are_graded(tmp_path, capfd):
    files = [submission(tmp_path, s) for s in ("alice", STUCK, "bob", "carol")]
    pid_file = tmp_path / "stuck.pid"

    def ask_the_stuck_worker_where_it_is() -> None:  # faulthandler prints its stack on SIGUSR1
        deadline = time.monotonic() + 30
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        os.kill(int(pid_file.read_text()), signal.SIGUSR1)

    asker = threading.Thread(target=ask_the_stuck_worker_where_it_is)
    asker.start()
    seen = []
    started = time.monotonic()
    gs.run_workers(files, SimpleNamespace(settings=SETTINGS), tmp_path, jobs=2, progress=seen.append,
                   task=store_or_hang)
    elapsed = time.monotonic() - started
    asker.join()
    assert elapsed < 40, f"run_workers returned after {elapsed:.0f} s; a stuck worker should cost about 10 s"
    assert sorted(s.student_id for s in seen) == ["alice", "bob", "carol"]
    stuck_pid = int(pid_file.read_text())
    assert not psutil.pid_exists(stuck_pid) or psutil.Process(stuck_pid).status() == psutil.STATUS_ZOMBIE
    assert "in store_or_hang" in capfd.readouterr().err


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
