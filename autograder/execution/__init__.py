"""Sandboxed execution: bubblewrap, seccomp, cgroups, sandboxed kernels and one notebook run under limits.

Knows nothing of grading: it runs notebooks and reports what happened.
"""
