"""The Instructor guide's semester workflow, timed: one Canvas class through every command.

Run from the repository root:  python bench/semester_workflow.py [--students 30] [--jobs 2]

In a copy of the course in a temporary folder (so that the test fix below never touches this
repository), it times each command an instructor runs for one notebook (01):
1. `roster canvas`: roster.csv from Canvas's gradebook export (all the class, two of whom hand nothing in);
2. `grade`: Canvas's "Download Submissions" zip (in turn: the full solution, two exercises wrong,
   an independent np.polyfit solution, the untouched release; one student hands in a disguised copy
   of a classmate's notebook) with the roster: collection, sandboxed grading, feedback, reports;
3. the test fix: the least_squares_fit hidden test first compares exactly (rtol=0, atol=0), which
   fails the np.polyfit students; it is fixed, and `grade` again regrades everyone and writes the
   change report;
4. `export --format canvas` and nbgrader's `export`.
It prints each command's wall time and what the reports say. Record the output in
docs/semester_workflow.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

from tests.attacks import notebooks as nbs  # noqa: E402
from tests.course_copy import NB, copy_course, set_least_squares_test  # noqa: E402

KINDS = ("full", "partial", "alternative", "blank")
MISSING = 2


def kind_of(index: int, students: int) -> str:
    """What student ``index`` hands in: the last two nothing, the one before them a disguised copy."""
    if index >= students - MISSING:
        return "missing"
    return "copy" if index == students - MISSING - 1 else KINDS[index % len(KINDS)]


def class_files(students: int) -> tuple[str, dict[str, str]]:
    """Canvas's gradebook export of the class, and the download: file name -> notebook JSON."""
    makers = {"full": nbs.full, "partial": nbs.partial, "alternative": nbs.alternative, "blank": nbs.release}
    made = {kind: nbformat.writes(maker()) for kind, maker in makers.items()}
    copy = nbformat.writes(nbs.disguised_copy(nbs.full()))
    gradebook = ["Student,ID,SIS User ID,SIS Login ID,Section,Linear regression by gradient descent (1201)",
                 "    Points Possible,,,,,21.00"]
    download = {}
    for i in range(students):
        user_id = 500000 + i
        gradebook.append(f'"Student{i:02d}, Ann",{user_id},s{i:03d},s{i:03d}@uni.example,DL,')
        kind = kind_of(i, students)
        if kind != "missing":
            download[f"student{i:02d}ann_{user_id}_{900000 + i}_{NB}.ipynb"] = copy if kind == "copy" else made[kind]
    return "\n".join(gradebook) + "\n", download


def timed(label: str, command: list[str], cwd: Path) -> tuple[float, str]:
    """Run one `python -m autograder ...` command, print its wall time, return it and its output."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "autograder", *command], cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{label} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    print(f"{label:<52} {seconds:7.1f} s")
    return seconds, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="semester-") as scratch:
        root = Path(scratch)
        course = copy_course(root / "course")
        set_least_squares_test(course, exact=True)
        gradebook, download = class_files(args.students)
        (root / "gradebook.csv").write_text(gradebook, encoding="utf-8")
        with zipfile.ZipFile(root / "submissions.zip", "w") as archive:
            for name, text in download.items():
                archive.writestr(name, text)
        out, roster = root / "grading", root / "roster.csv"
        print(f"{args.students} students on the roster, {len(download)} files handed in, --jobs {args.jobs}\n")
        timed("1. roster canvas gradebook.csv", ["roster", "canvas", str(root / "gradebook.csv"), "--to", str(roster)],
              course)
        grade = ["grade", str(root / "submissions.zip"), "--assignment", NB, "--jobs", str(args.jobs),
                 "--roster", str(roster), "--out", str(out)]
        graded, _ = timed("2. grade submissions.zip --roster roster.csv", grade, course)
        set_least_squares_test(course, exact=False)
        regraded, printed = timed("3. grade again after the test fix (regrades all)", grade, course)
        timed("4. export --format canvas --roster roster.csv", ["export", "--out", str(out), "--format", "canvas",
                                                                "--roster", str(roster)], course)
        timed("   export (nbgrader's CSV)", ["export", "--out", str(out)], course)
        with (out / "changes.csv").open(encoding="utf-8") as handle:
            changes = list(csv.DictReader(handle))
        with (out / "similarity.csv").open(encoding="utf-8") as handle:
            pairs = list(csv.DictReader(handle))
        feedback = sorted((out / "feedback").rglob("*.html"))
        print(f"\ngrading: {len(download) / graded * 60:.1f} files/minute; regrade: {len(download) / regraded * 60:.1f}")
        print(f"change report: {len(changes)} files regraded, "
              f"{sum(c['old_score'] != c['new_score'] for c in changes)} changed score "
              f"({', '.join(sorted({c['tests_changed'] for c in changes if c['tests_changed']}))})")
        print(f"similarity report: {len(pairs)} pair(s) flagged; class report: "
              f"{(out / 'class_report.html').stat().st_size} bytes; {len(feedback)} feedback pages to send")
        kinds = {f"s{i:03d}": kind_of(i, args.students) for i in range(args.students)}
        in_pairs = Counter(kinds[p[side]] for p in pairs for side in ("student_a", "student_b"))
        print("flagged pairs each kind of student is in: " + ", ".join(
            f"{kind} {in_pairs[kind]}" for kind in (*KINDS, "copy")))
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
