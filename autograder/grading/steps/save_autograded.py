"""SaveAutograded: keep the executed notebook, hidden tests and all, for the instructor."""

from __future__ import annotations

import nbformat

from autograder.grading.steps.base import Step


class SaveAutograded(Step):
    """Save autograded: the executed notebook to OUT/autograded/<student>/<notebook>.ipynb (instructor only)."""

    requires = ("executed", "cells")
    provides = ("autograded_path",)

    def run(self, state) -> None:
        folder = state.out / "autograded" / state.submission.student_id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{state.submission.output_stem}.ipynb"
        nbformat.write(state.executed, path)
        state.autograded_path = path
