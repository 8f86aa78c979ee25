"""Full mode, what students run on a CPU: the cheap NumPy notebooks run without error, nothing on stderr,
and each widget panel shows once.

Fast mode is covered for every notebook by nbval (pytest.ini; conftest.py fails a cell that writes
to stderr). Full mode of the framework notebooks takes minutes: `make timings FULL=1 NB=...` runs
the same checks on them by hand.
"""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import COURSE, REPO_ROOT

spec = importlib.util.spec_from_file_location("time_notebooks", REPO_ROOT / ".ci" / "time_notebooks.py")
time_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(time_notebooks)

# Full mode under 30 s each on the 2-core CI VM (make timings FULL=1).
CHEAP_IN_FULL_MODE = ["01_linear_regression", "02_logistic_regression", "04_activations"]


@pytest.mark.parametrize("assignment_id", CHEAP_IN_FULL_MODE)
def test_full_mode_runs_cleanly(assignment_id):
    notebook, seconds = time_notebooks.execute(COURSE.assignment(assignment_id).source_path(), full=True)
    problems = time_notebooks.problems(notebook)
    assert not problems, f"{assignment_id} in full mode ({seconds:.0f} s):\n" + "\n".join(problems)
    explore_cells = [c for c in notebook.cells if c.cell_type == "code" and "widgets.explore(" in c.source]
    for cell in explore_cells:
        views = [o for o in cell.outputs if time_notebooks.WIDGET_VIEW in o.get("data", {})]
        assert len(views) == 1, f"{assignment_id}: an explore cell shows {len(views)} widgets"


def test_slow_cells_are_named_from_nbclients_timing():
    import nbformat

    def cell(source, begun, ended):
        made = nbformat.v4.new_code_cell(source)
        made.metadata["execution"] = {"iopub.execute_input": begun, "shell.execute_reply": ended}
        return made

    notebook = nbformat.v4.new_notebook(cells=[
        cell("quick()", "2026-12-07T10:00:00.000Z", "2026-12-07T10:00:02.000Z"),
        nbformat.v4.new_markdown_cell("text"),
        cell("\nfor epoch in range(50):\n    train()", "2026-12-07T10:00:02.000Z", "2026-12-07T10:01:37.500Z"),
        nbformat.v4.new_code_cell("never_ran()"),
    ])
    assert time_notebooks.slow_cells(notebook, 10) == ["cell 2: 96 s, for epoch in range(50):"]
