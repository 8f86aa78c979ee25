"""Command line of the instructor tooling: `python -m autograder {release,readme,publish,grade,merge,export} ...`."""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import sys
from pathlib import Path

from autograder.authoring.course import load_course
from autograder.authoring.publish import PublishError
from autograder.execution.sandbox import SandboxUnavailable


def _put_environment_on_path() -> None:
    """nbgrader runs `alembic` on first database use: make this environment's bin/ findable."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def _release(args: argparse.Namespace) -> int:
    from autograder.authoring.release import generate_release

    course = load_course()
    ids = args.assignments or [a.id for a in course.assignments]
    for assignment_id in ids:
        path = generate_release(course.assignment(assignment_id))
        print(f"released {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


def _readme(args: argparse.Namespace) -> int:
    from autograder.authoring.readme import update_readme

    changed = update_readme(load_course())
    print("README.md notebook table " + ("updated" if changed else "already up to date"))
    return 0


def _publish(args: argparse.Namespace) -> int:
    from autograder.authoring.publish import find_leaks, publish

    dest = Path(args.dest)
    changed, committed = publish(load_course(), dest, through=args.through)
    if committed:
        print(f"published {len(changed)} changed file(s) to {dest} as one commit (`git -C {dest} show --stat`)")
    else:
        print(f"{dest} is already up to date: nothing to commit")
    leaks = find_leaks(dest)
    for leak in leaks:
        print(f"LEAK: {leak}", file=sys.stderr)
    if leaks:
        return 1
    print("leak check passed: no solution line, hidden test or instructor-only file in its tree or history")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from autograder.grading.grade import grade_submissions
    from autograder.execution.settings import GradingSettings

    course = load_course()
    settings = GradingSettings(
        cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout, memory_limit_mb=args.memory_mb,
        max_output_bytes=args.max_output_bytes, scratch_mb=args.scratch_mb, sandboxed=not args.no_sandbox,
        fast_mode_variable=course.fast_mode_variable,
    )
    rows = grade_submissions(Path(args.submissions), course.assignment(args.assignment), Path(args.out),
                             jobs=args.jobs, settings=settings, seed=args.seed or "", shard=args.shard,
                             roster=_roster(args), regrade=args.regrade)
    if not rows and not args.shard:
        print(f"no files found in {args.submissions}; pass the folder or .zip of downloaded notebooks")
        return 1
    return 0


def _merge(args: argparse.Namespace) -> int:
    from autograder.grading.grade import merge_outputs

    rows = merge_outputs([Path(p) for p in args.shards], Path(args.out), roster=_roster(args))
    print(f"merged {len(args.shards)} shard output(s): {len(rows)} file(s) in {Path(args.out) / 'grades.csv'}")
    return 0


def _roster(args: argparse.Namespace):
    from autograder.grading.roster import read_roster

    return read_roster(Path(args.roster)) if getattr(args, "roster", None) else None


def _make_roster(args: argparse.Namespace) -> int:
    from autograder.grading.roster import roster_from_canvas, roster_from_moodle_worksheet, write_roster

    source, to = Path(args.source), Path(args.to)
    if to.exists():
        raise FileExistsError(f"{to} exists; the roster command never replaces a file: delete it first or pass another --to")
    roster = (roster_from_canvas if args.platform == "canvas" else roster_from_moodle_worksheet)(source)
    write_roster(roster, to)
    print(f"wrote {to}: {len(roster.students)} students from {source}; check it, then pass --roster {to} to grade")
    return 0


def _export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.format == "nbgrader":
        from autograder.reports.export import export_gradebook

        print(f"exported {export_gradebook(out, Path(args.to) if args.to else None)}")
        return 0
    from autograder.reports.platforms import export_canvas, export_moodle, export_moodle_worksheet, recorded_scores

    roster = _roster(args)
    if roster is None:
        raise ValueError(f"--format {args.format} needs --roster roster.csv (names, emails and platform ids)")
    to = Path(args.to) if args.to else out / f"{args.format}_grades.csv"
    column = args.column or load_course().assignment(recorded_scores(out)[0]).title
    if args.format == "canvas":
        result = export_canvas(out, roster, to, column)
    elif args.format == "moodle":
        result = export_moodle(out, roster, to, column)
    else:
        result = export_moodle_worksheet(out, roster, to)
    print(f"exported {result.path} ({len(roster.students) - len(result.skipped)} students)")
    if result.without_grade:
        print(f"no grade (no file, or not graded): {', '.join(result.without_grade)}")
    if result.skipped:
        print(f"left out, no platform_id in the roster: {', '.join(result.skipped)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per instructor task."""
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="generate release/ from source/ with nbgrader")
    release.add_argument("assignments", nargs="*", help="assignment ids (default: all in course/course.toml)")
    release.set_defaults(run=_release)
    readme = commands.add_parser("readme", help="regenerate README's notebook table and Colab links")
    readme.set_defaults(run=_readme)
    publish = commands.add_parser("publish", help="write or update the student edition (a git repository) at DEST")
    publish.add_argument("dest", help="folder of the student edition; created with `git init` when new")
    publish.add_argument("--through", default=None, metavar="ID", help="publish the notebooks up to this assignment "
                         "id only, e.g. 03_backpropagation (default: all of course/course.toml)")
    publish.set_defaults(run=_publish)
    roster = commands.add_parser("roster", help="write roster.csv from a platform's export: Canvas's gradebook CSV or "
                                                "a Moodle assignment's grading worksheet")
    roster.add_argument("platform", choices=("canvas", "moodle-worksheet"), help="what SOURCE is")
    roster.add_argument("source", help="the CSV file downloaded from the platform")
    roster.add_argument("--to", default="roster.csv", help="the roster to write (default roster.csv; never replaced)")
    roster.set_defaults(run=_make_roster)
    grade = commands.add_parser("grade", help="autograde a folder or .zip of submitted notebooks")
    grade.add_argument("submissions", help="folder or .zip of <student>/<notebook>.ipynb or <student>_<notebook>.ipynb")
    grade.add_argument("--assignment", required=True, help="assignment id, e.g. 01_linear_regression")
    grade.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel (default 1)")
    grade.add_argument("--out", default="grading", help="output folder for grades.csv and feedback (default grading/)")
    grade.add_argument("--cell-timeout", type=float, default=300, help="seconds one cell may run (default 300)")
    grade.add_argument("--notebook-timeout", type=float, default=900, help="seconds one notebook may run (default 900)")
    grade.add_argument("--memory-mb", type=int, default=6144, help="memory one kernel may use, MiB (default 6144)")
    grade.add_argument("--max-output-bytes", type=int, default=1_000_000, help="output kept per cell, bytes (default 1000000)")
    grade.add_argument("--scratch-mb", type=int, default=512, help="writable space of each sandbox, MiB (default 512)")
    grade.add_argument("--seed", default=None, help="secret seed of the hidden tests' inputs (default: OUT/seed, "
                       "else a new random one saved there); shards must share it")
    grade.add_argument("--shard", default=None, metavar="K/N", help="grade only shard K of N (0 <= K < N), chosen by a "
                       "stable hash of the student id; combine the outputs with `merge`")
    grade.add_argument("--regrade", action="store_true", help="grade every file again, even those whose stored "
                       "result is current; earlier results go to OUT/history/, what changed to OUT/changes.csv/.html")
    grade.add_argument("--roster", default=None, help="CSV of the class (student_id,name,email,platform_id): maps "
                       "Canvas and Moodle downloads to students, adds a 'missing' row per student without a file")
    grade.add_argument("--no-sandbox", action="store_true", help="run kernels without the OS sandbox: TRUSTED "
                       "submissions only; every row is marked unsandboxed")
    grade.set_defaults(run=_grade)
    merge = commands.add_parser("merge", help="combine the output folders of `grade --shard` runs")
    merge.add_argument("shards", nargs="+", help="the --out folders of the shard runs")
    merge.add_argument("--out", required=True, help="output folder of the merged gradebook and grades.csv")
    merge.add_argument("--roster", default=None, help="the class roster: adds a 'missing' row per student without a file")
    merge.set_defaults(run=_merge)
    export = commands.add_parser("export", help="export the grades of a grading run: nbgrader's CSV, or a learning "
                                 "platform's import file")
    export.add_argument("--out", default="grading", help="the folder given to `grade --out` (default grading/)")
    export.add_argument("--to", default=None, help="CSV file to write (default OUT/gradebook_export.csv, "
                        "OUT/<format>_grades.csv)")
    export.add_argument("--format", choices=("nbgrader", "canvas", "moodle", "moodle-worksheet"), default="nbgrader",
                        help="nbgrader's CSV (default), Canvas's gradebook import, Moodle's gradebook import or "
                        "Moodle's assignment grading worksheet")
    export.add_argument("--roster", default=None, help="the class roster (needed for canvas and moodle)")
    export.add_argument("--column", default=None, help="canvas, moodle: the gradebook column to fill (default: "
                        "the assignment's title in course/course.toml)")
    export.set_defaults(run=_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen sub-command; known problems print one line, not a traceback."""
    _put_environment_on_path()
    if hasattr(faulthandler, "register"):  # not on Windows
        faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 <pid>` prints every thread's stack
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted; every file graded so far is saved: run the same command again to resume", file=sys.stderr)
        return 130
    except (KeyError, FileNotFoundError, FileExistsError, ValueError, SandboxUnavailable, PublishError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
