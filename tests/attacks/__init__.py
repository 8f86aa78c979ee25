"""Crafted hostile submissions of notebook 01 and the tools that judge what a grading run did with them.

``notebooks`` turns the instructor notebook (solution) or the release (blank) into a student's file,
``payloads`` holds the hostile code, ``catalog`` names every student of the three runs of
``tests/grader/grading/test_attacks.py`` with the score each may get, ``inspect_run`` reads a run's
outputs and watches its processes.
"""
