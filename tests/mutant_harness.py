"""Run plausible wrong answers against a notebook's hidden tests, judged as the grader judges them.

One kernel per notebook: the instructor's notebook runs up to its last test cell (as far as the
grader runs it) with a grading seed, which gives the reference records of every graded cell. Each
mutant then replaces one solution cell, re-runs that exercise's graded cells, and
``autograder.grading.verdict.judge_cell`` decides them against the reference; the solution is put back
before the next mutant. This is a test tool, not a sandbox: the mutants are the course's own code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.grading.template import after_last_test
from autograder.grading.verdict import Verdict, judge_cell, records_of


@dataclass(frozen=True)
class Mutant:
    """A wrong solution a student could plausibly write."""

    exercise: str  # grade_id of the solution cell it replaces
    mistake: str  # what the student got wrong, in a few words
    source: str  # the whole replacement cell


@dataclass
class MutantReport:
    reference: dict[str, list[dict]] = field(default_factory=dict)  # graded cell -> records
    reseeded: dict[str, list[dict]] = field(default_factory=dict)  # the same cells under another seed
    verdicts: dict[str, dict[str, Verdict]] = field(default_factory=dict)  # mistake -> graded cell -> verdict


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_cells(notebook) -> list[tuple[int, str]]:
    """(index, grade_id) of every test cell that carries points."""
    return [(i, _meta(c)["grade_id"]) for i, c in enumerate(notebook.cells)
            if c.cell_type == "code" and _meta(c).get("grade") and float(_meta(c).get("points") or 0) > 0]


def _run(client: NotebookClient, notebook, index: int, source: str) -> list:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata = dict(notebook.cells[index].metadata)
    client.execute_cell(cell, index)
    return cell.outputs


def run_mutants(path: Path, mutants: list[Mutant], seeds: tuple[str, str] = ("mutants-1", "mutants-2"),
                timeout: int = 600) -> MutantReport:
    """Execute the notebook once, then every mutant against the graded cells of its exercise.

    The first seed drives the reference and the mutants; the graded cells then run again under
    the second, and those records must differ (see ``MutantReport.reseeded``). Fixed seeds keep
    CI repeatable; pass others to look for mutants that pass by luck.
    """
    notebook = nbformat.read(path, as_version=4)
    report = MutantReport()
    env = {"DLCOURSE_FAST": "1", "DLCOURSE_GRADING_SEED": seeds[0]}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=False,
                                resources={"metadata": {"path": str(path.parent)}})
        graded = graded_cells(notebook)
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells[:after_last_test(notebook)]):  # as far as the grader runs
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
            for index, grade_id in graded:
                report.reference[grade_id] = records_of(notebook.cells[index].outputs)
            client.allow_errors = True
            solutions = {_meta(c)["grade_id"]: (i, c.source) for i, c in enumerate(notebook.cells)
                         if _meta(c).get("solution") and c.cell_type == "code"}
            for mutant in mutants:
                index, original = solutions[mutant.exercise]
                _run(client, notebook, index, mutant.source)
                report.verdicts[mutant.mistake] = {
                    grade_id: judge_cell(report.reference[grade_id],
                                         records_of(_run(client, notebook, test_index, notebook.cells[test_index].source)))
                    for test_index, grade_id in graded if grade_id.startswith(mutant.exercise)}
                _run(client, notebook, index, original)
            _run(client, notebook, 0, f"import os; os.environ['DLCOURSE_GRADING_SEED'] = {seeds[1]!r}")
            for index, grade_id in graded:
                report.reseeded[grade_id] = records_of(_run(client, notebook, index, notebook.cells[index].source))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return report
