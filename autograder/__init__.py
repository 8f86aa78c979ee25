"""Instructor tooling of the course: build the student release and grade submissions.

Run from the repository root: `python -m autograder --help`. Grading (`grade`, `export`) is a
pipeline of named steps listed in `autograder.grading.pipeline`; autograder/README.md describes the
steps, the sandbox and its limits.
"""
