#!/usr/bin/env python3
"""The instructor's edit loop for one notebook: `make check NB=01_linear_regression`.

1. regenerates its release (``python -m autograder release NB``);
2. runs the course checker (``.ci/course_check.py``: no solution or hidden test leaks);
3. at the same time: executes the instructor notebook with nbval (fast mode, no error, no
   stderr) and grades two submissions through the grader's command line
   (``python -m autograder grade SUBMISSIONS --assignment NB --out DIR``): the instructor's
   notebook must score full marks and the untouched release 0.

Prints one line per step with its time; exits 1 when a step fails. The whole suite is
`make test` (what CI runs); this is the quick check to run after each edit.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _environment() -> dict[str, str]:
    """This Python's bin/ first on PATH (nbgrader runs alembic from PATH), fast mode on."""
    environment = dict(os.environ, DLCOURSE_FAST="1")
    environment["PATH"] = str(Path(sys.executable).parent) + os.pathsep + environment.get("PATH", "")
    return environment


def _run(label: str, command: list[str], started: float) -> bool:
    result = subprocess.run(command, cwd=ROOT, env=_environment(), capture_output=True, text=True)
    return _report(label, result.returncode, result.stdout + result.stderr, started)


def _report(label: str, returncode: int, output: str, started: float) -> bool:
    status = "ok" if returncode == 0 else "FAILED"
    print(f"{status:>6}  {label} ({time.monotonic() - started:.0f} s)", flush=True)
    if returncode != 0:
        print("\n".join("        " + line for line in output.strip().splitlines()[-40:]), flush=True)
    return returncode == 0


def _grading_verdict(out: Path) -> tuple[int, str]:
    """0 when the solution scored full marks and the untouched release 0, else 1 with the reason."""
    grades = out / "grades.csv"
    if not grades.is_file():
        return 1, f"the grader wrote no {grades}"
    with open(grades, newline="") as handle:
        rows = {row.get("student_id"): row for row in csv.DictReader(handle)}
    problems = []
    for student, wanted in (("solution", "full marks"), ("release", "0")):
        row = rows.get(student)
        if row is None:
            problems.append(f"no row for the {student} submission in {grades}")
            continue
        if row.get("status") != "graded":
            problems.append(f"{student}: status {row.get('status')!r}: {row.get('message', '')}")
            continue
        score, max_score = float(row["score"]), float(row["max_score"])
        if wanted == "full marks" and not (max_score > 0 and score == max_score):
            problems.append(f"the instructor's notebook scored {score:g}/{max_score:g}, expected full marks")
        if wanted == "0" and score != 0:
            problems.append(f"the untouched release scored {score:g}/{max_score:g}, expected 0")
    if problems:
        return 1, "\n".join(problems)
    return 0, f"solution {rows['solution']['score']}/{rows['solution']['max_score']}, release {rows['release']['score']}"


def main(argv: list[str]) -> int:
    from autograder.authoring.course import load_course

    course = load_course()
    if len(argv) != 1:
        ids = ", ".join(a.id for a in course.assignments)
        print(f"usage: make check NB=<notebook id>   (one of: {ids})")
        return 2
    try:
        assignment = course.assignment(argv[0])
    except KeyError as error:
        print(f"error: {error.args[0]}")
        return 2
    python = sys.executable
    started = time.monotonic()
    print(f"Checking {assignment.id}", flush=True)
    ok = _run(f"release/{assignment.id} regenerated", [python, "-m", "autograder", "release", assignment.id], started)
    ok &= _run("course_check: no solution or hidden test leaks", [python, ".ci/course_check.py", "."], started)
    if not ok:
        return 1
    with tempfile.TemporaryDirectory(prefix=f"check-{assignment.id}-") as scratch:
        scratch_path = Path(scratch)
        for student, notebook in (("solution", assignment.source_path()), ("release", assignment.release_path())):
            (scratch_path / "submissions" / student).mkdir(parents=True)
            shutil.copyfile(notebook, scratch_path / "submissions" / student / assignment.notebook)
        out = scratch_path / "graded"
        nbval = subprocess.Popen([python, "-m", "pytest", "-q", str(assignment.source_path())],
                                 cwd=ROOT, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        grade = subprocess.Popen([python, "-m", "autograder", "grade", str(scratch_path / "submissions"),
                                  "--assignment", assignment.id, "--jobs", "2", "--out", str(out)],
                                 cwd=ROOT, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        nbval_output, _ = nbval.communicate()
        ok &= _report(f"nbval: source/{assignment.id} runs in fast mode without error or stderr",
                      nbval.returncode, nbval_output, started)
        grade_output, _ = grade.communicate()
        verdict, reason = _grading_verdict(out) if grade.returncode == 0 else (1, "")
        ok &= _report(f"grader: {reason if verdict == 0 else 'solution full marks, release 0'}",
                      grade.returncode or verdict, grade_output + "\n" + reason, started)
    print(f"{'passed' if ok else 'FAILED'}: make check NB={assignment.id} in {time.monotonic() - started:.0f} s"
          + ("" if ok else "; fix the lines above"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
