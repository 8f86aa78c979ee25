"""Run plausible wrong answers, and correct alternatives, against a notebook's hidden tests, judged as the grader judges.

One kernel per notebook: the instructor's notebook runs up to its last test cell (as far as the
grader runs it) with a grading seed, which gives the reference records of every graded cell. Each
mutant or alternative then replaces one solution cell, re-runs that exercise's graded cells, and
``autograder.grading.verdict.judge_cell`` decides them against the reference; the rules its visible
test declares (``check_rules``) are checked on the replaced code as the grader's CheckRules step
does. The solution is put back before the next one. This is a test tool, not a sandbox: the
mutants and alternatives are the course's own code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.grading.steps.check_rules import declared_rules
from autograder.grading.steps.check_rules import verdict as rule_verdict
from autograder.grading.template import after_last_test, build_notebook_template
from autograder.grading.verdict import Verdict, judge_cell, records_of


@dataclass(frozen=True)
class Mutant:
    """A wrong solution a student could plausibly write."""

    exercise: str  # grade_id of the solution cell it replaces
    mistake: str  # what the student got wrong, in a few words
    source: str  # the whole replacement cell


@dataclass(frozen=True)
class Alternative:
    """A correct solution written another way than the instructor's: it must score full marks."""

    exercise: str  # grade_id of the solution cell it replaces
    way: str  # how it differs from the instructor's, in a few words
    source: str  # the whole replacement cell
    # For a correct answer that leaves a path the exercise prescribes (and states): the [FAIL] its visible
    # test must print. Such an alternative may fail the hidden tests; the student was told first.
    visible_fail: str = ""


@dataclass
class MutantReport:
    reference: dict[str, list[dict]] = field(default_factory=dict)  # graded cell -> records
    reseeded: dict[str, list[dict]] = field(default_factory=dict)  # the same cells under another seed
    verdicts: dict[str, dict[str, Verdict]] = field(default_factory=dict)  # mistake -> graded cell -> verdict
    alternatives: dict[str, dict[str, Verdict]] = field(default_factory=dict)  # way -> graded cell -> verdict
    visible_errors: dict[str, str] = field(default_factory=dict)  # way -> what its exercise's visible tests raised


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_cells(notebook) -> dict[str, tuple[int, str]]:
    """grade_id -> (index, source) of every answer cell: the exercises of the notebook."""
    return {_meta(c)["grade_id"]: (i, c.source) for i, c in enumerate(notebook.cells)
            if _meta(c).get("solution") and c.cell_type == "code"}


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
                timeout: int = 600, alternatives: list[Alternative] = ()) -> MutantReport:
    """Execute the notebook once, then every mutant and alternative against the graded cells of its exercise.

    The first seed drives the reference, the mutants and the alternatives; the graded cells then run
    again under the second, and those records must differ (see ``MutantReport.reseeded``). Fixed
    seeds keep CI repeatable; pass others to look for mutants that pass by luck.
    """
    notebook = nbformat.read(path, as_version=4)
    rules = declared_rules(build_notebook_template(path.name, notebook, notebook))
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
            solutions = solution_cells(notebook)
            for replacement, verdicts in [(m, report.verdicts) for m in mutants] + \
                                         [(a, report.alternatives) for a in alternatives]:
                index, original = solutions[replacement.exercise]
                _run(client, notebook, index, replacement.source)
                found = {grade_id: judge_cell(report.reference[grade_id],
                                              records_of(_run(client, notebook, test_index,
                                                              notebook.cells[test_index].source)))
                         for test_index, grade_id in graded
                         if exercise_of(grade_id, solutions) == replacement.exercise}
                for rule in rules:
                    if rule.hidden_grade_id in found:
                        message = rule_verdict(rule, _sources_before(notebook, rule.hidden_grade_id,
                                                                     index, replacement.source))
                        if message:
                            found[rule.hidden_grade_id] = Verdict(False, message)
                verdicts[getattr(replacement, "mistake", None) or replacement.way] = found
                if getattr(replacement, "visible_fail", ""):
                    report.visible_errors[replacement.way] = "\n".join(
                        "\n".join(output.get("traceback", [])) for test_index, _ in _visible_cells(notebook, replacement.exercise)
                        for output in _run(client, notebook, test_index, notebook.cells[test_index].source)
                        if output.get("output_type") == "error")
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


def exercise_of(grade_id: str, exercises) -> str | None:
    """The exercise a test cell belongs to: the longest exercise id that ``grade_id`` starts with, then ``_``.

    ``tanh_derivative_hidden`` belongs to ``tanh_derivative``, not ``tanh``; ``dense_layer_forward_hidden``
    to ``dense_layer``.
    """
    owners = [exercise for exercise in exercises if grade_id.startswith(exercise + "_")]
    return max(owners, key=len, default=None)


def _visible_cells(notebook, exercise: str) -> list[tuple[int, str]]:
    """(index, grade_id) of the visible tests (no points) of an exercise."""
    exercises = solution_cells(notebook)
    return [(i, _meta(c)["grade_id"]) for i, c in enumerate(notebook.cells)
            if c.cell_type == "code" and _meta(c).get("grade") and not float(_meta(c).get("points") or 0)
            and exercise_of(_meta(c)["grade_id"], exercises) == exercise]


def _sources_before(notebook, hidden_grade_id: str, replaced: int, source: str) -> list[str]:
    """The code that ran before a hidden test, tests excluded, with cell ``replaced`` holding ``source``."""
    end = next(i for i, c in enumerate(notebook.cells) if _meta(c).get("grade_id") == hidden_grade_id)
    return [source if i == replaced else c.source for i, c in enumerate(notebook.cells[:end])
            if c.cell_type == "code" and not _meta(c).get("grade")]
