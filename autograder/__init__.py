"""Instructor tooling of the course: build the student release and grade submissions.

Run from the repository root: `python -m autograder --help`.
"""
