"""Exporting the gradebook of a grading run."""

import pytest

from autograder.reports.export import export_gradebook


def test_export_without_a_gradebook_says_which_command_to_run_first(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m autograder grade"):
        export_gradebook(tmp_path)
