"""RunReference: run the instructor's notebook once, sandboxed, with the run's seed; keep the hidden tests' records."""

from __future__ import annotations

import nbformat

from autograder.execution.kernel_pool import KernelPool
from autograder.execution.run_notebook import execute_notebook
from autograder.grading.steps.base import Step
from autograder.grading.template import after_last_test, nbgrader_metadata
from autograder.grading.verdict import records_of


class ReferenceRunError(ValueError):
    """The instructor's notebook cannot serve as the reference; the message says what to fix."""


def reference_records(executed, name: str, grade_points: dict[str, float]) -> dict[str, list]:
    """grade_id -> records of each hidden test; raise ReferenceRunError when a test fails or records nothing."""
    records: dict[str, list] = {}
    for cell in executed.cells:
        grade_id = nbgrader_metadata(cell).get("grade_id")
        if grade_id not in grade_points:
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            raise ReferenceRunError(
                f"the instructor's solution fails its own test {grade_id} in {name}: {errors[0].get('ename')}: "
                f"{str(errors[0].get('evalue', ''))[:300]}; fix source/ and check it with `python -m pytest source/`")
        if grade_points[grade_id] > 0:
            records[grade_id] = records_of(cell.get("outputs", []))
            large = [r["name"] for r in records[grade_id] if r["value"].get("kind") == "too_large"]
            if large:
                raise ReferenceRunError(
                    f"the hidden test {grade_id} of {name} records {', '.join(large)}, too large to compare "
                    "(over dlcourse.grading.MAX_ELEMENTS values); record a smaller input's result or a summary")
    missing = sorted(g for g, points in grade_points.items() if points > 0 and not records.get(g))
    if missing:
        raise ReferenceRunError(
            f"the hidden test(s) {', '.join(missing)} of {name} recorded no value when run on the instructor's "
            "solution; every graded cell must call dlcourse.grading.record (see docs/writing_tests.md)")
    return records


class RunReference(Step):
    """Run reference: the instructor's notebook in its own sandboxed kernel, same seed; records per hidden test, once per run."""

    requires = ("pending", "template", "assignment", "recipe", "settings")
    provides = ("reference",)

    def run(self, state) -> None:
        if not state.pending:
            return
        pool = KernelPool(state.recipe)
        try:
            for name, template in state.template.notebooks.items():
                path = state.assignment.source_path().parent / name
                notebook = nbformat.read(path, as_version=4)
                for cell in notebook.cells:
                    if cell.cell_type == "code":
                        cell.outputs, cell.execution_count = [], None
                execution = execute_notebook(notebook, state.settings, pool, after_last_test(notebook), refill=False)
                if execution.failure:
                    raise ReferenceRunError(f"the instructor's notebook {path} did not run to its end in the sandbox "
                                            f"({execution.failure}); fix it and check it with `python -m pytest {path}`")
                points = {cell.grade_id: cell.points for cell in template.grade_cells()}
                state.reference[name] = reference_records(execution.notebook, name, points)
        finally:
            pool.close()
