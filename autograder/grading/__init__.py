"""Grading: the pipeline of named steps, verdicts and stored results (uses ``execution``, ``reports``)."""
